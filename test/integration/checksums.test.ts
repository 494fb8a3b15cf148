/**
 * Flexible checksums and Content-MD5 on single-part uploads, through the AWS
 * SDK (header and aws-chunked trailer forms) and by hand for the trailer cases
 * the SDK will not produce. Expected values are computed independently here.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type ChecksumAlgorithm,
  type GetObjectCommandOutput,
  type HeadObjectCommandOutput,
  type PutObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ACCESS_KEY, REGION, SECRET_KEY, bodyBytes, errorStatus, startTestServer, uniqueBucket, type TestServer } from './harness.js';
import { crc32c, crc64nvme, encodeKey, expectS3Error, md5Base64, rawRequest, sha256Hex, signRequest, signedRequest, u32be } from './raw-http.js';

let srv: TestServer;
let s3: S3Client;
let bucket: string;

before(async () => {
  srv = await startTestServer();
  s3 = srv.client;
  bucket = uniqueBucket('ck');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
});

after(async () => {
  await srv?.stop();
});

const ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
type Alg = (typeof ALGORITHMS)[number];

function expectedChecksum(alg: Alg, data: Buffer): string {
  switch (alg) {
    case 'CRC32':
      return u32be(crc32(data)).toString('base64');
    case 'CRC32C':
      return u32be(crc32c(data)).toString('base64');
    case 'CRC64NVME':
      return crc64nvme(data).toString('base64');
    case 'SHA1':
      return createHash('sha1').update(data).digest('base64');
    case 'SHA256':
      return createHash('sha256').update(data).digest('base64');
  }
}

type WithChecksums = Pick<PutObjectCommandOutput, 'ChecksumCRC32' | 'ChecksumCRC32C' | 'ChecksumCRC64NVME' | 'ChecksumSHA1' | 'ChecksumSHA256'>;

function checksumOf(out: WithChecksums, alg: Alg): string | undefined {
  return {
    CRC32: out.ChecksumCRC32,
    CRC32C: out.ChecksumCRC32C,
    CRC64NVME: out.ChecksumCRC64NVME,
    SHA1: out.ChecksumSHA1,
    SHA256: out.ChecksumSHA256,
  }[alg];
}

function allChecksums(out: WithChecksums): Record<string, string | undefined> {
  return {
    CRC32: out.ChecksumCRC32,
    CRC32C: out.ChecksumCRC32C,
    CRC64NVME: out.ChecksumCRC64NVME,
    SHA1: out.ChecksumSHA1,
    SHA256: out.ChecksumSHA256,
  };
}

async function getWithChecksum(key: string, range?: string): Promise<{ out: GetObjectCommandOutput; bytes: Buffer }> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED', ...(range ? { Range: range } : {}) }));
  return { out, bytes: await bodyBytes(out.Body) };
}

async function getPlain(key: string): Promise<Buffer> {
  return bodyBytes((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body);
}

for (const alg of ALGORITHMS) {
  describe(`PutObject with ChecksumAlgorithm ${alg}`, () => {
    const data = randomBytes(300_000 + ALGORITHMS.indexOf(alg));
    const expected = expectedChecksum(alg, data);

    test('Buffer body (checksum sent as a header): stored, echoed, returned by GetObject/HeadObject with ChecksumMode', async () => {
      const key = `alg/${alg}/header`;
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data, ChecksumAlgorithm: alg as ChecksumAlgorithm }));
      assert.equal(checksumOf(put, alg), expected, `PutObject echoes x-amz-checksum-${alg.toLowerCase()}`);
      assert.equal(put.ETag, `"${createHash('md5').update(data).digest('hex')}"`);
      const { out, bytes } = await getWithChecksum(key);
      assert.equal(checksumOf(out, alg), expected);
      assert.equal(out.ChecksumType, 'FULL_OBJECT');
      assert.equal(sha256Hex(bytes), sha256Hex(data));
      const head: HeadObjectCommandOutput = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
      assert.equal(checksumOf(head, alg), expected);
    });

    test('stream body with known length (aws-chunked, STREAMING-UNSIGNED-PAYLOAD-TRAILER)', async () => {
      const key = `alg/${alg}/trailer`;
      const body = Readable.from([data.subarray(0, 100_000), data.subarray(100_000, 250_000), data.subarray(250_000)]);
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentLength: data.length, ChecksumAlgorithm: alg as ChecksumAlgorithm }));
      assert.equal(checksumOf(put, alg), expected);
      const { out, bytes } = await getWithChecksum(key);
      assert.equal(checksumOf(out, alg), expected);
      assert.equal(sha256Hex(bytes), sha256Hex(data));
      assert.equal(out.ContentLength, data.length, 'the stored length is the decoded length, not the aws-chunked length');
    });

    test('an empty body has the checksum of the empty string', async () => {
      const key = `alg/${alg}/empty`;
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.alloc(0), ChecksumAlgorithm: alg as ChecksumAlgorithm }));
      const empty = expectedChecksum(alg, Buffer.alloc(0));
      assert.equal(checksumOf(put, alg), empty);
      const { out, bytes } = await getWithChecksum(key);
      assert.equal(checksumOf(out, alg), empty);
      assert.equal(bytes.length, 0);
    });
  });
}

describe('GetObject checksum presence', () => {
  const key = 'presence/obj';
  const data = randomBytes(64 * 1024);

  before(async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data, ChecksumAlgorithm: 'SHA256' }));
  });

  test('without x-amz-checksum-mode no checksum headers are returned (raw GET; the SDK always enables it)', async () => {
    const res = await signedRequest(srv.url, { method: 'GET', path: `/${bucket}/${encodeKey(key)}` });
    assert.equal(res.status, 200);
    assert.equal(sha256Hex(res.body), sha256Hex(data));
    const present = Object.keys(res.headers).filter((h) => h.startsWith('x-amz-checksum-'));
    assert.deepEqual(present, [], `unexpected checksum headers: ${JSON.stringify(present.map((h) => [h, res.headers[h]]))}`);
  });

  test('with x-amz-checksum-mode ENABLED the checksum and its type are returned (raw GET)', async () => {
    const res = await signedRequest(srv.url, { method: 'GET', path: `/${bucket}/${encodeKey(key)}`, headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-amz-checksum-sha256'], createHash('sha256').update(data).digest('base64'));
    assert.equal(res.headers['x-amz-checksum-type'], 'FULL_OBJECT');
  });

  test('a ranged GET with ChecksumMode ENABLED returns no whole-object checksum', async () => {
    const { out, bytes } = await getWithChecksum(key, 'bytes=100-4195');
    assert.equal(out.$metadata.httpStatusCode, 206);
    assert.equal(out.ContentRange, `bytes 100-4195/${data.length}`);
    assert.equal(sha256Hex(bytes), sha256Hex(data.subarray(100, 4196)));
    assert.deepEqual(
      Object.values(allChecksums(out)).filter((v) => v !== undefined),
      [],
      `ranged GET must not carry the whole-object checksum: ${JSON.stringify(allChecksums(out))}`,
    );
  });
});

describe('integrity failures store nothing', () => {
  const key = 'guard/obj';
  const original = Buffer.from('the original object, which must survive every failed overwrite');

  before(async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: original }));
  });

  async function assertIntact(): Promise<void> {
    assert.equal(sha256Hex(await getPlain(key)), sha256Hex(original), 'previous object intact');
  }

  test('a wrong explicit ChecksumCRC32 is BadDigest 400', async () => {
    const body = Buffer.from('replacement bytes');
    const wrong = u32be((crc32(body) ^ 0xdeadbeef) >>> 0).toString('base64');
    const e = await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ChecksumCRC32: wrong })));
    assert.deepEqual(e, { code: 'BadDigest', status: 400 });
    await assertIntact();
  });

  test('a wrong explicit ChecksumSHA256 is BadDigest 400', async () => {
    const body = Buffer.from('replacement bytes');
    const wrong = createHash('sha256').update('something else').digest('base64');
    const e = await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ChecksumSHA256: wrong })));
    assert.deepEqual(e, { code: 'BadDigest', status: 400 });
    await assertIntact();
  });

  test('a wrong explicit checksum on a new key stores nothing', async () => {
    const e = await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'guard/new', Body: Buffer.from('abc'), ChecksumCRC32C: 'AAAAAA==' })));
    assert.deepEqual(e, { code: 'BadDigest', status: 400 });
    assert.equal((await errorStatus(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'guard/new' })))).status, 404);
  });

  test('a malformed checksum value (wrong length) is InvalidRequest 400', async () => {
    const e = await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from('x'), ChecksumCRC32: 'bm90LWEtY3JjMzItdmFsdWU=' })));
    assert.deepEqual(e, { code: 'InvalidRequest', status: 400 });
    await assertIntact();
  });

  test('a Content-MD5 mismatch is BadDigest 400', async () => {
    const body = Buffer.from('replacement bytes');
    const e = await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentMD5: md5Base64('not the body') })));
    assert.deepEqual(e, { code: 'BadDigest', status: 400 });
    await assertIntact();
  });

  test('a malformed Content-MD5 is InvalidDigest 400', async () => {
    const e = await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from('x'), ContentMD5: 'not-an-md5' })));
    assert.deepEqual(e, { code: 'InvalidDigest', status: 400 });
    await assertIntact();
  });

  test('a correct Content-MD5 is accepted', async () => {
    const k = 'guard/md5-ok';
    const body = Buffer.from('md5 checked body');
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: body, ContentMD5: md5Base64(body) }));
    assert.equal(put.ETag, `"${createHash('md5').update(body).digest('hex')}"`);
    assert.equal((await getPlain(k)).toString(), body.toString());
  });

  /** A hand-built STREAMING-UNSIGNED-PAYLOAD-TRAILER upload with a chosen trailer value. */
  async function trailerPut(k: string, data: Buffer, trailerName: string, trailerValue: string) {
    const encoded = Buffer.concat([
      Buffer.from(`${data.length.toString(16)}\r\n`),
      data,
      Buffer.from(`\r\n0\r\n${trailerName}:${trailerValue}\r\n\r\n`),
    ]);
    const signed = await signRequest(srv.url, {
      method: 'PUT',
      path: `/${bucket}/${encodeKey(k)}`,
      payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
      headers: {
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(data.length),
        'x-amz-trailer': trailerName,
        'content-length': String(encoded.length),
      },
    });
    return rawRequest(srv.url, { method: 'PUT', path: signed.path, headers: signed.headers, body: encoded });
  }

  test('aws-chunked trailer: a correct x-amz-checksum-crc32c trailer is accepted (control)', async () => {
    const k = 'guard/trailer-ok';
    const data = randomBytes(10_000);
    const res = await trailerPut(k, data, 'x-amz-checksum-crc32c', u32be(crc32c(data)).toString('base64'));
    assert.equal(res.status, 200, res.text);
    const { out, bytes } = await getWithChecksum(k);
    assert.equal(out.ChecksumCRC32C, u32be(crc32c(data)).toString('base64'));
    assert.equal(sha256Hex(bytes), sha256Hex(data));
  });

  test('aws-chunked trailer: a wrong trailer checksum is BadDigest 400 and the previous object survives', async () => {
    const data = Buffer.from('trailer-carried replacement');
    const res = await trailerPut(key, data, 'x-amz-checksum-crc32', u32be((crc32(data) ^ 1) >>> 0).toString('base64'));
    expectS3Error(res, 400, 'BadDigest');
    await assertIntact();
  });
});

describe('default SDK behaviour (requestChecksumCalculation WHEN_SUPPORTED)', () => {
  test('string body: the SDK adds CRC32; it is stored and returned', async () => {
    const key = 'default/string';
    const text = 'hello, wörld — ünïcode text body';
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text }));
    const expected = u32be(crc32(Buffer.from(text))).toString('base64');
    assert.equal(put.ChecksumCRC32, expected);
    const { out, bytes } = await getWithChecksum(key);
    assert.equal(out.ChecksumCRC32, expected);
    assert.equal(bytes.toString('utf8'), text);
  });

  test('Buffer body', async () => {
    const key = 'default/buffer';
    const data = randomBytes(1024 * 1024 + 3);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data }));
    assert.equal(put.ChecksumCRC32, u32be(crc32(data)).toString('base64'));
    assert.equal(sha256Hex(await getPlain(key)), sha256Hex(data));
  });

  test('stream body of known length', async () => {
    const key = 'default/stream-known';
    const data = randomBytes(2 * 1024 * 1024 + 5);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Readable.from([data]), ContentLength: data.length }));
    assert.equal(put.ChecksumCRC32, u32be(crc32(data)).toString('base64'));
    assert.equal(sha256Hex(await getPlain(key)), sha256Hex(data));
  });

  test('stream body of unknown length via lib-storage Upload (the SDK-recommended path)', async () => {
    const key = 'default/stream-unknown-upload';
    const data = randomBytes(3 * 1024 * 1024 + 9);
    async function* gen() {
      for (let off = 0; off < data.length; off += 65_536) yield data.subarray(off, off + 65_536);
    }
    await new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: Readable.from(gen()) } }).done();
    assert.equal(sha256Hex(await getPlain(key)), sha256Hex(data));
  });

  test('stream body of unknown length with PutObject (client WHEN_REQUIRED: Transfer-Encoding chunked, UNSIGNED-PAYLOAD)', async () => {
    // The default (WHEN_SUPPORTED) SDK cannot send an unknown-length stream at all: it fails
    // client-side setting x-amz-decoded-content-length to "undefined". WHEN_REQUIRED is the
    // configuration in which such a PutObject actually reaches a server.
    const c = new S3Client({
      endpoint: srv.url,
      region: REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    try {
      const key = 'default/stream-unknown-put';
      const data = randomBytes(1024 * 1024 + 1);
      async function* gen() {
        for (let off = 0; off < data.length; off += 100_000) yield data.subarray(off, off + 100_000);
      }
      await c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Readable.from(gen()) }));
      assert.equal(sha256Hex(await getPlain(key)), sha256Hex(data));
      // (The default CRC64NVME of checksum-less uploads is asserted in the next test.)
    } finally {
      c.destroy();
    }
  });

  test('no client checksum (WHEN_REQUIRED, Buffer): the object still gets the default CRC64NVME', async () => {
    const c = new S3Client({
      endpoint: srv.url,
      region: REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    try {
      const key = 'default/no-checksum';
      const data = randomBytes(12345);
      await c.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data }));
      const { out, bytes } = await getWithChecksum(key);
      assert.equal(sha256Hex(bytes), sha256Hex(data));
      assert.equal(out.ChecksumCRC64NVME, crc64nvme(data).toString('base64'));
      assert.equal(out.ChecksumType, 'FULL_OBJECT');
    } finally {
      c.destroy();
    }
  });
});
