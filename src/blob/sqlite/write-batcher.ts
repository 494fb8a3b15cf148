/**
 * Funnels every insert and delete of one connection through few transactions. Operations
 * submitted during one turn of the event loop are applied together in the next
 * setImmediate, in one BEGIN IMMEDIATE … COMMIT: a burst of small PUTs then costs one
 * WAL append (and, with fsync, one fdatasync via GroupSync) instead of one each.
 *
 * Each transaction runs synchronously from BEGIN to COMMIT, so the connection never holds
 * an open transaction across an await and reads need no lock of ours. Only the wait for
 * another process's write lock is asynchronous (retryBusy), and operations submitted
 * meanwhile join the batch.
 */
import type Database from 'better-sqlite3';
import { retryBusy, wrapError } from './sqlite-errors.js';

export type WriteOp = { kind: 'put'; id: string; data: Buffer; modifiedAt: number } | { kind: 'delete'; id: string };

interface Queued {
  op: WriteOp;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface WriteBatcherOptions {
  db: Database.Database;
  /** How long to wait for another process's write lock before failing with Unavailable. */
  busyTimeoutMs: number;
  /**
   * Called after a transaction that inserted bytes has committed; puts resolve when the
   * returned promise does (the durability wait). Absent: puts resolve at COMMIT.
   */
  afterCommit?: () => Promise<void>;
  /** Told about how many bytes each committed transaction added to the WAL (to pace checkpoints). */
  onCommitted?: (bytes: number) => void;
  /** A promise to await before starting a transaction (while a checkpoint must reset the WAL). */
  writeGate?: () => Promise<void> | undefined;
}

/** A delete dirties at least a page (its leaf; freed overflow pages join the freelist). */
const DELETE_WAL_BYTES = 4096;
/** Bytes per transaction: bounds how long one batch holds the event loop and the write lock. */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

export class WriteBatcher {
  private queue: Queued[] = [];
  private scheduled = false;
  private flushing: Promise<void> | undefined;
  /** Durability waits still running (so close() can let them finish). */
  private readonly durable = new Set<Promise<void>>();
  private readonly s;

  constructor(private readonly opts: WriteBatcherOptions) {
    const db = opts.db;
    this.s = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      insert: db.prepare<[string, Buffer, number]>('INSERT INTO blobs (id, data, modified_at) VALUES (?, ?, ?)'),
      delete: db.prepare<[string]>('DELETE FROM blobs WHERE id = ?'),
    };
  }

  /** Applies op in a coming transaction; resolves once committed (and durable, for puts). */
  submit(op: WriteOp): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when every submitted operation has settled. */
  async drain(): Promise<void> {
    while (this.scheduled || this.flushing !== undefined || this.durable.size > 0) {
      await Promise.all([this.flushing, ...this.durable, new Promise((r) => setImmediate(r))]);
    }
  }

  private schedule(): void {
    if (this.scheduled || this.flushing !== undefined) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flushing = this.flush().finally(() => {
        this.flushing = undefined;
        if (this.queue.length > 0) this.schedule();
      });
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const gate = this.opts.writeGate?.();
      if (gate !== undefined) await gate;
      try {
        await retryBusy(() => this.s.begin.run(), this.opts.busyTimeoutMs);
      } catch (e) {
        const failed = this.queue;
        this.queue = [];
        for (const q of failed) q.reject(e);
        return;
      }
      const batch = this.take();
      let inserted = false;
      let bytes = 0;
      try {
        for (const { op } of batch) {
          if (op.kind === 'put') {
            this.s.insert.run(op.id, op.data, op.modifiedAt);
            inserted = true;
            bytes += op.data.byteLength;
          } else {
            this.s.delete.run(op.id);
            bytes += DELETE_WAL_BYTES;
          }
        }
        this.s.commit.run();
      } catch (e) {
        if (this.opts.db.inTransaction) this.s.rollback.run();
        for (const q of batch) q.reject(wrapError(e));
        continue;
      }
      this.settle(batch, inserted ? this.opts.afterCommit?.() : undefined);
      this.opts.onCommitted?.(bytes);
    }
  }

  /** Takes queued operations up to MAX_BATCH_BYTES (at least one). */
  private take(): Queued[] {
    let bytes = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || bytes < MAX_BATCH_BYTES)) {
      const op = (this.queue[n] as Queued).op;
      if (op.kind === 'put') bytes += op.data.byteLength;
      n++;
    }
    return this.queue.splice(0, n);
  }

  /** Deletes settle at COMMIT: a delete lost to power loss leaves garbage that GC collects. */
  private settle(batch: Queued[], durable: Promise<void> | undefined): void {
    if (durable === undefined) {
      for (const q of batch) q.resolve();
      return;
    }
    const tracked = durable.then(
      () => {
        for (const q of batch) q.resolve();
      },
      (e: unknown) => {
        for (const q of batch) {
          if (q.op.kind === 'put') q.reject(e);
          else q.resolve();
        }
      },
    );
    this.durable.add(tracked);
    void tracked.finally(() => this.durable.delete(tracked));
  }
}
