/**
 * BlobStore on a local filesystem.
 *
 * Layout under root:
 *   blobs/ab/cd/<id>     committed blobs; id = 128 random bits in hex, ab/cd its first 4 digits
 *   tmp/<instance>/<r>   in-flight writes of one engine instance (see engine/recovery.ts)
 * Object keys never become paths: ids are generated here and validated on every call.
 *
 * Durability (fsync: true, the default): a blob's data is fdatasync'ed before the rename
 * and its directory is fsync'ed after it (and each newly created fan-out directory's
 * parent), so a committed blob survives power loss. With fsync: false, commits survive a
 * process crash (the page cache holds them) but not a power loss.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, opendir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { addAbortSignal, Readable } from 'node:stream';
import { isLinkUnsupported, isNotFound, readdirOrEmpty } from '../../core/fs-errors.js';
import type { BlobStat, BlobStore, BlobWriter, CleanTempOptions, IoOptions, ReadOptions } from '../blob-store.js';
import { FsBlobWriter } from './fs-blob-writer.js';

export interface FsBlobStoreOptions {
  root: string;
  /** fsync data and directories on commit. Default true. */
  fsync?: boolean;
  /** Names this instance's temporary area (an InstanceRegistry lease id). Default: random. */
  instanceId?: string;
  /** Read chunk size; large chunks make big GETs cheap. Default 1 MiB. */
  readHighWaterMark?: number;
}

const BLOB_ID = /^[0-9a-f]{32}$/;
const HEX2 = /^[0-9a-f]{2}$/;
/** Blobs written into one fan-out directory before another is drawn at random. */
const SHARD_ROTATION = 1024;

export class FsBlobStore implements BlobStore {
  readonly root: string;
  readonly instanceId: string;
  private readonly fsync: boolean;
  private readonly highWaterMark: number;
  private readonly blobsDir: string;
  /** This instance's temporary area: other writers on the same filesystem may use it too (cleanTemp collects it). */
  readonly tmpDir: string;
  private tmpReady: Promise<void> | undefined;
  private shard = '';
  private shardUses = SHARD_ROTATION;

  constructor(opts: FsBlobStoreOptions) {
    this.root = opts.root;
    this.fsync = opts.fsync ?? true;
    this.instanceId = opts.instanceId ?? randomBytes(16).toString('hex');
    if (!/^[0-9A-Za-z_-]{1,64}$/.test(this.instanceId)) throw new Error('invalid blob store instance id');
    this.highWaterMark = opts.readHighWaterMark ?? 1024 * 1024;
    this.blobsDir = join(this.root, 'blobs');
    this.tmpDir = join(this.root, 'tmp', this.instanceId);
  }

  async createWriter(opts?: IoOptions): Promise<BlobWriter> {
    opts?.signal?.throwIfAborted();
    return new FsBlobWriter({
      fsync: this.fsync,
      tempPath: async (recreate) => {
        if (recreate) this.tmpReady = undefined;
        this.tmpReady ??= mkdir(this.tmpDir, { recursive: true }).then(
          () => undefined,
          (e: unknown) => {
            this.tmpReady = undefined;
            throw e;
          },
        );
        await this.tmpReady;
        return join(this.tmpDir, randomBytes(12).toString('hex'));
      },
      publish: (tempPath) => this.publish(tempPath),
    });
  }

  /**
   * Renames a finished temp file into place. The rename is tried first and the fan-out
   * directory created only when missing, so the common case costs one syscall; a newly
   * created directory's entry in its parents is made durable too.
   */
  private async publish(tempPath: string): Promise<string> {
    const id = this.newId();
    const dir = this.dirOf(id);
    const target = join(dir, id);
    try {
      await rename(tempPath, target);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      await this.createDir(dir);
      await rename(tempPath, target);
    }
    if (this.fsync) await syncDir(dir);
    return id;
  }

  /**
   * 128-bit ids: 112 random bits after 16 that name the fan-out directory. Those 16 are
   * re-drawn at random every SHARD_ROTATION blobs, so a burst of writes into a fresh store
   * reuses a warm directory instead of creating one (mkdir -p, and fsyncs) for every blob;
   * over time blobs still spread evenly over all 65,536 directories.
   */
  private newId(): string {
    if (++this.shardUses > SHARD_ROTATION) {
      this.shard = randomBytes(2).toString('hex');
      this.shardUses = 1;
    }
    return this.shard + randomBytes(14).toString('hex');
  }

  private async createDir(dir: string): Promise<void> {
    const created = await mkdir(dir, { recursive: true });
    if (created !== undefined && this.fsync) {
      await syncDir(join(dir, '..'));
      await syncDir(join(dir, '..', '..'));
    }
  }

  private dirOf(id: string): string {
    return join(this.blobsDir, id.slice(0, 2), id.slice(2, 4));
  }

  private pathOf(id: string): string {
    if (!BLOB_ID.test(id)) throw new Error(`invalid blob id: ${JSON.stringify(id)}`);
    return join(this.dirOf(id), id);
  }

  async open(id: string, opts: ReadOptions = {}): Promise<Readable | undefined> {
    opts.signal?.throwIfAborted();
    const path = this.pathOf(id);
    let file;
    try {
      file = await open(path, 'r');
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
    const start = opts.start ?? 0;
    if (opts.end !== undefined && opts.end < start) {
      await file.close();
      return Readable.from([]);
    }
    const stream = file.createReadStream({ start, end: opts.end, highWaterMark: this.highWaterMark });
    return opts.signal ? addAbortSignal(opts.signal, stream) : stream;
  }

  async stat(id: string, opts?: IoOptions): Promise<BlobStat | undefined> {
    opts?.signal?.throwIfAborted();
    try {
      const s = await stat(this.pathOf(id));
      return { size: s.size, modifiedAt: s.mtime };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  async linkTo(id: string, dest: string, opts?: IoOptions): Promise<'linked' | 'missing' | 'unsupported'> {
    opts?.signal?.throwIfAborted();
    try {
      await link(this.pathOf(id), dest);
      return 'linked';
    } catch (e) {
      if (isNotFound(e)) return 'missing';
      if (isLinkUnsupported(e)) return 'unsupported';
      throw e;
    }
  }

  async delete(id: string, opts?: IoOptions): Promise<void> {
    opts?.signal?.throwIfAborted();
    await rm(this.pathOf(id), { force: true });
  }

  async *list(opts?: IoOptions): AsyncIterable<string> {
    for (const a of await readdirOrEmpty(this.blobsDir)) {
      if (!HEX2.test(a)) continue;
      for (const b of await readdirOrEmpty(join(this.blobsDir, a))) {
        if (!HEX2.test(b)) continue;
        let dir;
        try {
          dir = await opendir(join(this.blobsDir, a, b));
        } catch (e) {
          if (isNotFound(e)) continue;
          throw e;
        }
        for await (const entry of dir) {
          opts?.signal?.throwIfAborted();
          if (entry.isFile() && BLOB_ID.test(entry.name) && entry.name.startsWith(a + b)) yield entry.name;
        }
      }
    }
  }

  async cleanTemp(opts: CleanTempOptions): Promise<number> {
    const tmpRoot = join(this.root, 'tmp');
    let removed = 0;
    for (const name of await readdirOrEmpty(tmpRoot)) {
      opts.signal?.throwIfAborted();
      const path = join(tmpRoot, name);
      const s = await stat(path).catch(() => undefined);
      if (s === undefined) continue;
      if (!s.isDirectory()) {
        if (s.mtime < opts.olderThan) removed += await removeCount(path);
        continue;
      }
      if (!opts.live.has(name)) {
        removed += await removeCount(path);
        continue;
      }
      for (const file of await readdirOrEmpty(path)) {
        const fs = await stat(join(path, file)).catch(() => undefined);
        if (fs !== undefined && fs.mtime < opts.olderThan) removed += await removeCount(join(path, file));
      }
    }
    return removed;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Removes a file or directory tree and returns how many files it held. Another process
 * starting at the same moment may be removing the same abandoned tree: a part that vanishes
 * meanwhile is simply not counted.
 */
async function removeCount(path: string): Promise<number> {
  const s = await stat(path).catch(() => undefined);
  if (s === undefined) return 0;
  let n = 1;
  if (s.isDirectory()) {
    try {
      n = (await readdir(path, { recursive: true })).length;
    } catch (e) {
      if (!isNotFound(e)) throw e;
      n = 0;
    }
  }
  await rm(path, { recursive: true, force: true });
  return n;
}
