/**
 * Opens the storage of one region's data directory:
 *   <dataDir>/meta.db (+ -wal, -shm)     SQLite metadata
 *   <dataDir>/meta.db-instances/*.lock   live-instance registrations (see meta/sqlite)
 *   <dataDir>/blobs/ab/cd/<blob id>      committed bytes
 *   <dataDir>/tmp/<instance id>/         in-flight writes of each live instance
 * registers this instance, runs startup recovery (recovery.ts), and returns the engine.
 * Several processes may open the same directory at once.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FsBlobStore } from '../../blob/fs/index.js';
import { SqliteMetaStore } from '../../meta/sqlite/index.js';
import type { EngineLimits } from '../context.js';
import { recoverStorage, type RecoveryReport } from '../recovery.js';
import { createStorageEngine } from '../storage-engine.js';
import type { ChecksumAlgorithm, StorageEngine } from '../types.js';

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
  /** Garbage-collection grace period for blobs and temp files of live instances. Default 1 h. */
  gcGraceMs?: number;
  onBackgroundError?: (e: unknown) => void;
}

export interface EmbeddedStorage {
  engine: StorageEngine;
  /** What startup recovery removed. */
  startup: RecoveryReport;
  /** A GC pass while serving (always with the grace period); e.g. from a daily timer. */
  collectGarbage(opts?: { signal?: AbortSignal }): Promise<RecoveryReport>;
}

export async function openEmbeddedStorage(opts: EmbeddedStorageOptions): Promise<EmbeddedStorage> {
  await mkdir(opts.dataDir, { recursive: true });
  const meta = new SqliteMetaStore({ database: join(opts.dataDir, 'meta.db'), synchronous: opts.metaSynchronous ?? 'NORMAL' });
  try {
    const lease = await meta.instances.register();
    const blobs = new FsBlobStore({ root: opts.dataDir, fsync: opts.fsync ?? true, instanceId: lease.id });
    const recovery = { meta, blobs, instanceId: lease.id, ...(opts.gcGraceMs !== undefined ? { graceMs: opts.gcGraceMs } : {}) };
    const startup = await recoverStorage({ ...recovery, beforeServing: true });
    const engine = createStorageEngine({
      meta,
      blobs,
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.limits ? { limits: opts.limits } : {}),
      ...(opts.defaultChecksum !== undefined ? { defaultChecksum: opts.defaultChecksum } : {}),
      ...(opts.onBackgroundError ? { onBackgroundError: opts.onBackgroundError } : {}),
    });
    return {
      engine,
      startup,
      collectGarbage: (o) => recoverStorage({ ...recovery, beforeServing: false, ...(o?.signal ? { signal: o.signal } : {}) }),
    };
  } catch (e) {
    await meta.close();
    throw e;
  }
}
