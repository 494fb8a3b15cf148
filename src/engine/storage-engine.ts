/**
 * createStorageEngine: the StorageEngine over a MetaStore and a BlobStore. The engine owns
 * both, and the object file cache if given: close() waits for pending blob deletions, then
 * closes the cache, the metadata store and the blob store (if it has anything to close).
 */
import type { BlobStore } from '../blob/index.js';
import type { MetaStore } from '../meta/index.js';
import * as buckets from './buckets.js';
import { completeMultipartUpload } from './complete-multipart.js';
import { createContext, type EngineLimits } from './context.js';
import { copyObject } from './copy-object.js';
import { openCopySource } from './copy-source.js';
import { toObjectInfo } from './mappers.js';
import { deleteObject } from './delete-object.js';
import { listMultipartUploads, listObjects, listObjectVersions } from './listing.js';
import * as multipart from './multipart.js';
import { checkCopySourceRange } from './multipart.js';
import { objectFile } from './object-file.js';
import type { ObjectFileCache } from './object-file-cache.js';
import { putObject } from './put-object.js';
import { putReplica } from './put-replica.js';
import * as replication from './replication.js';
import { getObject, headObject } from './read-object.js';
import { getObjectAcl, putObjectAcl } from './object-acl.js';
import { getObjectTagging, setObjectTagging } from './tagging.js';
import type { ChecksumAlgorithm, RegionEngine } from './types.js';

export interface StorageEngineOptions {
  meta: MetaStore;
  blobs: BlobStore;
  clock?: () => Date;
  /** Overrides of the S3 limits (tests lower minPartSize, maxPutSize, maxCopySize). */
  limits?: Partial<EngineLimits>;
  /**
   * Checksum stored for objects written without one, as S3 does since 2024 (CRC64NVME,
   * FULL_OBJECT). null turns it off (saves one hash pass per written byte).
   */
  defaultChecksum?: ChecksumAlgorithm | null;
  /** Keeps assembled files of multipart objects for objectFile; without it they are copied each time. */
  objectFiles?: ObjectFileCache;
  /** Failures of best-effort background work (deleting superseded blobs). */
  onBackgroundError?: (e: unknown) => void;
}

export function createStorageEngine(opts: StorageEngineOptions): RegionEngine {
  const ctx = createContext(opts);
  let closing: Promise<void> | undefined;
  return {
    createBucket: (input) => buckets.createBucket(ctx, input),
    deleteBucket: (name) => buckets.deleteBucket(ctx, name),
    getBucket: (name) => buckets.getBucket(ctx, name),
    listBuckets: (owner) => buckets.listBuckets(ctx, owner),
    putBucketVersioning: (name, status) => buckets.putBucketVersioning(ctx, name, status),
    putBucketCors: (name, rules) => buckets.putBucketCors(ctx, name, rules),
    getBucketCors: (name) => buckets.getBucketCors(ctx, name),
    putBucketTagging: (name, tags) => buckets.putBucketTagging(ctx, name, tags),
    getBucketTagging: (name) => buckets.getBucketTagging(ctx, name),
    putBucketReplication: (name, config) => replication.putBucketReplication(ctx, name, config),
    getBucketReplication: (name) => replication.getBucketReplication(ctx, name),
    putBucketPolicy: (name, policy) => buckets.putBucketPolicy(ctx, name, policy),
    putBucketAcl: (name, acl) => buckets.putBucketAcl(ctx, name, acl),
    bucketUsage: (name) => buckets.bucketUsage(ctx, name),
    usageByOwner: (owner) => buckets.usageByOwner(ctx, owner),

    putObject: (input) => putObject(ctx, input),
    getObject: (input) => getObject(ctx, input),
    headObject: (input) => headObject(ctx, input),
    deleteObject: (input) => deleteObject(ctx, input),
    copyObject: (input) => copyObject(ctx, input),
    getObjectTagging: (input) => getObjectTagging(ctx, input),
    putObjectTagging: ({ tags, ...at }) => setObjectTagging(ctx, at, tags),
    deleteObjectTagging: (at) => setObjectTagging(ctx, at, {}),
    getObjectAcl: (at) => getObjectAcl(ctx, at),
    putObjectAcl: ({ acl, ...at }) => putObjectAcl(ctx, at, acl),
    listObjects: (input) => listObjects(ctx, input),
    listObjectVersions: (input) => listObjectVersions(ctx, input),
    objectFile: (input) => objectFile(ctx, input),

    createMultipartUpload: (input) => multipart.createMultipartUpload(ctx, input),
    uploadPart: (input) => multipart.uploadPart(ctx, input),
    uploadPartCopy: (input) => multipart.uploadPartCopy(ctx, input),
    completeMultipartUpload: (input) => completeMultipartUpload(ctx, input),
    abortMultipartUpload: (input) => multipart.abortMultipartUpload(ctx, input),
    listParts: (input) => multipart.listParts(ctx, input),
    listMultipartUploads: (input) => listMultipartUploads(ctx, input),

    claimReplicationTasks: (limit, now, leaseMs) => replication.claimReplicationTasks(ctx, limit, now, leaseMs),
    finishReplicationTask: (id, outcome) => replication.finishReplicationTask(ctx, id, outcome),
    replicationBacklog: (now) => replication.replicationBacklog(ctx, now),
    async readCopySource(input) {
      const wanted = input.range;
      if (wanted) checkCopySourceRange(wanted);
      const opened = await openCopySource(ctx, {
        source: input.source,
        ...(input.conditions ? { conditions: input.conditions } : {}),
        ...(wanted ? { range: (v) => checkCopySourceRange(wanted, v.size) } : {}),
        ...(input.signal ? { signal: input.signal } : {}),
      });
      return { info: toObjectInfo(opened.source), tags: opened.source.tags, ...(opened.range ? { range: opened.range } : {}), body: opened.stream };
    },
    putReplica: (input) => putReplica(ctx, input),
    async recordUsage(batch) {
      await ctx.meta.write((tx) => tx.usage.addCounters(batch));
    },
    readUsage: (q) => ctx.meta.read((tx) => tx.usage.hours(q)),

    close() {
      closing ??= (async () => {
        await ctx.drain();
        await opts.objectFiles?.close();
        await opts.meta.close();
        await opts.blobs.close?.();
      })();
      return closing;
    },
  };
}
