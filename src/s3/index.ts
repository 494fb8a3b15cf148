/**
 * S3 wire protocol: parse → authenticate → authorize → handle, over plain
 * ProtocolRequest/ProtocolResponse values.
 * Imports: core, engine (types and the StorageEngine port), tenancy. Never a
 * store implementation or an HTTP framework.
 */
export { createS3Service, type S3Service } from './service.js';
export type { S3Deps } from './context.js';
export type { ProtocolRequest, ProtocolResponse } from './request.js';
export { S3_ERRORS } from './errors.js';
