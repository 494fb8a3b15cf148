/**
 * Multipart uploads through the AWS SDK against a real in-process server:
 * lifecycle, ETags, part reads, listings, every documented error, UploadPartCopy,
 * lib-storage, and flexible checksums (COMPOSITE and FULL_OBJECT).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type ChecksumAlgorithm,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { bodyBytes, errorCode, errorStatus, startTestServer, uniqueBucket, type TestServer } from './harness.js';
import { crc64nvme, md5Hex, sha256Hex, u32be } from './raw-http.js';

const MiB = 1024 * 1024;
const PART = 5 * MiB;

let srv: TestServer;
let s3: S3Client;
let bucket: string;

before(async () => {
  srv = await startTestServer();
  s3 = srv.client;
  bucket = uniqueBucket('mp');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

after(async () => {
  await srv?.stop();
});

/** The multipart ETag: md5 of the concatenated binary part md5s, "-N", quoted. */
function multipartEtag(parts: Buffer[]): string {
  const h = createHash('md5');
  for (const p of parts) h.update(createHash('md5').update(p).digest());
  return `"${h.digest('hex')}-${parts.length}"`;
}

function b64(buf: Buffer): string {
  return buf.toString('base64');
}

async function create(key: string, extra: { ChecksumAlgorithm?: ChecksumAlgorithm; ChecksumType?: 'COMPOSITE' | 'FULL_OBJECT' } = {}): Promise<string> {
  const r = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...extra }));
  assert.ok(r.UploadId, 'CreateMultipartUpload returns an UploadId');
  return r.UploadId;
}

async function put(key: string, uploadId: string, n: number, body: Buffer): Promise<CompletedPart> {
  const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: n, Body: body }));
  return { PartNumber: n, ETag: r.ETag! };
}

async function getBytes(key: string, extra: { PartNumber?: number; Range?: string } = {}): Promise<Buffer> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...extra }));
  return bodyBytes(r.Body);
}

async function existsKey(key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (e) {
    if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw e;
  }
}

describe('basic lifecycle', () => {
  const key = 'basic/three-parts.bin';
  const parts = [randomBytes(PART), randomBytes(PART), randomBytes(1234567)];
  const whole = Buffer.concat(parts);
  let uploadId: string;
  let completed: CompletedPart[];

  test('Create, UploadPart x3 (5 MiB, 5 MiB, smaller last), Complete', async () => {
    uploadId = await create(key);
    completed = [];
    for (let i = 0; i < 3; i++) {
      const p = await put(key, uploadId, i + 1, parts[i]!);
      assert.equal(p.ETag, `"${md5Hex(parts[i]!)}"`, `part ${i + 1} ETag is the quoted md5 of its bytes`);
      completed.push(p);
    }
    const r = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: completed } }));
    assert.equal(r.ETag, multipartEtag(parts), 'Complete ETag is md5-of-md5s-3');
    assert.equal(r.Bucket, bucket);
    assert.equal(r.Key, key);
    assert.ok(r.Location && r.Location.includes(bucket), `Location names the bucket: ${r.Location}`);
  });

  test('GetObject returns the exact concatenated bytes and the multipart ETag', async () => {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(r.ETag, multipartEtag(parts));
    assert.equal(r.ContentLength, whole.length);
    const got = await bodyBytes(r.Body);
    assert.equal(got.length, whole.length);
    assert.equal(sha256Hex(got), sha256Hex(whole));
  });

  test('HeadObject PartNumber=2 returns that part length and x-amz-mp-parts-count', async () => {
    const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, PartNumber: 2 }));
    assert.equal(h.ContentLength, parts[1]!.length);
    assert.equal(h.PartsCount, 3);
    assert.equal(h.ETag, multipartEtag(parts));
    const h3 = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, PartNumber: 3 }));
    assert.equal(h3.ContentLength, parts[2]!.length);
    assert.equal(h3.PartsCount, 3);
  });

  test('GetObject PartNumber=3 returns exactly that part with a Content-Range', async () => {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, PartNumber: 3 }));
    assert.equal(r.$metadata.httpStatusCode, 206);
    assert.equal(r.PartsCount, 3);
    assert.equal(r.ContentRange, `bytes ${2 * PART}-${whole.length - 1}/${whole.length}`);
    assert.equal(sha256Hex(await bodyBytes(r.Body)), sha256Hex(parts[2]!));
  });

  test('HeadObject PartNumber beyond the part count is 416 (InvalidPartNumber)', async () => {
    const e = await errorStatus(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, PartNumber: 4 })));
    assert.equal(e.status, 416);
  });

  test('the completed upload is gone: ListParts and UploadPart answer NoSuchUpload', async () => {
    assert.equal(await errorCode(s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))), 'NoSuchUpload');
    const e = await errorStatus(s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: 1, Body: Buffer.from('x') })));
    assert.deepEqual(e, { code: 'NoSuchUpload', status: 404 });
  });
});

describe('a retried CompleteMultipartUpload', () => {
  // A client whose Complete answer was lost (timeout, dropped connection) retries; S3 answers
  // the retry as it answered the first call instead of NoSuchUpload.
  const small = [randomBytes(PART), randomBytes(1000)];

  async function completedUpload(key: string, b = bucket): Promise<{ uploadId: string; parts: CompletedPart[]; first: { ETag?: string; VersionId?: string } }> {
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: b, Key: key }));
    const parts: CompletedPart[] = [];
    for (const [i, body] of small.entries()) {
      const r = await s3.send(new UploadPartCommand({ Bucket: b, Key: key, UploadId, PartNumber: i + 1, Body: body }));
      parts.push({ PartNumber: i + 1, ETag: r.ETag! });
    }
    const first = await s3.send(new CompleteMultipartUploadCommand({ Bucket: b, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
    return { uploadId: UploadId!, parts, first };
  }

  test('with the same parts: the same answer, and the object is unchanged', async () => {
    const vb = uniqueBucket('mp-retry');
    await s3.send(new CreateBucketCommand({ Bucket: vb }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: vb, VersioningConfiguration: { Status: 'Enabled' } }));
    const key = 'retry/same.bin';
    const { uploadId, parts, first } = await completedUpload(key, vb);
    const again = await s3.send(new CompleteMultipartUploadCommand({ Bucket: vb, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    assert.equal(again.ETag, first.ETag);
    assert.equal(again.ETag, multipartEtag(small));
    assert.equal(again.VersionId, first.VersionId, 'no second version was made');
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: vb, Prefix: key }));
    assert.equal(versions.Versions?.length, 1);
    const got = await s3.send(new GetObjectCommand({ Bucket: vb, Key: key }));
    assert.equal(sha256Hex(await bodyBytes(got.Body)), sha256Hex(Buffer.concat(small)));
  });

  test('with another part list, after an overwrite, or after a delete: NoSuchUpload', async () => {
    const key = 'retry/changed.bin';
    const { uploadId, parts } = await completedUpload(key);
    const fewer = errorStatus(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts.slice(0, 1) } })));
    assert.deepEqual(await fewer, { code: 'NoSuchUpload', status: 404 });
    const otherKey = errorStatus(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key + '.other', UploadId: uploadId, MultipartUpload: { Parts: parts } })));
    assert.deepEqual(await otherKey, { code: 'NoSuchUpload', status: 404 });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'replaced' }));
    const overwritten = errorStatus(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } })));
    assert.deepEqual(await overwritten, { code: 'NoSuchUpload', status: 404 });
    assert.equal((await getBytes(key)).toString(), 'replaced', 'the retry did not bring the old object back');

    const gone = await completedUpload('retry/deleted.bin');
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'retry/deleted.bin' }));
    const deleted = errorStatus(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'retry/deleted.bin', UploadId: gone.uploadId, MultipartUpload: { Parts: gone.parts } })));
    assert.deepEqual(await deleted, { code: 'NoSuchUpload', status: 404 });
    assert.equal(await existsKey('retry/deleted.bin'), false);
  });
});

describe('ListParts', () => {
  const key = 'listparts/obj';
  let uploadId: string;
  const bodies = [Buffer.from('part-one'), Buffer.from('part-two!'), Buffer.from('part-three..')];

  before(async () => {
    uploadId = await create(key);
    // Uploaded out of order on purpose: the listing must be sorted by part number.
    await put(key, uploadId, 3, bodies[2]!);
    await put(key, uploadId, 1, bodies[0]!);
    await put(key, uploadId, 2, bodies[1]!);
  });

  test('lists all parts sorted with ETag and Size', async () => {
    const r = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    assert.equal(r.Bucket, bucket);
    assert.equal(r.Key, key);
    assert.equal(r.UploadId, uploadId);
    assert.equal(r.IsTruncated, false);
    assert.deepEqual(
      r.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size]),
      bodies.map((b, i) => [i + 1, `"${md5Hex(b)}"`, b.length]),
    );
    for (const p of r.Parts ?? []) assert.ok(p.LastModified instanceof Date);
  });

  test('MaxParts pagination with NextPartNumberMarker / PartNumberMarker', async () => {
    const p1 = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MaxParts: 2 }));
    assert.equal(p1.IsTruncated, true);
    assert.equal(p1.MaxParts, 2);
    assert.deepEqual(p1.Parts?.map((p) => p.PartNumber), [1, 2]);
    assert.equal(String(p1.NextPartNumberMarker), '2');
    const p2 = await s3.send(
      new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MaxParts: 2, PartNumberMarker: p1.NextPartNumberMarker! }),
    );
    assert.equal(p2.IsTruncated, false);
    assert.equal(String(p2.PartNumberMarker), '2');
    assert.deepEqual(p2.Parts?.map((p) => p.PartNumber), [3]);
  });

  test('PartNumberMarker past the last part lists nothing', async () => {
    const r = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker: '3' }));
    assert.equal(r.IsTruncated, false);
    assert.equal(r.Parts?.length ?? 0, 0);
  });

  test('ListParts on an unknown upload id is NoSuchUpload 404', async () => {
    const e = await errorStatus(s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: 'no-such-upload-id' })));
    assert.deepEqual(e, { code: 'NoSuchUpload', status: 404 });
  });

  after(async () => {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
  });
});

describe('ListMultipartUploads', () => {
  const lb = uniqueBucket('mpl');
  const started: Array<{ key: string; id: string }> = [];

  before(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: lb }));
    for (const key of ['mpu/a', 'mpu/b', 'mpu/b', 'mpu/c', 'other/x']) {
      const r = await s3.send(new CreateMultipartUploadCommand({ Bucket: lb, Key: key }));
      started.push({ key, id: r.UploadId! });
    }
  });

  test('lists all in-progress uploads sorted by key', async () => {
    const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: lb }));
    assert.equal(r.Bucket, lb);
    assert.equal(r.IsTruncated, false);
    const got = (r.Uploads ?? []).map((u) => [u.Key, u.UploadId]);
    assert.deepEqual(got.map((g) => g[0]), ['mpu/a', 'mpu/b', 'mpu/b', 'mpu/c', 'other/x']);
    assert.deepEqual(new Set(got.map((g) => g[1])), new Set(started.map((s) => s.id)));
    for (const u of r.Uploads ?? []) assert.ok(u.Initiated instanceof Date);
  });

  test('Prefix filters', async () => {
    const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: lb, Prefix: 'mpu/' }));
    assert.equal(r.Prefix, 'mpu/');
    assert.deepEqual(r.Uploads?.map((u) => u.Key), ['mpu/a', 'mpu/b', 'mpu/b', 'mpu/c']);
  });

  test('Delimiter rolls keys up into CommonPrefixes', async () => {
    const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: lb, Delimiter: '/' }));
    assert.equal(r.Uploads?.length ?? 0, 0);
    assert.deepEqual(r.CommonPrefixes?.map((p) => p.Prefix), ['mpu/', 'other/']);
  });

  test('MaxUploads pagination with KeyMarker/UploadIdMarker visits every upload exactly once', async () => {
    const seen: Array<[string, string]> = [];
    let keyMarker: string | undefined;
    let idMarker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await s3.send(
        new ListMultipartUploadsCommand({ Bucket: lb, Prefix: 'mpu/', MaxUploads: 2, KeyMarker: keyMarker, UploadIdMarker: idMarker }),
      );
      assert.ok((r.Uploads?.length ?? 0) <= 2, 'never more than MaxUploads');
      for (const u of r.Uploads ?? []) seen.push([u.Key!, u.UploadId!]);
      if (!r.IsTruncated) break;
      assert.ok(r.NextKeyMarker, 'a truncated page has NextKeyMarker');
      assert.ok(r.NextUploadIdMarker, 'a truncated page has NextUploadIdMarker');
      assert.equal(r.MaxUploads, 2);
      keyMarker = r.NextKeyMarker;
      idMarker = r.NextUploadIdMarker;
    }
    assert.deepEqual(seen.map((s) => s[0]), ['mpu/a', 'mpu/b', 'mpu/b', 'mpu/c']);
    assert.deepEqual(new Set(seen.map((s) => s[1])), new Set(started.filter((s) => s.key.startsWith('mpu/')).map((s) => s.id)));
  });

  test('KeyMarker alone starts after that key', async () => {
    const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: lb, KeyMarker: 'mpu/b' }));
    assert.deepEqual(r.Uploads?.map((u) => u.Key), ['mpu/c', 'other/x']);
  });

  test('an aborted upload disappears from the listing', async () => {
    const a = started.find((s) => s.key === 'mpu/a')!;
    await s3.send(new AbortMultipartUploadCommand({ Bucket: lb, Key: a.key, UploadId: a.id }));
    const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: lb, Prefix: 'mpu/a' }));
    assert.equal(r.Uploads?.length ?? 0, 0);
  });
});

describe('errors', () => {
  test('AbortMultipartUpload, then UploadPart / ListParts / Complete answer NoSuchUpload', async () => {
    const key = 'err/aborted';
    const id = await create(key);
    const p1 = await put(key, id, 1, Buffer.from('data'));
    const ab = await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id }));
    assert.equal(ab.$metadata.httpStatusCode, 204);
    assert.deepEqual(
      await errorStatus(s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: id, PartNumber: 2, Body: Buffer.from('x') }))),
      { code: 'NoSuchUpload', status: 404 },
    );
    assert.equal(await errorCode(s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: id }))), 'NoSuchUpload');
    assert.equal(
      await errorCode(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id, MultipartUpload: { Parts: [p1] } }))),
      'NoSuchUpload',
    );
    assert.equal(await existsKey(key), false, 'nothing was stored');
  });

  test('AbortMultipartUpload of an unknown upload id is NoSuchUpload 404', async () => {
    assert.deepEqual(await errorStatus(s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'err/x', UploadId: 'bogus' }))), {
      code: 'NoSuchUpload',
      status: 404,
    });
  });

  test('Complete with an unknown upload id is NoSuchUpload 404', async () => {
    const e = await errorStatus(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: 'err/unknown',
          UploadId: 'does-not-exist-0000',
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: `"${md5Hex('x')}"` }] },
        }),
      ),
    );
    assert.deepEqual(e, { code: 'NoSuchUpload', status: 404 });
  });

  test('the upload id belongs to its key: UploadPart under another key is NoSuchUpload', async () => {
    const id = await create('err/key-a');
    const e = await errorStatus(s3.send(new UploadPartCommand({ Bucket: bucket, Key: 'err/key-b', UploadId: id, PartNumber: 1, Body: Buffer.from('x') })));
    assert.deepEqual(e, { code: 'NoSuchUpload', status: 404 });
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'err/key-a', UploadId: id }));
  });

  test('parts out of order is InvalidPartOrder 400; the upload survives and completes in order', async () => {
    const key = 'err/order';
    const bodies = [randomBytes(PART), randomBytes(100)];
    const id = await create(key);
    const p1 = await put(key, id, 1, bodies[0]!);
    const p2 = await put(key, id, 2, bodies[1]!);
    assert.deepEqual(
      await errorStatus(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id, MultipartUpload: { Parts: [p2, p1] } }))),
      { code: 'InvalidPartOrder', status: 400 },
    );
    assert.equal(await existsKey(key), false);
    const ok = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id, MultipartUpload: { Parts: [p1, p2] } }));
    assert.equal(ok.ETag, multipartEtag(bodies));
    assert.equal(sha256Hex(await getBytes(key)), sha256Hex(Buffer.concat(bodies)));
  });

  test('a wrong ETag is InvalidPart 400; a part never uploaded is InvalidPart 400', async () => {
    const key = 'err/etag';
    const id = await create(key);
    const p1 = await put(key, id, 1, Buffer.from('hello'));
    assert.deepEqual(
      await errorStatus(
        s3.send(
          new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: `"${md5Hex('other')}"` }] } }),
        ),
      ),
      { code: 'InvalidPart', status: 400 },
    );
    assert.deepEqual(
      await errorStatus(
        s3.send(
          new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id, MultipartUpload: { Parts: [p1, { PartNumber: 2, ETag: `"${md5Hex('x')}"` }] } }),
        ),
      ),
      { code: 'InvalidPart', status: 400 },
    );
    assert.equal(await existsKey(key), false);
    // The ETag may be given without quotes (clients do this); it still matches.
    const ok = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: md5Hex('hello') }] } }),
    );
    assert.equal(ok.ETag, multipartEtag([Buffer.from('hello')]));
  });

  test('a non-last part smaller than 5 MiB is EntityTooSmall 400 at Complete', async () => {
    const key = 'err/small';
    const id = await create(key);
    const p1 = await put(key, id, 1, randomBytes(PART - 1));
    const p2 = await put(key, id, 2, randomBytes(10));
    assert.deepEqual(
      await errorStatus(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id, MultipartUpload: { Parts: [p1, p2] } }))),
      { code: 'EntityTooSmall', status: 400 },
    );
    assert.equal(await existsKey(key), false);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id }));
  });

  test('a single small part is a valid (last) part', async () => {
    const key = 'err/single-small';
    const id = await create(key);
    const p1 = await put(key, id, 1, Buffer.from('tiny'));
    const r = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id, MultipartUpload: { Parts: [p1] } }));
    assert.equal(r.ETag, multipartEtag([Buffer.from('tiny')]));
    assert.equal((await getBytes(key)).toString(), 'tiny');
  });

  test('part numbers 0 and 10001 are InvalidArgument 400; 10000 is accepted', async () => {
    const key = 'err/partnum';
    const id = await create(key);
    for (const n of [0, 10001]) {
      assert.deepEqual(
        await errorStatus(s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: id, PartNumber: n, Body: Buffer.from('x') }))),
        { code: 'InvalidArgument', status: 400 },
        `part number ${n}`,
      );
    }
    const ok = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: id, PartNumber: 10000, Body: Buffer.from('x') }));
    assert.equal(ok.ETag, `"${md5Hex('x')}"`);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id }));
  });

  test('Complete with an empty part list is MalformedXML (AWS) 400', async () => {
    const key = 'err/empty';
    const id = await create(key);
    const e = await errorStatus(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id, MultipartUpload: { Parts: [] } })));
    assert.deepEqual(e, { code: 'MalformedXML', status: 400 });
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id }));
  });
});

test('re-uploading a part number replaces the earlier part', async () => {
  const key = 'replace/obj';
  const first = randomBytes(PART);
  const second = randomBytes(PART + 17);
  const last = Buffer.from('tail');
  const id = await create(key);
  const old1 = await put(key, id, 1, first);
  const new1 = await put(key, id, 1, second);
  assert.notEqual(old1.ETag, new1.ETag);
  const p2 = await put(key, id, 2, last);
  const lp = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: id }));
  assert.deepEqual(
    lp.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size]),
    [
      [1, new1.ETag, second.length],
      [2, p2.ETag, last.length],
    ],
  );
  assert.equal(
    await errorCode(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id, MultipartUpload: { Parts: [old1, p2] } }))),
    'InvalidPart',
    'the replaced part ETag no longer matches',
  );
  const r = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id, MultipartUpload: { Parts: [new1, p2] } }));
  assert.equal(r.ETag, multipartEtag([second, last]));
  assert.equal(sha256Hex(await getBytes(key)), sha256Hex(Buffer.concat([second, last])));
});

test('Complete may skip uploaded parts (gaps in part numbers are fine)', async () => {
  const key = 'gaps/obj';
  const a = randomBytes(PART);
  const c = Buffer.from('ccc');
  const id = await create(key);
  const p1 = await put(key, id, 1, a);
  await put(key, id, 2, Buffer.from('dropped'));
  const p5 = await put(key, id, 5, c);
  const r = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id, MultipartUpload: { Parts: [p1, p5] } }));
  assert.equal(r.ETag, multipartEtag([a, c]));
  assert.equal(sha256Hex(await getBytes(key)), sha256Hex(Buffer.concat([a, c])));
  const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, PartNumber: 1 }));
  assert.equal(h.ContentLength, a.length);
  assert.equal(h.PartsCount, 2, 'only the completed parts count');
});

describe('UploadPartCopy', () => {
  const srcKey = 'copy/source.bin';
  const src = randomBytes(PART + 3 * 1024 * 1024 + 11);

  before(async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: srcKey, Body: src }));
  });

  test('with CopySourceRange bytes=0-5242879 and without a range (whole object)', async () => {
    const key = 'copy/dest.bin';
    const id = await create(key);
    const c1 = await s3.send(
      new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId: id, PartNumber: 1, CopySource: `${bucket}/${srcKey}`, CopySourceRange: `bytes=0-${PART - 1}` }),
    );
    const first = src.subarray(0, PART);
    assert.equal(c1.CopyPartResult?.ETag, `"${md5Hex(first)}"`);
    assert.ok(c1.CopyPartResult?.LastModified instanceof Date);
    const c2 = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId: id, PartNumber: 2, CopySource: `${bucket}/${srcKey}` }));
    assert.equal(c2.CopyPartResult?.ETag, `"${md5Hex(src)}"`);
    const tail = Buffer.from('-tail-');
    const p3 = await put(key, id, 3, tail);
    const lp = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: id }));
    assert.deepEqual(lp.Parts?.map((p) => p.Size), [PART, src.length, tail.length]);
    const r = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId: id,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: c1.CopyPartResult!.ETag! },
            { PartNumber: 2, ETag: c2.CopyPartResult!.ETag! },
            p3,
          ],
        },
      }),
    );
    const expected = Buffer.concat([first, src, tail]);
    assert.equal(r.ETag, multipartEtag([first, src, tail]));
    assert.equal(sha256Hex(await getBytes(key)), sha256Hex(expected));
  });

  test('a middle range copies exactly those bytes', async () => {
    const key = 'copy/middle.bin';
    const id = await create(key);
    const c = await s3.send(
      new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId: id, PartNumber: 1, CopySource: `${bucket}/${srcKey}`, CopySourceRange: 'bytes=100-199' }),
    );
    assert.equal(c.CopyPartResult?.ETag, `"${md5Hex(src.subarray(100, 200))}"`);
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: c.CopyPartResult!.ETag! }] } }));
    assert.equal(sha256Hex(await getBytes(key)), sha256Hex(src.subarray(100, 200)));
  });

  test('a range beyond the source is InvalidArgument 400 (AWS) or InvalidRange 416', async () => {
    const key = 'copy/bad-range';
    const id = await create(key);
    const e = await errorStatus(
      s3.send(
        new UploadPartCopyCommand({
          Bucket: bucket,
          Key: key,
          UploadId: id,
          PartNumber: 1,
          CopySource: `${bucket}/${srcKey}`,
          CopySourceRange: `bytes=0-${src.length + 100}`,
        }),
      ),
    );
    assert.ok(
      (e.code === 'InvalidArgument' && e.status === 400) || (e.code === 'InvalidRange' && (e.status === 416 || e.status === 400)),
      `got ${JSON.stringify(e)}`,
    );
    const lp = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: id }));
    assert.equal(lp.Parts?.length ?? 0, 0, 'no part was recorded');
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id }));
  });

  test('a malformed CopySourceRange is InvalidArgument 400', async () => {
    const key = 'copy/malformed-range';
    const id = await create(key);
    const e = await errorStatus(
      s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId: id, PartNumber: 1, CopySource: `${bucket}/${srcKey}`, CopySourceRange: '0-10' })),
    );
    assert.deepEqual(e, { code: 'InvalidArgument', status: 400 });
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id }));
  });

  test('a missing source key is NoSuchKey 404', async () => {
    const key = 'copy/missing-src';
    const id = await create(key);
    const e = await errorStatus(
      s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId: id, PartNumber: 1, CopySource: `${bucket}/copy/nope` })),
    );
    assert.deepEqual(e, { code: 'NoSuchKey', status: 404 });
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id }));
  });
});

test('@aws-sdk/lib-storage Upload of a 40 MiB stream', async () => {
  const key = 'libstorage/forty.bin';
  const total = 40 * MiB;
  const data = randomBytes(total);
  // A stream of unknown length, in odd-sized chunks.
  async function* gen() {
    for (let off = 0; off < total; off += 777_777) yield data.subarray(off, Math.min(total, off + 777_777));
  }
  const up = new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: Readable.from(gen()) }, partSize: 8 * MiB, queueSize: 3 });
  const r = await up.done();
  assert.equal(r.Key, key);
  const partsCount = Math.ceil(total / (8 * MiB));
  const parts: Buffer[] = [];
  for (let i = 0; i < partsCount; i++) parts.push(data.subarray(i * 8 * MiB, Math.min(total, (i + 1) * 8 * MiB)));
  assert.equal(r.ETag, multipartEtag(parts));
  const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  assert.equal(h.ContentLength, total);
  assert.equal(sha256Hex(await getBytes(key)), sha256Hex(data));
  const ranged = await getBytes(key, { Range: 'bytes=16777200-16777299' });
  assert.equal(sha256Hex(ranged), sha256Hex(data.subarray(16777200, 16777300)), 'a range across a part boundary');
});

describe('flexible checksums', () => {
  const parts = [randomBytes(PART), randomBytes(PART), randomBytes(700_001)];
  const whole = Buffer.concat(parts);

  async function uploadAll(key: string, id: string, alg: ChecksumAlgorithm): Promise<CompletedPart[]> {
    const out: CompletedPart[] = [];
    for (let i = 0; i < parts.length; i++) {
      const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: id, PartNumber: i + 1, Body: parts[i], ChecksumAlgorithm: alg }));
      const cp: CompletedPart = { PartNumber: i + 1, ETag: r.ETag! };
      if (alg === 'CRC32') cp.ChecksumCRC32 = r.ChecksumCRC32!;
      if (alg === 'CRC64NVME') cp.ChecksumCRC64NVME = r.ChecksumCRC64NVME!;
      if (alg === 'SHA256') cp.ChecksumSHA256 = r.ChecksumSHA256!;
      out.push(cp);
    }
    return out;
  }

  test('CRC32 COMPOSITE: part checksums, Complete checksum "<crc32 of part crcs>-3", GetObject returns it', async () => {
    const key = 'ck/crc32-composite';
    const c = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'CRC32' }));
    assert.equal(c.ChecksumAlgorithm, 'CRC32');
    assert.equal(c.ChecksumType, 'COMPOSITE', 'CRC32 defaults to COMPOSITE');
    const done = await uploadAll(key, c.UploadId!, 'CRC32');
    parts.forEach((p, i) => assert.equal(done[i]!.ChecksumCRC32, b64(u32be(crc32(p))), `part ${i + 1} CRC32`));
    const r = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: c.UploadId!, MultipartUpload: { Parts: done } }));
    const expected = b64(u32be(crc32(Buffer.concat(parts.map((p) => u32be(crc32(p))))))) + '-3';
    assert.equal(r.ChecksumCRC32, expected);
    assert.ok(r.ChecksumCRC32?.endsWith('-3'));
    assert.equal(r.ChecksumType, 'COMPOSITE');
    const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
    assert.equal(h.ChecksumCRC32, expected);
    assert.equal(h.ChecksumType, 'COMPOSITE');
    assert.equal(sha256Hex(await getBytes(key)), sha256Hex(whole));
  });

  test('CRC32 FULL_OBJECT: the checksum equals zlib.crc32 of the whole object', async () => {
    const key = 'ck/crc32-full';
    const c = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'CRC32', ChecksumType: 'FULL_OBJECT' }));
    assert.equal(c.ChecksumType, 'FULL_OBJECT');
    const done = await uploadAll(key, c.UploadId!, 'CRC32');
    const full = b64(u32be(crc32(whole)));
    const r = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: c.UploadId!, MultipartUpload: { Parts: done }, ChecksumCRC32: full, ChecksumType: 'FULL_OBJECT' }),
    );
    assert.equal(r.ChecksumCRC32, full);
    assert.equal(r.ChecksumType, 'FULL_OBJECT');
    const g = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
    assert.equal(g.ChecksumCRC32, full);
    assert.equal(g.ChecksumType, 'FULL_OBJECT');
    assert.equal(sha256Hex(await bodyBytes(g.Body)), sha256Hex(whole));
  });

  test('CRC32 FULL_OBJECT: a wrong whole-object checksum at Complete is refused and nothing is stored', async () => {
    const key = 'ck/crc32-full-wrong';
    const c = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'CRC32', ChecksumType: 'FULL_OBJECT' }));
    const done = await uploadAll(key, c.UploadId!, 'CRC32');
    const wrong = b64(u32be((crc32(whole) ^ 1) >>> 0));
    const e = await errorStatus(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: c.UploadId!, MultipartUpload: { Parts: done }, ChecksumCRC32: wrong, ChecksumType: 'FULL_OBJECT' })),
    );
    assert.equal(e.status, 400, JSON.stringify(e));
    assert.ok(['BadDigest', 'InvalidRequest'].includes(e.code), JSON.stringify(e));
    assert.equal(await existsKey(key), false);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: c.UploadId! }));
  });

  test('CRC64NVME defaults to FULL_OBJECT and equals the CRC-64/NVME of the whole object', async () => {
    const key = 'ck/crc64';
    const c = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'CRC64NVME' }));
    assert.equal(c.ChecksumType, 'FULL_OBJECT');
    const done = await uploadAll(key, c.UploadId!, 'CRC64NVME');
    parts.forEach((p, i) => assert.equal(done[i]!.ChecksumCRC64NVME, b64(crc64nvme(p)), `part ${i + 1} CRC64NVME`));
    const r = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: c.UploadId!, MultipartUpload: { Parts: done } }));
    const full = b64(crc64nvme(whole));
    assert.equal(r.ChecksumCRC64NVME, full);
    assert.equal(r.ChecksumType, 'FULL_OBJECT');
    const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
    assert.equal(h.ChecksumCRC64NVME, full);
  });

  test('CRC64NVME with ChecksumType COMPOSITE is refused (InvalidRequest 400)', async () => {
    const e = await errorStatus(
      s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'ck/crc64-composite', ChecksumAlgorithm: 'CRC64NVME', ChecksumType: 'COMPOSITE' })),
    );
    assert.deepEqual(e, { code: 'InvalidRequest', status: 400 });
  });

  test('SHA256 COMPOSITE: "<sha256 of part sha256s>-3"', async () => {
    const key = 'ck/sha256';
    const c = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'SHA256' }));
    assert.equal(c.ChecksumType, 'COMPOSITE');
    const done = await uploadAll(key, c.UploadId!, 'SHA256');
    const digests = parts.map((p) => createHash('sha256').update(p).digest());
    parts.forEach((_, i) => assert.equal(done[i]!.ChecksumSHA256, b64(digests[i]!)));
    const r = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: c.UploadId!, MultipartUpload: { Parts: done } }));
    const expected = b64(createHash('sha256').update(Buffer.concat(digests)).digest()) + '-3';
    assert.equal(r.ChecksumSHA256, expected);
    const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
    assert.equal(h.ChecksumSHA256, expected);
    assert.equal(sha256Hex(await getBytes(key)), sha256Hex(whole));
  });

  test('SHA256 with ChecksumType FULL_OBJECT is refused (InvalidRequest 400)', async () => {
    const e = await errorStatus(
      s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'ck/sha256-full', ChecksumAlgorithm: 'SHA256', ChecksumType: 'FULL_OBJECT' })),
    );
    assert.deepEqual(e, { code: 'InvalidRequest', status: 400 });
  });

  test('Complete with a wrong part checksum is InvalidPart 400 (or BadDigest) and nothing is stored', async () => {
    const key = 'ck/wrong-part';
    const c = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'CRC32' }));
    const done = await uploadAll(key, c.UploadId!, 'CRC32');
    done[1] = { ...done[1]!, ChecksumCRC32: b64(u32be((crc32(parts[1]!) ^ 0xff) >>> 0)) };
    const e = await errorStatus(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: c.UploadId!, MultipartUpload: { Parts: done } })));
    assert.equal(e.status, 400, JSON.stringify(e));
    assert.ok(['InvalidPart', 'BadDigest'].includes(e.code), JSON.stringify(e));
    assert.equal(await existsKey(key), false);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: c.UploadId! }));
  });

  test('COMPOSITE upload: Complete without the part checksums is InvalidRequest 400', async () => {
    const key = 'ck/missing-part-ck';
    const c = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'CRC32' }));
    const done = await uploadAll(key, c.UploadId!, 'CRC32');
    const stripped = done.map((p) => ({ PartNumber: p.PartNumber!, ETag: p.ETag! }));
    const e = await errorStatus(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: c.UploadId!, MultipartUpload: { Parts: stripped } })));
    assert.equal(e.status, 400, JSON.stringify(e));
    assert.ok(['InvalidRequest', 'InvalidPart'].includes(e.code), JSON.stringify(e));
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: c.UploadId! }));
  });

  test('UploadPart with a wrong explicit ChecksumCRC32 is BadDigest and records no part', async () => {
    const key = 'ck/wrong-upload';
    const c = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: 'CRC32' }));
    const body = Buffer.from('some part data');
    const e = await errorStatus(
      s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: c.UploadId!, PartNumber: 1, Body: body, ChecksumCRC32: b64(u32be((crc32(body) ^ 1) >>> 0)) })),
    );
    assert.deepEqual(e, { code: 'BadDigest', status: 400 });
    const lp = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: c.UploadId! }));
    assert.equal(lp.Parts?.length ?? 0, 0);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: c.UploadId! }));
  });
});
