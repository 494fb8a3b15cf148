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

export class SqliteMetaStore implements MetaStore {
  readonly instances: SqliteInstanceRegistry;
  private readonly db: Database.Database;
  private readonly ownsHandle: boolean;
  private readonly tx: MetaTx;
  private readonly mutex = new Mutex();
  private readonly busyTimeoutMs: number;
  private readonly s;
  private closed = false;

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
    };
  }

  read<T>(fn: (tx: MetaTx) => Promise<T>, opts?: TxOptions): Promise<T> {
    return this.run(false, fn, opts);
  }

  write<T>(fn: (tx: MetaTx) => Promise<T>, opts?: TxOptions): Promise<T> {
    return this.run(true, fn, opts);
  }

  private async run<T>(write: boolean, fn: (tx: MetaTx) => Promise<T>, opts?: TxOptions): Promise<T> {
    opts?.signal?.throwIfAborted();
    await this.mutex.acquire();
    try {
      if (this.closed) throw fail('Unavailable', 'The metadata store is closed.');
      await this.begin(write, opts?.signal);
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

  private async begin(write: boolean, signal?: AbortSignal): Promise<void> {
    if (!write) {
      this.s.begin.run();
      return;
    }
    const deadline = Date.now() + this.busyTimeoutMs;
    let delay = 1;
    for (;;) {
      try {
        this.s.beginImmediate.run();
        return;
      } catch (e) {
        if (!isBusy(e) || Date.now() >= deadline) throw e;
      }
      signal?.throwIfAborted();
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
