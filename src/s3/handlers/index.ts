/**
 * One handler per S3 operation. The Record over S3OpName makes the compiler
 * reject an operation that parse.ts can produce but nothing handles.
 */
import type { Handler } from '../context.js';
import type { S3OpName } from '../ops.js';
import {
  createBucket, deleteBucket, getAcl, getBucketLocation, getBucketUnsetConfig, getBucketVersioning, headBucket, listBuckets, putAcl, putBucketVersioning,
} from './buckets.js';
import { deleteBucketPolicy, getBucketPolicy, putBucketPolicy } from './bucket-policy.js';
import { deleteBucketCors, getBucketCors, putBucketCors } from './cors.js';
import { listMultipartUploads, listObjectVersions, listObjects, listObjectsV2 } from './listing.js';
import {
  abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listParts, uploadPart, uploadPartCopy,
} from './multipart.js';
import { getObject, headObject } from './object-read.js';
import { copyObject, deleteObject, deleteObjects, putObject } from './object-write.js';
import { postObject } from './post-object.js';
import { selectObjectContent } from './select.js';
import { deleteBucketResidency, getBucketResidency, putBucketResidency } from './residency.js';
import { deleteBucketReplication, getBucketReplication, putBucketReplication } from './replication.js';
import { getObjectAttributes } from './object-attributes.js';
import { deleteBucketTagging, deleteObjectTagging, getBucketTagging, getObjectTagging, putBucketTagging, putObjectTagging } from './tagging.js';

export const HANDLERS: Record<Exclude<S3OpName, 'Preflight'>, Handler> = {
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  DeleteBucket: deleteBucket,
  HeadBucket: headBucket,
  GetBucketLocation: getBucketLocation,
  GetBucketVersioning: getBucketVersioning,
  PutBucketVersioning: putBucketVersioning,
  GetBucketCors: getBucketCors,
  PutBucketCors: putBucketCors,
  DeleteBucketCors: deleteBucketCors,
  GetBucketTagging: getBucketTagging,
  PutBucketTagging: putBucketTagging,
  DeleteBucketTagging: deleteBucketTagging,
  GetBucketReplication: getBucketReplication,
  PutBucketReplication: putBucketReplication,
  DeleteBucketReplication: deleteBucketReplication,
  GetBucketAcl: getAcl,
  GetBucketPolicy: getBucketPolicy,
  PutBucketPolicy: putBucketPolicy,
  DeleteBucketPolicy: deleteBucketPolicy,
  PutBucketAcl: putAcl,
  GetBucketUnsetConfig: getBucketUnsetConfig,
  GetBucketResidency: getBucketResidency,
  PutBucketResidency: putBucketResidency,
  DeleteBucketResidency: deleteBucketResidency,
  ListObjects: listObjects,
  ListObjectsV2: listObjectsV2,
  ListObjectVersions: listObjectVersions,
  ListMultipartUploads: listMultipartUploads,
  DeleteObjects: deleteObjects,
  PostObject: postObject,
  PutObject: putObject,
  GetObject: getObject,
  HeadObject: headObject,
  SelectObjectContent: selectObjectContent,
  DeleteObject: deleteObject,
  CopyObject: copyObject,
  GetObjectTagging: getObjectTagging,
  GetObjectAttributes: getObjectAttributes,
  PutObjectTagging: putObjectTagging,
  DeleteObjectTagging: deleteObjectTagging,
  GetObjectAcl: getAcl,
  PutObjectAcl: putAcl,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  UploadPartCopy: uploadPartCopy,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
};
