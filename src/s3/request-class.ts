/**
 * How each S3 operation is metered, following S3's request pricing: PUT, COPY, POST and
 * LIST requests (and every other mutation) are write-class; GET, HEAD and the other reads
 * are read-class; DELETE and abort requests are free. The compiler insists every operation
 * is classified.
 */
import type { RequestClass } from '../metering/model.js';
import type { S3OpName } from './ops.js';

export type Metered = RequestClass | 'free';

export const REQUEST_CLASS: Readonly<Record<S3OpName, Metered>> = {
  ListBuckets: 'write',
  CreateBucket: 'write',
  DeleteBucket: 'free',
  HeadBucket: 'read',
  GetBucketLocation: 'read',
  GetBucketVersioning: 'read',
  PutBucketVersioning: 'write',
  GetBucketCors: 'read',
  PutBucketCors: 'write',
  DeleteBucketCors: 'free',
  GetBucketTagging: 'read',
  PutBucketTagging: 'write',
  DeleteBucketTagging: 'free',
  GetBucketReplication: 'read',
  PutBucketReplication: 'write',
  DeleteBucketReplication: 'free',
  GetBucketAcl: 'read',
  GetBucketPolicy: 'read',
  PutBucketPolicy: 'write',
  DeleteBucketPolicy: 'free',
  GetBucketResidency: 'read',
  PutBucketResidency: 'write',
  DeleteBucketResidency: 'free',
  PutBucketAcl: 'write',
  ListObjects: 'write',
  ListObjectsV2: 'write',
  ListObjectVersions: 'write',
  ListMultipartUploads: 'write',
  DeleteObjects: 'free',
  PostObject: 'write',
  GetBucketUnsetConfig: 'read',
  PutObject: 'write',
  GetObject: 'read',
  // Priced as a GET-class request like S3's SELECT; the data it scans is metered as analytics usage.
  SelectObjectContent: 'read',
  HeadObject: 'read',
  DeleteObject: 'free',
  CopyObject: 'write',
  GetObjectTagging: 'read',
  GetObjectAttributes: 'read',
  PutObjectTagging: 'write',
  DeleteObjectTagging: 'free',
  GetObjectAcl: 'read',
  PutObjectAcl: 'write',
  CreateMultipartUpload: 'write',
  UploadPart: 'write',
  UploadPartCopy: 'write',
  CompleteMultipartUpload: 'write',
  AbortMultipartUpload: 'free',
  ListParts: 'write',
  Preflight: 'read',
};
