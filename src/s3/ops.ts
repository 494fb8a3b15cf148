/**
 * Every S3 operation Sovra understands, as a discriminated union keyed by the
 * AWS operation name. parse.ts produces these; authorization and metering key
 * on `op.name`.
 */
export interface BucketTarget {
  bucket: string;
}
export interface ObjectTarget extends BucketTarget {
  key: string;
}

export type S3Op =
  | { name: 'ListBuckets' }
  | ({ name: 'CreateBucket' } & BucketTarget)
  | ({ name: 'DeleteBucket' } & BucketTarget)
  | ({ name: 'HeadBucket' } & BucketTarget)
  | ({ name: 'GetBucketLocation' } & BucketTarget)
  | ({ name: 'GetBucketVersioning' } & BucketTarget)
  | ({ name: 'PutBucketVersioning' } & BucketTarget)
  | ({ name: 'GetBucketCors' } & BucketTarget)
  | ({ name: 'PutBucketCors' } & BucketTarget)
  | ({ name: 'DeleteBucketCors' } & BucketTarget)
  | ({ name: 'GetBucketTagging' } & BucketTarget)
  | ({ name: 'PutBucketTagging' } & BucketTarget)
  | ({ name: 'DeleteBucketTagging' } & BucketTarget)
  | ({ name: 'GetBucketReplication' } & BucketTarget)
  | ({ name: 'PutBucketReplication' } & BucketTarget)
  | ({ name: 'DeleteBucketReplication' } & BucketTarget)
  | ({ name: 'GetBucketAcl' } & BucketTarget)
  | ({ name: 'GetBucketPolicy' } & BucketTarget)
  | ({ name: 'PutBucketPolicy' } & BucketTarget)
  | ({ name: 'DeleteBucketPolicy' } & BucketTarget)
  /** Sovra-specific: the bucket's residency policy (?residency). */
  | ({ name: 'GetBucketResidency' } & BucketTarget)
  | ({ name: 'PutBucketResidency' } & BucketTarget)
  | ({ name: 'DeleteBucketResidency' } & BucketTarget)
  | ({ name: 'PutBucketAcl' } & BucketTarget)
  | ({ name: 'ListObjects' } & BucketTarget)
  | ({ name: 'ListObjectsV2' } & BucketTarget)
  | ({ name: 'ListObjectVersions' } & BucketTarget)
  | ({ name: 'ListMultipartUploads' } & BucketTarget)
  | ({ name: 'DeleteObjects' } & BucketTarget)
  | ({ name: 'PostObject' } & BucketTarget)
  /** A bucket sub-resource that exists in S3 but is not configurable in Sovra yet. */
  | ({ name: 'GetBucketUnsetConfig'; subresource: string } & BucketTarget)
  | ({ name: 'PutObject' } & ObjectTarget)
  | ({ name: 'GetObject' } & ObjectTarget)
  /** S3 Select over one CSV/JSON/Parquet object (POST ?select&select-type=2). */
  | ({ name: 'SelectObjectContent' } & ObjectTarget)
  | ({ name: 'HeadObject' } & ObjectTarget)
  | ({ name: 'DeleteObject' } & ObjectTarget)
  | ({ name: 'CopyObject' } & ObjectTarget)
  | ({ name: 'GetObjectTagging' } & ObjectTarget)
  /** ETag, checksum, parts, storage class and size in one call (GET ?attributes). */
  | ({ name: 'GetObjectAttributes' } & ObjectTarget)
  | ({ name: 'PutObjectTagging' } & ObjectTarget)
  | ({ name: 'DeleteObjectTagging' } & ObjectTarget)
  | ({ name: 'GetObjectAcl' } & ObjectTarget)
  | ({ name: 'PutObjectAcl' } & ObjectTarget)
  | ({ name: 'CreateMultipartUpload' } & ObjectTarget)
  | ({ name: 'UploadPart' } & ObjectTarget)
  | ({ name: 'UploadPartCopy' } & ObjectTarget)
  | ({ name: 'CompleteMultipartUpload' } & ObjectTarget)
  | ({ name: 'AbortMultipartUpload' } & ObjectTarget)
  | ({ name: 'ListParts' } & ObjectTarget)
  | { name: 'Preflight'; bucket?: string; key?: string };

export type S3OpName = S3Op['name'];

/** Operations that read state only; used for metering classes and read-only checks. */
export const READ_OPS: ReadonlySet<S3OpName> = new Set<S3OpName>([
  'ListBuckets', 'HeadBucket', 'GetBucketLocation', 'GetBucketVersioning', 'GetBucketCors', 'GetBucketTagging', 'GetBucketAcl', 'GetBucketPolicy', 'GetBucketResidency', 'GetBucketReplication',
  'ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'ListMultipartUploads', 'GetBucketUnsetConfig',
  'GetObject', 'SelectObjectContent', 'HeadObject', 'GetObjectTagging', 'GetObjectAttributes', 'GetObjectAcl', 'ListParts', 'Preflight',
]);
