/**
 * Default body-size and count limits for the request documents. Handlers
 * should stop reading a body at the same limit rather than buffer it whole.
 */

const KiB = 1024;
const MiB = 1024 * KiB;

export const XML_BODY_LIMITS = {
  createBucketConfiguration: 64 * KiB,
  /** 10,000 parts with an ETag and a few checksums each, plus indentation. */
  completeMultipartUpload: 8 * MiB,
  /** 1,000 keys of up to 1,024 bytes each need just over 1 MiB unescaped. */
  delete: 2 * MiB,
  tagging: 64 * KiB,
  /** 50 tags of 128 + 256 characters, up to 4 bytes each, with their markup. */
  bucketTagging: 128 * KiB,
  versioningConfiguration: 64 * KiB,
  /** AWS documents 64 KB as the CORS configuration limit. */
  corsConfiguration: 64 * KiB,
  residencyPolicy: 16 * KiB,
} as const;

/** DeleteObjects: more Object elements than this is MalformedXML, as on AWS. */
export const MAX_DELETE_OBJECTS = 1000;
export const MAX_PART_NUMBER = 10000;
export const MAX_OBJECT_TAGS = 10;
export const MAX_BUCKET_TAGS = 50;
export const MAX_CORS_RULES = 100;
