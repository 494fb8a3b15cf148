/**
 * ObjectFileCache: the assembled files of objects that are not one file blob (a multipart
 * object is one blob per part), kept so that the next objectFile of the same version is a
 * hard link instead of a copy. Layout under `dir` (<dataDir>/object-files, on the blobs'
 * filesystem, inside the region's data directory):
 *   <boot id>/<first segment's blob id>/<digest>
 * The digest hashes the version's size and its segments (blob id and size, in order). Blob
 * ids are random and never reused, a blob belongs to one version only (copies and replicas
 * write new blobs), and a version's segments never change: an entry names immutable bytes
 * and cannot be taken for other ones. Being found from the first blob id, a version's entry
 * is removed, by any process sharing the directory, when the engine discards that version's
 * blobs (delete, overwrite): see forget().
 *
 * Entries are never fsynced: a process crash loses nothing the kernel holds, and a reboot
 * (the only way to lose unflushed pages) changes the boot id, whose old directory open()
 * removes. Entries of the current boot are kept across restarts of the server.
 *
 * A fill writes a temp file in the engine instance's temp area (startup recovery removes
 * what a dead instance left there, as for blob writes), links it to the caller's path,
 * then renames it into place. Fills of one entry by several processes each write their
 * own temp file and the last rename wins: every caller holds correct bytes. Within one
 * process, the callers of one entry take turns, so it is filled once. A hit links the entry,
 * checks the linked file's size against the object's (a truncated entry is dropped and
 * refilled) and sets its mtime to now: the clock of the least-recently-used eviction that
 * follows each fill, and of the periodic sweep of entries idle longer than idleMs.
 * Removing an entry never disturbs a reader: it holds its own link.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile, rename, rm, rmdir, stat, statfs, unlink, utimes } from 'node:fs/promises';
import { uptime } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fail } from '../core/errors.js';
import { isLinkUnsupported, isNotFound, readdirOrEmpty } from '../core/fs-errors.js';

export const DEFAULT_OBJECT_FILE_CACHE_BYTES = 4 * 1024 * 1024 * 1024;
export const DEFAULT_OBJECT_FILE_IDLE_MS = 15 * 60 * 1000;
/** Smaller objects are copied: a copy costs about what a fill does, and small entries would crowd the scans. */
const DEFAULT_MIN_SIZE = 256 * 1024;
/** The cache never takes more than this share of its filesystem... */
const MAX_SHARE_OF_FS = 0.1;
/** ...and no fill brings the filesystem's free space under this share: object writes come first. */
const MIN_FREE_SHARE = 0.05;
const NAME = /^[0-9a-z]{1,64}$/;
const READ_ONLY = 0o444;

export interface ObjectFileCacheOptions {
  /** The cache's directory; on the same filesystem as the blobs and `tempDir`. */
  dir: string;
  /** Where fills write before the rename: the engine instance's temp area. */
  tempDir: string;
  /** Byte budget; capped at a tenth of the filesystem's size. */
  maxBytes: number;
  /** Entries unused this long are removed. Default 15 min. */
  idleMs?: number;
  /** Objects smaller than this are not cached. Default 256 KiB. */
  minSize?: number;
  /** Failures of best-effort work (publishing an entry, eviction, sweeps). */
  onError?: (e: unknown) => void;
}

export interface CacheEntry {
  readonly dir: string;
  readonly path: string;
}

interface Listed extends CacheEntry {
  size: number;
  mtimeMs: number;
}

export type Made = 'cached' | 'copied';

export class ObjectFileCache {
  readonly maxBytes: number;
  readonly idleMs: number;
  /** <dir>/<boot id>: where this boot's entries live. */
  readonly root: string;
  private readonly tempDir: string;
  private readonly minSize: number;
  private readonly onError: (e: unknown) => void;
  /** The last caller's turn per entry path (see provide). */
  private readonly filling = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> = Promise.resolve();

  private constructor(opts: ObjectFileCacheOptions, root: string, maxBytes: number) {
    this.root = root;
    this.maxBytes = maxBytes;
    this.tempDir = opts.tempDir;
    this.idleMs = opts.idleMs ?? DEFAULT_OBJECT_FILE_IDLE_MS;
    this.minSize = opts.minSize ?? DEFAULT_MIN_SIZE;
    this.onError = opts.onError ?? (() => undefined);
  }

  /**
   * Opens the cache: entries of earlier boots are removed, idle ones too, and a sweep of idle
   * entries is scheduled (unref'ed). undefined when maxBytes is 0: then any entries a
   * previous run left are removed, so that disabling the cache also clears it.
   */
  static async open(opts: ObjectFileCacheOptions): Promise<ObjectFileCache | undefined> {
    if (opts.maxBytes <= 0) {
      await rm(opts.dir, { recursive: true, force: true });
      return undefined;
    }
    const boot = await bootId();
    await mkdir(join(opts.dir, boot), { recursive: true });
    for (const name of await readdir(opts.dir)) {
      if (name !== boot) await rm(join(opts.dir, name), { recursive: true, force: true });
    }
    const fs = await statfs(opts.dir);
    const cache = new ObjectFileCache(opts, join(opts.dir, boot), Math.min(opts.maxBytes, Math.floor(fs.blocks * fs.bsize * MAX_SHARE_OF_FS)));
    await cache.sweep();
    cache.timer = setInterval(() => void cache.sweep().catch(cache.onError), Math.min(60_000, Math.max(1000, cache.idleMs / 4)));
    cache.timer.unref();
    return cache;
  }

  /** The entry of a version's bytes, or undefined when the object is not worth caching. */
  entryFor(segments: readonly { blobId: string; size: number }[], size: number): CacheEntry | undefined {
    const first = segments[0]?.blobId;
    if (first === undefined || !NAME.test(first) || size < this.minSize || size > this.maxBytes) return undefined;
    const h = createHash('sha256').update(`${size}\n`);
    for (const s of segments) h.update(`${s.blobId} ${s.size}\n`);
    const dir = join(this.root, first);
    return { dir, path: join(dir, h.digest('hex').slice(0, 32)) };
  }

  /**
   * Makes `dest` a file of the entry's bytes: a link to the entry ('cached'), or else bytes
   * from `open` written to `dest` and kept as the entry ('copied'). undefined when `open`
   * finds the bytes gone (the version was replaced meanwhile).
   */
  async provide(
    entry: CacheEntry,
    size: number,
    dest: string,
    open: () => Promise<Readable | undefined>,
    signal?: AbortSignal,
  ): Promise<Made | undefined> {
    // Callers of one entry take turns: the first fills it, the next ones find it.
    const job = (this.filling.get(entry.path) ?? Promise.resolve()).then(async () => {
      signal?.throwIfAborted();
      if (await this.linkEntry(entry, size, dest)) return 'cached' as const;
      return this.fill(entry, size, dest, open, signal);
    });
    const settled = job.then(
      () => undefined,
      () => undefined,
    );
    this.filling.set(entry.path, settled);
    try {
      return await job;
    } finally {
      if (this.filling.get(entry.path) === settled) this.filling.delete(entry.path);
    }
  }

  /** A hit: the entry linked (or copied, across filesystems) to `dest`, if it exists whole. */
  private async linkEntry(entry: CacheEntry, size: number, dest: string): Promise<boolean> {
    try {
      await linkOrCopy(entry.path, dest);
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
    const got = await stat(dest);
    if (got.size !== size) {
      await rm(dest, { force: true });
      // Drop the entry only if it is still the inode found short (a concurrent fill may have replaced it).
      const now = await stat(entry.path).catch(() => undefined);
      if (now?.ino === got.ino) await this.remove(entry);
      return false;
    }
    const t = new Date();
    await utimes(entry.path, t, t).catch(() => undefined);
    return true;
  }

  private async fill(entry: CacheEntry, size: number, dest: string, open: () => Promise<Readable | undefined>, signal?: AbortSignal): Promise<Made | undefined> {
    const body = await open();
    if (body === undefined) return undefined;
    if (!(await this.hasRoomFor(size))) {
      await writeNewFile(body, dest, signal);
      return 'copied';
    }
    await mkdir(this.tempDir, { recursive: true });
    const temp = join(this.tempDir, `object-file-${randomBytes(12).toString('hex')}`);
    try {
      const written = await writeNewFile(body, temp, signal, READ_ONLY);
      if (written !== size) throw fail('Internal', `The object's data is ${written} bytes, not ${size}.`);
      await linkOrCopy(temp, dest);
      // The caller has its file: whatever fails from here costs only the cache entry.
      try {
        await this.publish(temp, entry);
        await this.evict();
      } catch (e) {
        this.onError(e);
      }
    } finally {
      await rm(temp, { force: true });
    }
    return 'copied';
  }

  /** Renames the filled temp file into place; a sweep may remove the empty entry directory meanwhile. */
  private async publish(temp: string, entry: CacheEntry): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await rename(temp, entry.path);
        return;
      } catch (e) {
        if (!isNotFound(e) || attempt === 3) throw e;
        await mkdir(entry.dir, { recursive: true });
      }
    }
  }

  private async hasRoomFor(size: number): Promise<boolean> {
    const fs = await statfs(this.root);
    return fs.bavail * fs.bsize - size >= fs.blocks * fs.bsize * MIN_FREE_SHARE;
  }

  /** Removes the least recently used entries until the cache is within its budget. */
  async evict(): Promise<void> {
    const entries = await this.list();
    let total = entries.reduce((n, e) => n + e.size, 0);
    if (total <= this.maxBytes) return;
    entries.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const e of entries) {
      if (total <= this.maxBytes) break;
      await this.remove(e);
      total -= e.size;
    }
  }

  /** Removes entries unused for idleMs; returns how many went. */
  sweep(): Promise<number> {
    const run = this.sweeping.then(async () => {
      const cutoff = Date.now() - this.idleMs;
      let removed = 0;
      for (const e of await this.list()) {
        if (e.mtimeMs >= cutoff) continue;
        await this.remove(e);
        removed++;
      }
      return removed;
    });
    this.sweeping = run.catch(() => undefined);
    return run;
  }

  /**
   * Removes the entries of versions whose blobs these are (a version's entry sits under its
   * first blob id). Called when the engine discards blobs after a delete or an overwrite.
   */
  async forget(blobIds: readonly string[]): Promise<void> {
    for (const id of blobIds) {
      if (NAME.test(id)) await rm(join(this.root, id), { recursive: true, force: true });
    }
  }

  /** Stops the sweep timer and waits for a running sweep. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** Every entry now, with size and last use; entry directories left empty are removed. */
  private async list(): Promise<Listed[]> {
    const out: Listed[] = [];
    for (const name of await readdirOrEmpty(this.root)) {
      if (!NAME.test(name)) continue;
      const dir = join(this.root, name);
      const files = await readdirOrEmpty(dir);
      if (files.length === 0) await rmdir(dir).catch(() => undefined);
      for (const file of files) {
        const path = join(dir, file);
        const s = await stat(path).catch(() => undefined);
        if (s?.isFile()) out.push({ dir, path, size: s.size, mtimeMs: s.mtimeMs });
      }
    }
    return out;
  }

  private async remove(entry: CacheEntry): Promise<void> {
    await unlink(entry.path).catch((e: unknown) => {
      if (!isNotFound(e)) throw e;
    });
    // Fails while another entry of the same first blob remains: that is fine.
    await rmdir(entry.dir).catch(() => undefined);
  }
}

/** Streams `body` into a new file at `path` (removed again on failure); returns the bytes written. */
export async function writeNewFile(body: Readable, path: string, signal?: AbortSignal, mode?: number): Promise<number> {
  const out = createWriteStream(path, { flags: 'wx', ...(mode !== undefined ? { mode } : {}) });
  try {
    await pipeline(body, out, ...(signal ? [{ signal }] : []));
  } catch (e) {
    await rm(path, { force: true });
    throw e;
  }
  return out.bytesWritten;
}

/** A hard link; a copy where the two paths cannot share an inode (other filesystem, link limit). */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (e) {
    if (!isLinkUnsupported(e)) throw e;
    await copyFile(from, to, constants.COPYFILE_EXCL);
  }
}

/**
 * Names the current boot: Linux's boot id, elsewhere the boot time to the minute (a rare
 * mismatch between processes of one boot only costs cache misses).
 */
async function bootId(): Promise<string> {
  const id = await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => undefined);
  if (id !== undefined && /^[0-9a-f-]{36}$/.test(id.trim())) return id.trim().replaceAll('-', '');
  return `t${Math.round((Date.now() / 1000 - uptime()) / 60).toString(16)}`;
}
