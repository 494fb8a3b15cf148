/**
 * What every engine operation shares: the stores, the clock, the limits, and the
 * best-effort deletion of blobs that a committed transaction made unreachable (a failure
 * there only leaves garbage for the collector; see recovery.ts).
 */
import { fail } from '../core/errors.js';
import type { BlobStore } from '../blob/index.js';
import type { MetaStore } from '../meta/index.js';
import { versionIdGenerator } from './ids.js';
import type { ObjectFileCache } from './object-file-cache.js';
import type { ChecksumAlgorithm } from './types.js';

export const GiB = 1024 * 1024 * 1024;
export const MiB = 1024 * 1024;

export interface EngineLimits {
  /** Largest PutObject / UploadPart body. S3: 5 GiB. */
  maxPutSize: number;
  /** Largest CopyObject / UploadPartCopy source. S3: 5 GiB. */
  maxCopySize: number;
  /** Smallest part (all but the last) at CompleteMultipartUpload. S3: 5 MiB. */
  minPartSize: number;
  /** Largest key in UTF-8 bytes. S3: 1024. */
  maxKeyBytes: number;
}

export const DEFAULT_LIMITS: EngineLimits = {
  maxPutSize: 5 * GiB,
  maxCopySize: 5 * GiB,
  minPartSize: 5 * MiB,
  maxKeyBytes: 1024,
};

export interface EngineContext {
  readonly meta: MetaStore;
  readonly blobs: BlobStore;
  readonly limits: EngineLimits;
  /** Checksum computed for writes that ask for none (S3: CRC64NVME); undefined for none. */
  readonly defaultChecksum: ChecksumAlgorithm | undefined;
  /** Assembled files of multipart objects (object-file.ts); undefined when there is none. */
  readonly objectFiles: ObjectFileCache | undefined;
  now(): Date;
  newVersionId(now: Date): string;
  /** Deletes blobs after a commit made them unreachable, and their versions' cached files; never throws. */
  discard(blobIds: readonly string[]): void;
  /** Resolves when every pending discard has finished. */
  drain(): Promise<void>;
}

export function createContext(opts: {
  meta: MetaStore;
  blobs: BlobStore;
  clock?: () => Date;
  limits?: Partial<EngineLimits>;
  defaultChecksum?: ChecksumAlgorithm | null;
  objectFiles?: ObjectFileCache;
  onBackgroundError?: (e: unknown) => void;
}): EngineContext {
  const pending = new Set<Promise<void>>();
  const clock = opts.clock ?? (() => new Date());
  const onError = opts.onBackgroundError ?? (() => undefined);
  return {
    meta: opts.meta,
    blobs: opts.blobs,
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    defaultChecksum: opts.defaultChecksum === null ? undefined : (opts.defaultChecksum ?? 'CRC64NVME'),
    objectFiles: opts.objectFiles,
    now: clock,
    newVersionId: versionIdGenerator(),
    discard(blobIds) {
      const track = (work: Promise<void>) => {
        const p: Promise<void> = work.catch(onError).finally(() => pending.delete(p));
        pending.add(p);
      };
      for (const id of blobIds) track(opts.blobs.delete(id));
      if (opts.objectFiles && blobIds.length > 0) track(opts.objectFiles.forget(blobIds));
    },
    async drain() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}

/** KeyTooLongError for keys over the limit (the S3 layer validates everything else). */
export function assertKey(ctx: EngineContext, key: string): void {
  if (Buffer.byteLength(key, 'utf8') > ctx.limits.maxKeyBytes) {
    throw fail('KeyTooLongError', 'Your key is too long', {
      details: { Size: String(Buffer.byteLength(key, 'utf8')), MaxSizeAllowed: String(ctx.limits.maxKeyBytes) },
    });
  }
}

export function noSuchBucket(bucket: string): Error {
  return fail('NoSuchBucket', 'The specified bucket does not exist', { resource: bucket, details: { BucketName: bucket } });
}

export function noSuchKey(key: string, headers?: Record<string, string>): Error {
  return fail('NoSuchKey', 'The specified key does not exist.', { resource: key, details: { Key: key }, ...(headers ? { headers } : {}) });
}

export function noSuchUpload(uploadId: string): Error {
  return fail('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', {
    details: { UploadId: uploadId },
  });
}
