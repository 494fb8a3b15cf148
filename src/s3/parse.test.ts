import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../core/errors.js';
import { parseRequest } from './parse.js';

const opts = { domains: ['localhost', 's3.example.test'] };

function parse(method: string, target: string, headers: Record<string, string> = {}) {
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const rawQuery = q < 0 ? '' : target.slice(q + 1);
  return parseRequest({ method, rawPath, rawQuery, headers: { host: '127.0.0.1:9000', ...headers } }, opts).op;
}

describe('parseRequest', () => {
  // Request lines as the AWS API reference shows them, path-style.
  const table: [string, string, Record<string, string>, unknown][] = [
    ['GET', '/', {}, { name: 'ListBuckets' }],
    ['PUT', '/bucket', {}, { name: 'CreateBucket', bucket: 'bucket' }],
    ['PUT', '/bucket/', {}, { name: 'CreateBucket', bucket: 'bucket' }],
    ['DELETE', '/bucket', {}, { name: 'DeleteBucket', bucket: 'bucket' }],
    ['HEAD', '/bucket', {}, { name: 'HeadBucket', bucket: 'bucket' }],
    ['GET', '/bucket?location', {}, { name: 'GetBucketLocation', bucket: 'bucket' }],
    ['GET', '/bucket?versioning', {}, { name: 'GetBucketVersioning', bucket: 'bucket' }],
    ['PUT', '/bucket?versioning', {}, { name: 'PutBucketVersioning', bucket: 'bucket' }],
    ['GET', '/bucket?cors', {}, { name: 'GetBucketCors', bucket: 'bucket' }],
    ['PUT', '/bucket?cors', {}, { name: 'PutBucketCors', bucket: 'bucket' }],
    ['DELETE', '/bucket?cors', {}, { name: 'DeleteBucketCors', bucket: 'bucket' }],
    ['GET', '/bucket?acl', {}, { name: 'GetBucketAcl', bucket: 'bucket' }],
    ['GET', '/bucket?policy', {}, { name: 'GetBucketPolicy', bucket: 'bucket' }],
    ['PUT', '/bucket?policy', {}, { name: 'PutBucketPolicy', bucket: 'bucket' }],
    ['DELETE', '/bucket?policy', {}, { name: 'DeleteBucketPolicy', bucket: 'bucket' }],
    ['GET', '/bucket?list-type=2&prefix=a%2Fb&delimiter=%2F', {}, { name: 'ListObjectsV2', bucket: 'bucket' }],
    ['GET', '/bucket?prefix=photos', {}, { name: 'ListObjects', bucket: 'bucket' }],
    ['GET', '/bucket?versions', {}, { name: 'ListObjectVersions', bucket: 'bucket' }],
    ['GET', '/bucket?uploads', {}, { name: 'ListMultipartUploads', bucket: 'bucket' }],
    ['POST', '/bucket?delete', {}, { name: 'DeleteObjects', bucket: 'bucket' }],
    ['POST', '/bucket', { 'content-type': 'multipart/form-data; boundary=x' }, { name: 'PostObject', bucket: 'bucket' }],
    ['PUT', '/bucket/my%20photo.jpg', {}, { name: 'PutObject', bucket: 'bucket', key: 'my photo.jpg' }],
    ['GET', '/bucket/a/b/c.txt', {}, { name: 'GetObject', bucket: 'bucket', key: 'a/b/c.txt' }],
    ['GET', '/bucket/a+b', {}, { name: 'GetObject', bucket: 'bucket', key: 'a+b' }],
    ['GET', '/bucket/..%2F..%2Fetc%2Fpasswd', {}, { name: 'GetObject', bucket: 'bucket', key: '../../etc/passwd' }],
    ['GET', '/bucket//lead', {}, { name: 'GetObject', bucket: 'bucket', key: '/lead' }],
    ['HEAD', '/bucket/k', {}, { name: 'HeadObject', bucket: 'bucket', key: 'k' }],
    ['DELETE', '/bucket/k', {}, { name: 'DeleteObject', bucket: 'bucket', key: 'k' }],
    ['PUT', '/bucket/k', { 'x-amz-copy-source': '/src/k' }, { name: 'CopyObject', bucket: 'bucket', key: 'k' }],
    ['GET', '/bucket/k?tagging', {}, { name: 'GetObjectTagging', bucket: 'bucket', key: 'k' }],
    ['PUT', '/bucket/k?tagging', {}, { name: 'PutObjectTagging', bucket: 'bucket', key: 'k' }],
    ['DELETE', '/bucket/k?tagging', {}, { name: 'DeleteObjectTagging', bucket: 'bucket', key: 'k' }],
    ['POST', '/bucket/k?uploads', {}, { name: 'CreateMultipartUpload', bucket: 'bucket', key: 'k' }],
    ['POST', '/bucket/data.csv?select&select-type=2', {}, { name: 'SelectObjectContent', bucket: 'bucket', key: 'data.csv' }],
    ['PUT', '/bucket/k?partNumber=1&uploadId=abc', {}, { name: 'UploadPart', bucket: 'bucket', key: 'k' }],
    ['PUT', '/bucket/k?partNumber=1&uploadId=abc', { 'x-amz-copy-source': 'src/k' }, { name: 'UploadPartCopy', bucket: 'bucket', key: 'k' }],
    ['POST', '/bucket/k?uploadId=abc', {}, { name: 'CompleteMultipartUpload', bucket: 'bucket', key: 'k' }],
    ['DELETE', '/bucket/k?uploadId=abc', {}, { name: 'AbortMultipartUpload', bucket: 'bucket', key: 'k' }],
    ['GET', '/bucket/k?uploadId=abc', {}, { name: 'ListParts', bucket: 'bucket', key: 'k' }],
    ['OPTIONS', '/bucket/k', {}, { name: 'Preflight', bucket: 'bucket', key: 'k' }],
  ];
  for (const [method, target, headers, expected] of table) {
    it(`${method} ${target}`, () => assert.deepEqual(parse(method, target, headers), expected));
  }

  it('resolves virtual-host-style addressing from the Host header', () => {
    assert.deepEqual(parse('GET', '/photos/2024/a.jpg', { host: 'my-bucket.localhost:9000' }), { name: 'GetObject', bucket: 'my-bucket', key: 'photos/2024/a.jpg' });
    assert.deepEqual(parse('GET', '/?list-type=2', { host: 'my.dotted.bucket.s3.example.test' }), { name: 'ListObjectsV2', bucket: 'my.dotted.bucket' });
    assert.deepEqual(parse('GET', '/', { host: 'localhost:9000' }), { name: 'ListBuckets' });
  });

  it('refuses what S3 refuses', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return isAppError(e) ? e.code : 'not-app-error';
      }
      return 'no-error';
    };
    assert.equal(code(() => parse('GET', '/bucket/%E0%A4%A')), 'InvalidURI');
    assert.equal(code(() => parse('PUT', '/')), 'MethodNotAllowed');
    assert.equal(code(() => parse('PUT', '/bucket?lifecycle')), 'NotImplemented');
    assert.equal(code(() => parse('GET', '/bucket/k?select&select-type=2')), 'NotImplemented');
    assert.equal(code(() => parse('POST', '/bucket/k?select&select-type=1')), 'InvalidArgument');
    assert.equal(code(() => parse('POST', '/bucket?select&select-type=2')), 'NotImplemented');
    assert.equal(code(() => parse('PATCH', '/bucket/k')), 'MethodNotAllowed');
    assert.equal(code(() => parse('POST', '/bucket')), 'InvalidRequest');
  });
});
