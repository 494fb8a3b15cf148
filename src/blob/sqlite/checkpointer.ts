/**
 * Moves checkpoints off the event loop. SQLite's automatic checkpoint runs inside the
 * COMMIT that crosses 1000 WAL pages, on the committing thread, copying pages and fsyncing
 * both files. Measured with 4 KiB blobs at concurrency 32: p99 event-loop delay 25-45 ms
 * that way against 3-5 ms with checkpoints on a worker, and 13,000 commits/s against
 * 17,000-35,000 without fsync (11,000 against 10,000-12,000 with). So the main
 * connection's auto-checkpoint is off, and after every `everyBytes` committed a worker
 * thread with its own connection runs one (checkpoint-worker.ts).
 *
 * A PASSIVE checkpoint never blocks writers, but the WAL only starts over from its
 * beginning once a checkpoint has copied every frame and no write came in between; under
 * steady writes that may never happen (measured: 190 MiB of WAL after 470 MiB of 16 KiB
 * blobs). So once the WAL has grown past WAL_RESET_BYTES, a TRUNCATE checkpoint follows
 * while this store's writes wait (writeGate); reads go on meanwhile. It leaves the WAL
 * empty, truncated by the worker: journal_size_limit would have the next COMMIT truncate
 * it on this thread instead, which stalled the event loop ~150 ms.
 *
 * The worker starts on first need (most stores in tests never need one) and is unref'd. If
 * it cannot start or dies, the main connection's auto-checkpoint comes back on: slower,
 * but the WAL stays bounded.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { CheckpointReply, CheckpointRequest } from './checkpoint-worker.js';

export interface CheckpointerOptions {
  /** The store's connection (its auto-checkpoint is switched off while the worker serves). */
  db: Database.Database;
  busyTimeoutMs: number;
  /** Bytes committed between checkpoints. */
  everyBytes: number;
}

const WAL_RESET_BYTES = 64 * 1024 * 1024;
/** SQLite's default wal_autocheckpoint, restored if the worker fails. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

export class Checkpointer {
  private worker: Worker | undefined;
  private running: Promise<void> | undefined;
  private sinceLast = 0;
  private gate: { promise: Promise<void>; release: () => void } | undefined;
  private fallenBack = false;
  private closed = false;
  private readonly pageSize: number;

  constructor(private readonly opts: CheckpointerOptions) {
    opts.db.pragma('wal_autocheckpoint = 0');
    this.pageSize = Number(opts.db.pragma('page_size', { simple: true }));
  }

  /**
   * Notes bytes just committed. Starts checkpointing once everyBytes have gathered; if
   * WAL_RESET_BYTES gather while a checkpoint still runs, writes are outpacing it, so they
   * are held until it and a TRUNCATE have run (backpressure that bounds the WAL).
   */
  committed(bytes: number): void {
    if (this.fallenBack || this.closed) return;
    this.sinceLast += bytes;
    if (this.running !== undefined) {
      if (this.sinceLast >= WAL_RESET_BYTES) this.holdWrites();
      return;
    }
    if (this.sinceLast < this.opts.everyBytes) return;
    this.running = this.run().finally(() => {
      this.running = undefined;
      this.releaseWrites();
    });
  }

  /** While writes are held, a promise a writer awaits before starting a transaction. */
  writeGate(): Promise<void> | undefined {
    return this.gate?.promise;
  }

  /** Resolves when no checkpoint is running (tests; close). */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  /** PASSIVE checkpoints, then a TRUNCATE with writes held if the WAL grew too long meanwhile. */
  private async run(): Promise<void> {
    let reset = false;
    for (;;) {
      this.sinceLast = 0;
      if (reset) this.holdWrites();
      let reply: CheckpointReply;
      try {
        reply = await this.request({ mode: reset ? 'TRUNCATE' : 'PASSIVE' });
      } catch {
        this.fallBack();
        return;
      }
      // A failed or busy checkpoint (another process's may be running) is retried at the next trigger.
      if (reset || 'error' in reply) return;
      // log counts the frames written since the WAL last started over.
      reset = this.gate !== undefined || reply.log * this.pageSize >= WAL_RESET_BYTES;
      if (!reset) return;
    }
  }

  private holdWrites(): void {
    if (this.gate !== undefined) return;
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    this.gate = { promise, release };
  }

  private releaseWrites(): void {
    this.gate?.release();
    this.gate = undefined;
  }

  private request(msg: CheckpointRequest): Promise<CheckpointReply> {
    const worker = (this.worker ??= this.spawn());
    return new Promise<CheckpointReply>((resolve, reject) => {
      const done = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (r: CheckpointReply) => {
        done();
        resolve(r);
      };
      const onError = (e: unknown) => {
        done();
        reject(e);
      };
      const onExit = (code: number) => {
        done();
        reject(new Error(`checkpoint worker exited with code ${code}`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(msg);
    });
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./checkpoint-worker.js', import.meta.url), {
      workerData: { path: this.opts.db.name, busyTimeoutMs: Math.min(this.opts.busyTimeoutMs, 1000) },
    });
    // A store that is never closed must not keep the process alive.
    worker.unref();
    return worker;
  }

  private fallBack(): void {
    this.fallenBack = true;
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    if (this.opts.db.open) this.opts.db.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
  }

  /** Waits for a running checkpoint, then stops the worker (its connection closes first). */
  async close(): Promise<void> {
    this.closed = true;
    // Whoever awaits close() needs the worker's replies: keep the process alive until they come.
    this.worker?.ref();
    await this.idle();
    const worker = this.worker;
    this.worker = undefined;
    if (worker === undefined) return;
    const exited = once(worker, 'exit');
    worker.postMessage({ close: true } satisfies CheckpointRequest);
    await exited.catch(() => undefined);
  }
}
