/**
 * S3 bucket naming rules for new buckets (general purpose buckets):
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
import { fail } from '../core/errors.js';

const SHAPE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
/** Path-style requests to /admin/v1/... and /analytics/v1/... are the admin and analytics APIs'. */
const RESERVED_NAMES = new Set(['admin', 'analytics']);
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** Why a name is not a valid bucket name, or undefined when it is. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'Bucket name must be between 3 and 63 characters long';
  if (!SHAPE.test(name)) {
    return 'Bucket name may contain only lower-case letters, digits, dots and hyphens, and must begin and end with a letter or digit';
  }
  if (name.includes('..')) return 'Bucket name must not contain two adjacent periods';
  if (name.includes('.-') || name.includes('-.')) return 'Bucket name must not contain a period next to a hyphen';
  if (IPV4.test(name)) return 'Bucket name must not be formatted as an IP address';
  if (RESERVED_NAMES.has(name)) return 'Bucket name is reserved by Sovra';
  if (RESERVED_PREFIXES.some((p) => name.startsWith(p))) return 'Bucket name uses a reserved prefix';
  if (RESERVED_SUFFIXES.some((s) => name.endsWith(s))) return 'Bucket name uses a reserved suffix';
  return undefined;
}

export function assertValidBucketName(name: string): void {
  const problem = bucketNameProblem(name);
  if (problem) throw fail('InvalidBucketName', `The specified bucket is not valid. ${problem}.`, { resource: name, details: { BucketName: name } });
}
