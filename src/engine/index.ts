/**
 * engine/: the object lifecycle (buckets, put/get/copy/delete, versioning, tagging,
 * listings, multipart) over the metadata and blob ports, behind the StorageEngine contract
 * in types.ts. The S3 layer talks to storage only through that contract.
 *
 * Allowed imports: core/, meta/ and blob/ ports (never their implementations; the
 * composition helper in engine/embedded/ is the one exception, see its index).
 */
export type * from './types.js';
export { createStorageEngine, type StorageEngineOptions } from './storage-engine.js';
export { DEFAULT_LIMITS, type EngineLimits } from './context.js';
export { recoverStorage, DEFAULT_GRACE_MS, type RecoveryOptions, type RecoveryReport } from './recovery.js';
export { copiedHeaders } from './copy-object.js';
