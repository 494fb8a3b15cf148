/**
 * BlobStore in a SQLite database of its own (e.g. <dataDir>/blobs-small.db; never the
 * metadata database: it holds bytes only). Meant for small blobs: creating, writing,
 * syncing and renaming a file costs about a millisecond of kernel time per blob and
 * opening one to read about 100 µs, while a row costs a few microseconds either way.
 *
 *   blobs (id TEXT PRIMARY KEY, data BLOB, modified_at INTEGER)   modified_at: ms since epoch
 *
 * Writers buffer in memory and insert one row on commit; commits of one event-loop turn
 * share a transaction (write-batcher.ts). WAL mode with synchronous=NORMAL: COMMIT appends
 * to the -wal file without syncing, so a commit survives a process crash at once.
 * Checkpoints run on a worker thread with its own connection (checkpointer.ts).
 *
 * Durability (fsync: true, the default): after COMMIT the writer awaits an fdatasync of the
 * -wal file, issued on the libuv thread pool through a file handle we keep open, shared by
 * every commit made meanwhile (group-sync.ts). That makes the commit survive power loss:
 *  - fdatasync flushes every dirty page of the WAL file (whichever descriptor wrote it),
 *    so our frames, their commit frame, and all frames before them are on stable storage;
 *  - under NORMAL, SQLite itself fsyncs the WAL before any checkpoint copies frames into
 *    the database file, fsyncs the database file after the checkpoint completes, and syncs
 *    the WAL header before reusing the file from the start. So if a checkpoint moved our
 *    frames before our sync ran, they were made durable in the database file first, and
 *    the WAL is overwritten (or truncated) only after that. This holds for checkpoints
 *    by any connection that is not synchronous=OFF: ours, the checkpoint worker's (NORMAL),
 *    other processes' stores (NORMAL).
 * Our descriptor is the file SQLite uses: the WAL is deleted or replaced only by the last
 * connection to close, and ours stays open until close(). With fsync: false commits still
 * survive a process crash but may roll back on power loss; the database never corrupts.
 *
 * Several processes may open one file: writes take the lock with BEGIN IMMEDIATE, retried
 * asynchronously while another process holds it (sqlite-errors.ts); WAL readers never wait.
 */
import type { FileHandle } from 'node:fs/promises';
import { open, realpath } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { BufferedReadable } from '../../core/buffered-readable.js';
import { randomHex } from '../../core/random-hex.js';
import { fail } from '../../core/errors.js';
import { enableWal } from '../../core/sqlite-wal.js';
import type { BlobStat, BlobStore, BlobWriter, CleanTempOptions, IoOptions, ReadOptions } from '../blob-store.js';
import { Checkpointer } from './checkpointer.js';
import { GroupSync } from './group-sync.js';
import { retryBusy, wrapError } from './sqlite-errors.js';
import { SqliteBlobWriter } from './sqlite-blob-writer.js';
import { WriteBatcher } from './write-batcher.js';

export interface SqliteBlobStoreOptions {
  /** Path of the database file (created if missing). */
  path: string;
  /** fdatasync the WAL before a commit resolves. Default true. */
  fsync?: boolean;
  /** How long an operation may wait for another process's lock. Default 10 s. */
  busyTimeoutMs?: number;
  /** Syncs the WAL file (default: FileHandle.datasync); tests substitute it to count syncs. */
  datasync?: (wal: FileHandle) => Promise<void>;
  /** Read stream chunk size. Default 256 KiB. */
  readChunkBytes?: number;
  /** Blob bytes committed between checkpoints (run on a worker thread). Default 4 MiB. */
  checkpointBytes?: number;
}

/**
 * 's' + 11 hex digits of the commit time in ms + 20 random hex digits: 32 characters like
 * the fs store's ids but never all-hex, so a tiered store can route an id without a lookup.
 * The time prefix makes inserts land at the right edge of the id index (few dirty pages
 * per batch) and keeps the 80 random bits collision-free across processes.
 */
const SMALL_BLOB_ID = /^s[0-9a-f]{31}$/;

export function isSqliteBlobId(id: string): boolean {
  return SMALL_BLOB_ID.test(id);
}

const LIST_PAGE = 1000;

interface Statements {
  get: Database.Statement<[string], Buffer>;
  stat: Database.Statement<[string], { size: number; modified_at: number }>;
  page: Database.Statement<[string, number], { id: string }>;
}

export class SqliteBlobStore implements BlobStore {
  readonly path: string;
  private readonly batcher: WriteBatcher;
  private readonly group: GroupSync | undefined;
  private readonly checkpointer: Checkpointer;
  private readonly s: Statements;
  private readonly busyTimeoutMs: number;
  private readonly readChunk: number;
  private closed = false;
  private closing: Promise<void> | undefined;

  /** Opens (creating if needed) the database and, with fsync, a handle on its WAL. */
  static async open(opts: SqliteBlobStoreOptions): Promise<SqliteBlobStore> {
    const busyTimeoutMs = opts.busyTimeoutMs ?? 10_000;
    const db = new Database(opts.path);
    let wal: FileHandle | undefined;
    try {
      // Setup may race another process opening the same file: let SQLite wait here.
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      enableWal(db, `small-blob store ${opts.path}`, busyTimeoutMs);
      db.pragma('synchronous = NORMAL');
      db.pragma('cache_size = -16384');
      db.exec('CREATE TABLE IF NOT EXISTS blobs (id TEXT PRIMARY KEY, data BLOB NOT NULL, modified_at INTEGER NOT NULL)');
      db.pragma('busy_timeout = 0');
      // journal_mode=WAL has opened (and if need be created) the -wal file by now. SQLite
      // names it after the database's real path (symlinks resolved), so we do too.
      if (opts.fsync ?? true) wal = await open(`${await realpath(db.name)}-wal`, 'r');
      return new SqliteBlobStore(db, wal, opts, busyTimeoutMs);
    } catch (e) {
      await wal?.close();
      db.close();
      throw e;
    }
  }

  private constructor(
    private readonly db: Database.Database,
    private readonly wal: FileHandle | undefined,
    opts: SqliteBlobStoreOptions,
    busyTimeoutMs: number,
  ) {
    this.path = db.name;
    this.busyTimeoutMs = busyTimeoutMs;
    this.readChunk = opts.readChunkBytes ?? 256 * 1024;
    const datasync = opts.datasync ?? ((f: FileHandle) => f.datasync());
    this.group =
      wal === undefined
        ? undefined
        : new GroupSync(async () => {
            try {
              await datasync(wal);
            } catch (e) {
              throw fail('Internal', 'Could not sync the small-blob store to disk.', { cause: e });
            }
          });
    const group = this.group;
    const checkpointer = new Checkpointer({ db, busyTimeoutMs, everyBytes: opts.checkpointBytes ?? 4 * 1024 * 1024 });
    this.checkpointer = checkpointer;
    this.batcher = new WriteBatcher({
      db,
      busyTimeoutMs,
      ...(group !== undefined ? { afterCommit: () => group.request() } : {}),
      onCommitted: (bytes) => checkpointer.committed(bytes),
      writeGate: () => checkpointer.writeGate(),
    });
    this.s = {
      // pluck: the Buffer itself, not a row object around it.
      get: db.prepare<[string], Buffer>('SELECT data FROM blobs WHERE id = ?').pluck(true),
      // length() of a BLOB reads the record header only, not the bytes.
      stat: db.prepare('SELECT length(data) AS size, modified_at FROM blobs WHERE id = ?'),
      page: db.prepare('SELECT id FROM blobs WHERE id > ? ORDER BY id LIMIT ?'),
    };
  }

  async createWriter(opts?: IoOptions): Promise<BlobWriter> {
    opts?.signal?.throwIfAborted();
    this.assertOpen();
    return new SqliteBlobWriter({ insert: (data, signal) => this.insert(data, signal) });
  }

  private async insert(data: Buffer, signal?: AbortSignal): Promise<string> {
    this.assertOpen();
    signal?.throwIfAborted();
    const now = Date.now();
    const id = 's' + now.toString(16).padStart(11, '0') + randomHex(10);
    await this.batcher.submit({ kind: 'put', id, data, modifiedAt: now });
    return id;
  }

  async open(id: string, opts: ReadOptions = {}): Promise<Readable | undefined> {
    opts.signal?.throwIfAborted();
    this.assertOpen();
    checkId(id);
    const data = await retryBusy(() => this.s.get.get(id), this.busyTimeoutMs, opts.signal);
    if (data === undefined) return undefined;
    const start = opts.start ?? 0;
    const end = Math.min(opts.end ?? Infinity, data.byteLength - 1);
    const bytes = end < start ? Buffer.alloc(0) : data.subarray(start, end + 1);
    // The bytes are in memory: a sender may take them whole (see BufferedReadable).
    return new BufferedReadable(bytes, this.readChunk, opts.signal);
  }

  async stat(id: string, opts?: IoOptions): Promise<BlobStat | undefined> {
    opts?.signal?.throwIfAborted();
    this.assertOpen();
    checkId(id);
    const row = await retryBusy(() => this.s.stat.get(id), this.busyTimeoutMs, opts?.signal);
    return row === undefined ? undefined : { size: row.size, modifiedAt: new Date(row.modified_at) };
  }

  async delete(id: string, opts?: IoOptions): Promise<void> {
    opts?.signal?.throwIfAborted();
    this.assertOpen();
    checkId(id);
    await this.batcher.submit({ kind: 'delete', id });
  }

  /**
   * Pages through the ids in key order (the next page starts after the last id seen): an
   * open statement iterator would keep the connection busy while the caller awaits.
   */
  async *list(opts?: IoOptions): AsyncIterable<string> {
    let after = '';
    for (;;) {
      opts?.signal?.throwIfAborted();
      this.assertOpen();
      const from = after;
      const rows = await retryBusy(() => this.s.page.all(from, LIST_PAGE), this.busyTimeoutMs, opts?.signal);
      for (const r of rows) yield r.id;
      if (rows.length < LIST_PAGE) return;
      after = (rows[rows.length - 1] as { id: string }).id;
    }
  }

  /** Unfinished writes live only in memory: there is never anything temporary on disk. */
  async cleanTemp(opts: CleanTempOptions): Promise<number> {
    opts.signal?.throwIfAborted();
    return 0;
  }

  /** Lets pending commits finish (and sync), then closes the WAL handle and the database. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      await this.batcher.drain();
      await this.group?.idle();
      await this.checkpointer.close();
      await this.wal?.close();
      try {
        this.db.close();
      } catch (e) {
        throw wrapError(e);
      }
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closed) throw fail('Unavailable', 'The small-blob store is closed.');
  }
}

function checkId(id: string): void {
  if (!SMALL_BLOB_ID.test(id)) throw new Error(`invalid blob id: ${JSON.stringify(id)}`);
}
