/**
 * Opens the storage of one region's data directory:
 *   <dataDir>/meta.db (+ -wal, -shm)         SQLite metadata
 *   <dataDir>/meta.db-instances/*.lock       live-instance registrations (see meta/sqlite)
 *   <dataDir>/blobs-small.db (+ -wal, -shm)  committed bytes of blobs up to 128 KiB, one row
 *                                            each (blob/sqlite; ids 's' + 31 hex)
 *   <dataDir>/blobs/ab/cd/<blob id>          committed bytes of larger blobs (blob/fs; 32 hex)
 *   <dataDir>/tmp/<instance id>/             in-flight writes of each live instance (small
 *                                            ones are in memory only and never appear here),
 *                                            object file cache fills included
 *   <dataDir>/object-files/<boot id>/...     assembled files of multipart objects, for
 *                                            objectFile (engine/object-file-cache.ts)
 * A TieredBlobStore routes between the two blob stores by size when writing and by id form
 * when reading. This registers the instance, runs startup recovery (recovery.ts, over both
 * blob stores), and returns the engine; engine.close() also closes blobs-small.db.
 * Several processes may open the same directory at once.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FsBlobStore } from '../../blob/fs/index.js';
import { isSqliteBlobId, SqliteBlobStore } from '../../blob/sqlite/index.js';
import { DEFAULT_SMALL_BLOB_THRESHOLD, TieredBlobStore } from '../../blob/tiered/index.js';
import { SqliteMetaStore } from '../../meta/sqlite/index.js';
import type { EngineLimits } from '../context.js';
import { DEFAULT_OBJECT_FILE_CACHE_BYTES, ObjectFileCache } from '../object-file-cache.js';
import { recoverStorage, type RecoveryReport } from '../recovery.js';
import { createStorageEngine } from '../storage-engine.js';
import type { ChecksumAlgorithm, RegionEngine } from '../types.js';

export interface EmbeddedStorageOptions {
  dataDir: string;
  /** fsync blobs (data and directory) before a write is acknowledged. Default true. */
  fsync?: boolean;
  /** SQLite synchronous mode: NORMAL (default) survives process crashes, FULL also power loss. */
  metaSynchronous?: 'NORMAL' | 'FULL';
  clock?: () => Date;
  limits?: Partial<EngineLimits>;
  /** Checksum stored for writes that send none; default CRC64NVME (as S3), null for none. */
  defaultChecksum?: ChecksumAlgorithm | null;
  /** Largest blob kept as a row in blobs-small.db rather than a file. Default 128 KiB. */
  smallBlobThreshold?: number;
  /** Garbage-collection grace period for blobs and temp files of live instances. Default 1 h. */
  gcGraceMs?: number;
  /**
   * The object file cache: byte budget (default 4 GiB, at most a tenth of the filesystem; 0
   * turns it off and removes what it held) and how long an unused entry stays (default 15 min).
   */
  objectFileCache?: { maxBytes?: number; idleMs?: number };
  onBackgroundError?: (e: unknown) => void;
}

export interface EmbeddedStorage {
  engine: RegionEngine;
  /** What startup recovery removed. */
  startup: RecoveryReport;
  /** A GC pass while serving (always with the grace period); e.g. from a daily timer. */
  collectGarbage(opts?: { signal?: AbortSignal }): Promise<RecoveryReport>;
  /** The engine's object file cache (closed with the engine); undefined when turned off. */
  objectFiles: ObjectFileCache | undefined;
}

export async function openEmbeddedStorage(opts: EmbeddedStorageOptions): Promise<EmbeddedStorage> {
  await mkdir(opts.dataDir, { recursive: true });
  const clock = opts.clock;
  const meta = new SqliteMetaStore({
    database: join(opts.dataDir, 'meta.db'),
    synchronous: opts.metaSynchronous ?? 'NORMAL',
    ...(clock ? { clock: () => clock().getTime() } : {}),
  });
  let small: SqliteBlobStore | undefined;
  try {
    const lease = await meta.instances.register();
    const fsync = opts.fsync ?? true;
    small = await SqliteBlobStore.open({ path: join(opts.dataDir, 'blobs-small.db'), fsync });
    const large = new FsBlobStore({ root: opts.dataDir, fsync, instanceId: lease.id });
    const blobs = new TieredBlobStore({
      small,
      large,
      isSmallId: isSqliteBlobId,
      threshold: opts.smallBlobThreshold ?? DEFAULT_SMALL_BLOB_THRESHOLD,
    });
    const recovery = { meta, blobs, instanceId: lease.id, ...(opts.gcGraceMs !== undefined ? { graceMs: opts.gcGraceMs } : {}) };
    const startup = await recoverStorage({ ...recovery, beforeServing: true });
    const objectFiles = await ObjectFileCache.open({
      dir: join(opts.dataDir, 'object-files'),
      tempDir: large.tmpDir,
      maxBytes: opts.objectFileCache?.maxBytes ?? DEFAULT_OBJECT_FILE_CACHE_BYTES,
      ...(opts.objectFileCache?.idleMs !== undefined ? { idleMs: opts.objectFileCache.idleMs } : {}),
      ...(opts.onBackgroundError ? { onError: opts.onBackgroundError } : {}),
    });
    const engine = createStorageEngine({
      meta,
      blobs,
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.limits ? { limits: opts.limits } : {}),
      ...(opts.defaultChecksum !== undefined ? { defaultChecksum: opts.defaultChecksum } : {}),
      ...(opts.onBackgroundError ? { onBackgroundError: opts.onBackgroundError } : {}),
      ...(objectFiles ? { objectFiles } : {}),
    });
    return {
      engine,
      startup,
      objectFiles,
      collectGarbage: (o) => recoverStorage({ ...recovery, beforeServing: false, ...(o?.signal ? { signal: o.signal } : {}) }),
    };
  } catch (e) {
    await meta.close();
    await small?.close();
    throw e;
  }
}
