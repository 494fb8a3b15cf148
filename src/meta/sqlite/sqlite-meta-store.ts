/**
 * MetaStore on better-sqlite3.
 *
 * Durability: the database runs in WAL mode. With synchronous=NORMAL (the default) a commit
 * is written to the WAL before COMMIT returns, so it survives a crash of the process
 * (kill -9, OOM) because the bytes are in the OS page cache; the WAL is fsynced only at
 * checkpoints, so a power loss or kernel crash may roll back the most recent commits, but
 * never corrupts the database. synchronous=FULL fsyncs the WAL on every commit and also
 * survives power loss, at one more fsync per write.
 *
 * Group commit: writes waiting for the connection share one SQLite transaction, each inside
 * a savepoint of its own (a callback that fails rolls back to its savepoint and only it is
 * refused), and every one of them resolves only once the shared COMMIT has succeeded. One
 * commit then writes the pages they share (index pages, the bucket's usage row) once, not
 * once per write. Reads never join a batch (they would see writes not yet committed).
 *
 * Concurrency: one connection per store. Transactions are serialized in-process by a FIFO
 * mutex (callbacks are async), and across processes by SQLite: writes start with BEGIN
 * IMMEDIATE so the write lock is taken up front (no deadlock on lock upgrade); when another
 * process holds it, the store waits briefly inside SQLite (busy_timeout) and then retries
 * asynchronously with backoff, so the event loop is not blocked, until busyTimeoutMs passes
 * and the call fails with Unavailable. Readers never block writers in WAL mode.
 */
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { fail, isAppError } from '../../core/errors.js';
import { enableWal } from '../../core/sqlite-wal.js';
import type { MetaStore, MetaTx, TxOptions } from '../meta-store.js';
import { SqliteBlobRefRepo } from './blob-ref-repo.js';
import { SqliteBucketRepo } from './bucket-repo.js';
import { SqliteInstanceRegistry } from './instance-registry.js';
import { migrate } from './migrations.js';
import { Mutex } from './mutex.js';
import { SqliteObjectRepo } from './object-repo.js';
import { SqliteReplicationQueueRepo } from './replication-queue-repo.js';
import { SqliteUploadRepo } from './upload-repo.js';
import { SqliteUsageRepo, UsageLedger } from './usage-repo.js';

export interface SqliteMetaStoreOptions {
  /** A file path, ':memory:', or an open better-sqlite3 handle (then not closed by the store). */
  database: string | Database.Database;
  /** 'NORMAL' (default) survives process crashes; 'FULL' also survives power loss. */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a write may wait for another process's write lock. Default 10 s. */
  busyTimeoutMs?: number;
  /** The time storage meters accrue to at each change (ms since epoch). Default Date.now. */
  clock?: () => number;
}

/** Milliseconds SQLite itself may wait (blocking) for a lock before we back off asynchronously. */
const INLINE_BUSY_MS = 5;

/** Most writes one commit carries: bounds how long readers and other processes wait for the lock. */
const MAX_BATCH = 64;

interface PendingWrite {
  fn: (tx: MetaTx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
}

export class SqliteMetaStore implements MetaStore {
  readonly instances: SqliteInstanceRegistry;
  private readonly db: Database.Database;
  private readonly ownsHandle: boolean;
  private readonly tx: MetaTx;
  private readonly ledger: UsageLedger;
  private readonly mutex = new Mutex();
  private readonly busyTimeoutMs: number;
  private readonly s;
  private closed = false;
  /** Writes waiting for the next batch, in arrival order. */
  private readonly pending: PendingWrite[] = [];
  private batching = false;

  constructor(opts: SqliteMetaStoreOptions) {
    this.ownsHandle = typeof opts.database === 'string';
    this.db = typeof opts.database === 'string' ? new Database(opts.database) : opts.database;
    this.busyTimeoutMs = opts.busyTimeoutMs ?? 10_000;
    const db = this.db;
    // Setup may race another process opening the same file: wait for it synchronously.
    db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
    if (!db.memory) enableWal(db, db.name, this.busyTimeoutMs);
    db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
    db.pragma('foreign_keys = OFF');
    // Listings touch one table page per key; keep the hot set in memory (per connection).
    db.pragma('cache_size = -32768');
    migrate(db);
    db.pragma(`busy_timeout = ${INLINE_BUSY_MS}`);
    this.instances = new SqliteInstanceRegistry(db.memory ? undefined : join(dirname(db.name), `${basename(db.name)}-instances`));
    const clock = opts.clock ?? Date.now;
    const ledger = new UsageLedger(db, clock);
    this.ledger = ledger;
    this.tx = {
      buckets: new SqliteBucketRepo(db, ledger),
      objects: new SqliteObjectRepo(db, ledger),
      uploads: new SqliteUploadRepo(db, ledger),
      blobRefs: new SqliteBlobRefRepo(db),
      replication: new SqliteReplicationQueueRepo(db),
      usage: new SqliteUsageRepo(db, clock),
    };
    this.s = {
      begin: db.prepare('BEGIN'),
      beginImmediate: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT w'),
      release: db.prepare('RELEASE w'),
      rollbackTo: db.prepare('ROLLBACK TO w'),
    };
  }

  async read<T>(fn: (tx: MetaTx) => Promise<T>, opts?: TxOptions): Promise<T> {
    opts?.signal?.throwIfAborted();
    // Uncontended (the usual case), the lock and BEGIN cost no await.
    if (!this.mutex.tryAcquire()) await this.mutex.acquire();
    try {
      if (this.closed) throw fail('Unavailable', 'The metadata store is closed.');
      // Each statement is then its own read transaction; the lock still keeps a write batch's
      // uncommitted rows out of sight.
      if (opts?.snapshot === false) return await fn(this.tx);
      this.s.begin.run();
      try {
        const result = await fn(this.tx);
        this.s.commit.run();
        return result;
      } catch (e) {
        if (this.db.inTransaction) this.s.rollback.run();
        throw e;
      }
    } catch (e) {
      throw wrapError(e);
    } finally {
      this.mutex.release();
    }
  }

  write<T>(fn: (tx: MetaTx) => Promise<T>, opts?: TxOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (opts?.signal?.aborted) return reject(opts.signal.reason);
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject, signal: opts?.signal });
      if (!this.batching) void this.runBatches();
    });
  }

  /** Commits batches while writes are waiting; each batch takes the connection's lock in turn with readers. */
  private async runBatches(): Promise<void> {
    this.batching = true;
    try {
      while (this.pending.length > 0) {
        if (!this.mutex.tryAcquire()) await this.mutex.acquire();
        try {
          await this.batch();
        } finally {
          this.mutex.release();
        }
      }
    } finally {
      this.batching = false;
    }
  }

  /** One transaction over the waiting writes (and those that arrive while it runs, up to MAX_BATCH). Never throws. */
  private async batch(): Promise<void> {
    if (this.closed) {
      for (const w of this.pending.splice(0)) w.reject(fail('Unavailable', 'The metadata store is closed.'));
      return;
    }
    try {
      await this.beginWrite();
      // What the ledger remembered belongs to an earlier transaction: other processes may have written since.
      this.ledger.reset();
    } catch (e) {
      // Locked out past the timeout: every waiting write would be too.
      for (const w of this.pending.splice(0)) w.reject(wrapError(e));
      return;
    }
    const done: { w: PendingWrite; result: unknown }[] = [];
    for (let n = 0; n < MAX_BATCH && this.pending.length > 0; n++) {
      const w = this.pending.shift() as PendingWrite;
      if (w.signal?.aborted) {
        w.reject(w.signal.reason);
        continue;
      }
      // The first write needs no savepoint: if it fails, the whole (so far empty) transaction goes.
      const first = done.length === 0;
      if (!first) this.s.savepoint.run();
      try {
        const result = await w.fn(this.tx);
        if (!first) this.s.release.run();
        done.push({ w, result });
      } catch (e) {
        w.reject(wrapError(e));
        // Its counter changes are undone: the ledger must read them again.
        this.ledger.reset();
        if (first) {
          if (this.db.inTransaction) this.s.rollback.run();
          return;
        }
        if (this.db.inTransaction) {
          this.s.rollbackTo.run();
          this.s.release.run();
        } else {
          // SQLite rolled the whole transaction back itself (a severe error): the earlier writes went with it.
          for (const d of done) d.w.reject(wrapError(e));
          return;
        }
      }
    }
    try {
      this.s.commit.run();
    } catch (e) {
      if (this.db.inTransaction) this.s.rollback.run();
      for (const d of done) d.w.reject(wrapError(e));
      return;
    }
    for (const d of done) d.w.resolve(d.result);
  }

  private async beginWrite(): Promise<void> {
    const deadline = Date.now() + this.busyTimeoutMs;
    let delay = 1;
    for (;;) {
      try {
        this.s.beginImmediate.run();
        return;
      } catch (e) {
        if (!isBusy(e) || Date.now() >= deadline) throw e;
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 25);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.mutex.acquire();
    try {
      this.closed = true;
      this.instances.releaseAll();
      if (this.ownsHandle) this.db.close();
    } finally {
      this.mutex.release();
    }
  }
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Driver errors become AppErrors at the port boundary; AppErrors from callbacks pass through. */
function wrapError(e: unknown): unknown {
  if (isAppError(e)) return e;
  if (e instanceof Database.SqliteError) {
    if (isBusy(e)) return fail('Unavailable', 'The metadata store is busy; please retry.', { cause: e });
    return fail('Internal', 'The metadata store failed.', { cause: e });
  }
  return e;
}
