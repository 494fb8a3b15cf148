/**
 * Object-level S3 operations through the real AWS SDK against a real in-process
 * Sovra server: PUT/GET/HEAD round trips, stored headers and metadata, ranges,
 * conditional reads and writes, response overrides, deletes (single and batch),
 * copies, odd keys, ETags, Content-MD5 and size limits.
 *
 * Expected behaviour follows the Amazon S3 API reference (PutObject, GetObject,
 * HeadObject, DeleteObject, DeleteObjects, CopyObject).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  S3Client,
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { bodyBytes, bodyText, errorStatus, startTestServer, uniqueBucket, type TestServer, failure, pool } from './harness.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const md5hex = (b: Uint8Array | string): string => createHash('md5').update(b).digest('hex');
const md5b64 = (b: Uint8Array | string): string => createHash('md5').update(b).digest('base64');

interface RawResponse {
  statusCode: number;
  headers: Record<string, string>;
}

/** Like errorStatus, plus the raw response headers of the failed call. */

/** Records the raw HTTP request and response of every call made with `client` (latest wins). */
function recordTraffic(client: S3Client): { request?: { headers: Record<string, string> }; response?: RawResponse } {
  const last: { request?: { headers: Record<string, string> }; response?: RawResponse } = {};
  client.middlewareStack.add(
    (next) => async (args) => {
      last.request = args.request as { headers: Record<string, string> };
      const out = await next(args);
      last.response = out.response as RawResponse;
      return out;
    },
    { step: 'deserialize', name: 'recordRawTraffic', priority: 'low' },
  );
  return last;
}

describe('objects', () => {
  let server: TestServer;
  let s3: S3Client;
  let bucket: string;

  before(async () => {
    server = await startTestServer();
    s3 = server.client;
    bucket = uniqueBucket('objects');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  after(async () => {
    await server?.stop();
  });

  describe('PUT / GET / HEAD round trip', () => {
    const sizes: Array<[string, number]> = [
      ['empty', 0],
      ['small', 37],
      ['1 MiB', 1024 * 1024],
      ['20 MiB', 20 * 1024 * 1024],
    ];
    for (const [label, size] of sizes) {
      it(`round-trips a ${label} random body byte for byte`, async () => {
        const key = `roundtrip/${label.replace(/\s/g, '')}`;
        const body = randomBytes(size);
        const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
        assert.equal(put.$metadata.httpStatusCode, 200);
        assert.equal(put.ETag, `"${md5hex(body)}"`);

        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        assert.equal(got.$metadata.httpStatusCode, 200);
        const bytes = await bodyBytes(got.Body);
        assert.equal(bytes.length, size);
        assert.equal(sha256(bytes), sha256(body));
        assert.equal(got.ContentLength, size);
        assert.equal(got.ETag, put.ETag);
        assert.ok(got.LastModified instanceof Date);

        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        assert.equal(head.$metadata.httpStatusCode, 200);
        assert.equal(head.ContentLength, size);
        assert.equal(head.ETag, put.ETag);
        assert.equal(head.LastModified?.getTime(), got.LastModified?.getTime());
      });
    }

    it('overwrites an existing key (unversioned bucket): the last write wins', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'overwrite', Body: 'first' }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'overwrite', Body: 'second, longer' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'overwrite' }));
      assert.equal(await bodyText(got.Body), 'second, longer');
      assert.equal(got.ETag, `"${md5hex('second, longer')}"`);
    });

    it('concurrent PUTs of one key leave exactly one of the bodies, intact', async () => {
      const key = 'race/same-key';
      const bodies = Array.from({ length: 12 }, () => randomBytes(256 * 1024 + Math.floor(Math.random() * 1024)));
      await Promise.all(bodies.map((Body) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body }))));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = await bodyBytes(got.Body);
      const winner = bodies.find((b) => sha256(b) === sha256(bytes));
      assert.ok(winner, 'the stored bytes are exactly one of the uploaded bodies');
      assert.equal(got.ETag, `"${md5hex(winner)}"`, 'the ETag belongs to the stored body');
      assert.equal(got.ContentLength, winner.length);
    });

    it('a reader that started before an overwrite and a delete still receives the old bytes intact', async () => {
      const key = 'race/read-during-overwrite';
      const old = randomBytes(16 * 1024 * 1024);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: old }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const stream = got.Body as AsyncIterable<Uint8Array>;
      const parts: Buffer[] = [];
      let replaced = false;
      for await (const chunk of stream) {
        parts.push(Buffer.from(chunk));
        if (!replaced) {
          replaced = true;
          await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: randomBytes(1024) }));
          await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
          // Give any background blob cleanup a chance to run while the read is in flight.
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      const bytes = Buffer.concat(parts);
      assert.equal(bytes.length, old.length);
      assert.equal(sha256(bytes), sha256(old));
    });

    it('answers AcceptRanges: bytes on GET', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'accept-ranges', Body: 'abc' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'accept-ranges' }));
      await bodyBytes(got.Body);
      assert.equal(got.AcceptRanges, 'bytes');
    });
  });

  describe('metadata and stored headers', () => {
    it('stores user metadata and returns it with lower-cased names and values unchanged', async () => {
      const key = 'meta/user';
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: 'm',
          Metadata: { Color: 'Blue', 'Multi-Word-Key': 'Value With Spaces', lower: 'x' },
        }),
      );
      const expected = { color: 'Blue', 'multi-word-key': 'Value With Spaces', lower: 'x' };
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      assert.deepEqual(head.Metadata, expected);
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      await bodyBytes(got.Body);
      assert.deepEqual(got.Metadata, expected);
    });

    it('stores and returns Content-Type/Encoding/Disposition/Language, Cache-Control and Expires', async () => {
      const key = 'meta/headers.txt.gz';
      const body = gzipSync(Buffer.from('hello compressed world'.repeat(20)));
      const expires = new Date('2031-05-01T12:00:00Z');
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: body,
          ContentType: 'text/plain; charset=utf-8',
          ContentEncoding: 'gzip',
          ContentDisposition: 'attachment; filename="report.txt"',
          ContentLanguage: 'de-DE',
          CacheControl: 'max-age=3600, must-revalidate',
          Expires: expires,
        }),
      );
      for (const out of [
        await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
        await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
      ]) {
        assert.equal(out.ContentType, 'text/plain; charset=utf-8');
        assert.equal(out.ContentEncoding, 'gzip');
        assert.equal(out.ContentDisposition, 'attachment; filename="report.txt"');
        assert.equal(out.ContentLanguage, 'de-DE');
        assert.equal(out.CacheControl, 'max-age=3600, must-revalidate');
        assert.equal(out.Expires?.getTime(), expires.getTime());
        assert.equal(out.ContentLength, body.length);
        if ('Body' in out) {
          // Stored as sent: the bytes are the gzip stream, not decompressed.
          assert.equal(sha256(await bodyBytes(out.Body)), sha256(body));
        }
      }
    });

    it("defaults Content-Type to binary/octet-stream when the request has none", async () => {
      // The SDK always sends a Content-Type, so strip it before signing.
      const raw = server.makeClient();
      raw.middlewareStack.add(
        (next) => async (args) => {
          const req = args.request as { headers: Record<string, string> };
          for (const h of Object.keys(req.headers)) if (h.toLowerCase() === 'content-type') delete req.headers[h];
          return next(args);
        },
        { step: 'build', name: 'dropContentType' },
      );
      const traffic = recordTraffic(raw);
      try {
        await raw.send(new PutObjectCommand({ Bucket: bucket, Key: 'meta/no-type', Body: 'abc' }));
        assert.ok(!Object.keys(traffic.request?.headers ?? {}).some((h) => h.toLowerCase() === 'content-type'), 'request really had no Content-Type');
      } finally {
        raw.destroy();
      }
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'meta/no-type' }));
      assert.equal(head.ContentType, 'binary/octet-stream');
    });

    it('rejects user metadata over 2 KB with 400 MetadataTooLarge, and accepts exactly 2 KB', async () => {
      // AWS measures the sum of the UTF-8 bytes of each key and value: "k" + 2047 bytes = 2048.
      const ok = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'meta/2k', Body: 'x', Metadata: { k: 'v'.repeat(2047) } }));
      assert.equal(ok.$metadata.httpStatusCode, 200);
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'meta/2k' }));
      assert.equal(head.Metadata?.k, 'v'.repeat(2047));

      const err = await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'meta/too-big', Body: 'x', Metadata: { k: 'v'.repeat(2048) } })));
      assert.deepEqual(err, { code: 'MetadataTooLarge', status: 400 });
      const err2 = await errorStatus(
        s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'meta/too-big', Body: 'x', Metadata: { a: 'v'.repeat(1100), b: 'w'.repeat(1100) } })),
      );
      assert.deepEqual(err2, { code: 'MetadataTooLarge', status: 400 });
      assert.deepEqual(await errorStatus(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'meta/too-big' }))), { code: 'NotFound', status: 404 });
    });
  });

  describe('Range GET', () => {
    const key = 'range/100';
    const body = randomBytes(100);
    before(async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    });

    const cases: Array<[string, number, number]> = [
      ['bytes=0-9', 0, 9],
      ['bytes=10-', 10, 99],
      ['bytes=-5', 95, 99],
      ['bytes=90-200', 90, 99], // the end past the object clamps to the last byte
      ['bytes=99-99', 99, 99],
      ['bytes=-500', 0, 99], // a suffix longer than the object is the whole object
    ];
    for (const [range, start, end] of cases) {
      it(`${range} → 206 bytes ${start}-${end}/100`, async () => {
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range }));
        assert.equal(got.$metadata.httpStatusCode, 206);
        assert.equal(got.ContentRange, `bytes ${start}-${end}/100`);
        assert.equal(got.ContentLength, end - start + 1);
        const bytes = await bodyBytes(got.Body);
        assert.deepEqual(bytes, body.subarray(start, end + 1));
      });
    }

    it('a start at or beyond the size → 416 InvalidRange', async () => {
      assert.deepEqual(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: 'bytes=100-110' }))), { code: 'InvalidRange', status: 416 });
      assert.deepEqual(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: 'bytes=500-' }))), { code: 'InvalidRange', status: 416 });
    });

    it('HeadObject honours Range too (206 with Content-Range)', async () => {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, Range: 'bytes=0-9' }));
      assert.equal(head.$metadata.httpStatusCode, 206);
      assert.equal(head.ContentRange, 'bytes 0-9/100');
      assert.equal(head.ContentLength, 10);
    });

    it('ranges of a 20 MiB object return the right slices', async () => {
      const big = randomBytes(20 * 1024 * 1024);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'range/big', Body: big }));
      const start = 7 * 1024 * 1024 + 13;
      const end = 13 * 1024 * 1024 + 7;
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'range/big', Range: `bytes=${start}-${end}` }));
      assert.equal(got.ContentRange, `bytes ${start}-${end}/${big.length}`);
      assert.equal(sha256(await bodyBytes(got.Body)), sha256(big.subarray(start, end + 1)));
    });
  });

  describe('conditional GET', () => {
    const key = 'cond/get';
    let etag: string;
    let lastModified: Date;
    const past = new Date(Date.now() - 24 * 3600 * 1000);
    const future = new Date(Date.now() + 24 * 3600 * 1000);

    before(async () => {
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'conditional body' }));
      etag = put.ETag ?? '';
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      lastModified = head.LastModified ?? new Date(0);
    });

    it('If-Match with the current ETag → 200', async () => {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: etag }));
      assert.equal(await bodyText(got.Body), 'conditional body');
    });

    it('If-Match mismatch → 412 PreconditionFailed', async () => {
      assert.deepEqual(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: '"0123456789abcdef0123456789abcdef"' }))), {
        code: 'PreconditionFailed',
        status: 412,
      });
    });

    it('If-None-Match with the current ETag → 304', async () => {
      const err = await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfNoneMatch: etag })));
      assert.equal(err.status, 304);
    });

    it('If-None-Match with another ETag → 200', async () => {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfNoneMatch: '"0123456789abcdef0123456789abcdef"' }));
      assert.equal(await bodyText(got.Body), 'conditional body');
    });

    it('If-Modified-Since in the future → 304', async () => {
      assert.equal((await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfModifiedSince: future })))).status, 304);
    });

    it('If-Modified-Since equal to Last-Modified → 304', async () => {
      assert.equal((await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfModifiedSince: lastModified })))).status, 304);
    });

    it('If-Modified-Since in the past → 200', async () => {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfModifiedSince: past }));
      assert.equal(await bodyText(got.Body), 'conditional body');
    });

    it('If-Unmodified-Since in the past → 412 PreconditionFailed', async () => {
      assert.deepEqual(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfUnmodifiedSince: past }))), {
        code: 'PreconditionFailed',
        status: 412,
      });
    });

    it('If-Unmodified-Since in the future → 200', async () => {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfUnmodifiedSince: future }));
      assert.equal(await bodyText(got.Body), 'conditional body');
    });

    it('If-Match true takes precedence over If-Unmodified-Since false → 200', async () => {
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: etag, IfUnmodifiedSince: past }));
      assert.equal(await bodyText(got.Body), 'conditional body');
    });

    it('If-None-Match false with If-Modified-Since true → 304', async () => {
      assert.equal((await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfNoneMatch: etag, IfModifiedSince: past })))).status, 304);
    });

    it('HeadObject evaluates the same conditions (412 / 304)', async () => {
      assert.equal((await errorStatus(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, IfMatch: '"nope"' })))).status, 412);
      assert.equal((await errorStatus(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, IfNoneMatch: etag })))).status, 304);
      const ok = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, IfMatch: etag }));
      assert.equal(ok.$metadata.httpStatusCode, 200);
    });
  });

  describe('response-* overrides', () => {
    it('GetObject response-content-type / -disposition / -cache-control / -language / -encoding / -expires override the stored headers', async () => {
      const key = 'override/doc';
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'override me', ContentType: 'text/plain', ContentDisposition: 'inline' }));
      const expires = new Date('2030-01-02T03:04:05Z');
      const got = await s3.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ResponseContentType: 'application/x-override',
          ResponseContentDisposition: 'attachment; filename="download.bin"',
          ResponseCacheControl: 'no-cache',
          ResponseContentLanguage: 'fr',
          ResponseContentEncoding: 'identity',
          ResponseExpires: expires,
        }),
      );
      assert.equal(await bodyText(got.Body), 'override me');
      assert.equal(got.ContentType, 'application/x-override');
      assert.equal(got.ContentDisposition, 'attachment; filename="download.bin"');
      assert.equal(got.CacheControl, 'no-cache');
      assert.equal(got.ContentLanguage, 'fr');
      assert.equal(got.ContentEncoding, 'identity');
      assert.equal(got.Expires?.getTime(), expires.getTime());
      // The override does not change what is stored.
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(head.ContentType, 'text/plain');
      assert.equal(head.ContentDisposition, 'inline');
    });
  });

  describe('missing objects', () => {
    it('HeadObject on a missing key → 404 NotFound', async () => {
      assert.deepEqual(await errorStatus(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'missing/head' }))), { code: 'NotFound', status: 404 });
    });

    it('GetObject on a missing key → 404 NoSuchKey', async () => {
      assert.deepEqual(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing/get' }))), { code: 'NoSuchKey', status: 404 });
    });

    it('GetObject in a missing bucket → 404 NoSuchBucket', async () => {
      assert.deepEqual(await errorStatus(s3.send(new GetObjectCommand({ Bucket: uniqueBucket('nobucket'), Key: 'k' }))), { code: 'NoSuchBucket', status: 404 });
    });

    it('PutObject in a missing bucket → 404 NoSuchBucket', async () => {
      assert.deepEqual(await errorStatus(s3.send(new PutObjectCommand({ Bucket: uniqueBucket('nobucket'), Key: 'k', Body: 'x' }))), {
        code: 'NoSuchBucket',
        status: 404,
      });
    });
  });

  describe('DeleteObject', () => {
    it('deletes an object (204), after which GET is NoSuchKey', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'del/one', Body: 'x' }));
      const out = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'del/one' }));
      assert.equal(out.$metadata.httpStatusCode, 204);
      assert.deepEqual(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'del/one' }))), { code: 'NoSuchKey', status: 404 });
    });

    it('a missing key → 204 success', async () => {
      const out = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'del/never-existed' }));
      assert.equal(out.$metadata.httpStatusCode, 204);
    });

    it('in a missing bucket → 404 NoSuchBucket', async () => {
      assert.deepEqual(await errorStatus(s3.send(new DeleteObjectCommand({ Bucket: uniqueBucket('nobucket'), Key: 'k' }))), { code: 'NoSuchBucket', status: 404 });
    });
  });

  describe('DeleteObjects', () => {
    it('deletes a mix of existing and missing keys, reporting all as Deleted', async () => {
      const existing = ['batch/a', 'batch/b', 'batch/with space & <xml> "chars"', 'batch/ü😀'];
      for (const k of existing) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'batch/keep', Body: 'keep' }));
      const keys = [...existing, 'batch/missing-1', 'batch/missing-2'];
      const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.deepEqual(out.Errors ?? [], []);
      assert.deepEqual((out.Deleted ?? []).map((d) => d.Key).sort(), [...keys].sort());
      for (const k of existing) {
        assert.deepEqual(await errorStatus(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: k }))), { code: 'NotFound', status: 404 }, k);
      }
      const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'batch/' }));
      assert.deepEqual((list.Contents ?? []).map((c) => c.Key), ['batch/keep']);
    });

    it('Quiet mode deletes and reports no successes', async () => {
      const keys = ['quiet/1', 'quiet/2', 'quiet/3'];
      for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
      const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Quiet: true, Objects: [...keys, 'quiet/missing'].map((Key) => ({ Key })) } }));
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.deepEqual(out.Deleted ?? [], []);
      assert.deepEqual(out.Errors ?? [], []);
      const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'quiet/' }));
      assert.equal(list.KeyCount, 0);
    });

    it('1001 keys → 400 MalformedXML and nothing deleted', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'toomany/0', Body: 'x' }));
      const objects = Array.from({ length: 1001 }, (_, i) => ({ Key: `toomany/${i}` }));
      const err = await errorStatus(s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects } })));
      assert.deepEqual(err, { code: 'MalformedXML', status: 400 });
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'toomany/0' }));
      assert.equal(head.$metadata.httpStatusCode, 200);
    });

    it('exactly 1000 keys are accepted', async () => {
      const keys = Array.from({ length: 1000 }, (_, i) => `thousand/${String(i).padStart(4, '0')}`);
      await pool(keys.slice(0, 50), 16, async (k) => {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
      });
      const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
      assert.equal(out.Deleted?.length, 1000);
      assert.deepEqual(out.Errors ?? [], []);
      const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'thousand/' }));
      assert.equal(list.KeyCount, 0);
    });

    it('in a missing bucket → 404 NoSuchBucket', async () => {
      assert.deepEqual(await errorStatus(s3.send(new DeleteObjectsCommand({ Bucket: uniqueBucket('nobucket'), Delete: { Objects: [{ Key: 'a' }] } }))), {
        code: 'NoSuchBucket',
        status: 404,
      });
    });
  });

  describe('CopyObject', () => {
    const src = 'copy/source.txt';
    const srcBody = 'copy source body';
    let srcEtag: string;

    before(async () => {
      const put = await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: src,
          Body: srcBody,
          ContentType: 'text/x-source',
          CacheControl: 'max-age=10',
          Metadata: { origin: 'source', shared: 'one' },
        }),
      );
      srcEtag = put.ETag ?? '';
    });

    it('MetadataDirective COPY (default) keeps body, metadata and content headers', async () => {
      const out = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/dst-copy', CopySource: `${bucket}/${src}` }));
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.equal(out.CopyObjectResult?.ETag, srcEtag);
      assert.ok(out.CopyObjectResult?.LastModified instanceof Date);
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy/dst-copy' }));
      assert.equal(await bodyText(got.Body), srcBody);
      assert.deepEqual(got.Metadata, { origin: 'source', shared: 'one' });
      assert.equal(got.ContentType, 'text/x-source');
      assert.equal(got.CacheControl, 'max-age=10');
      assert.equal(got.ETag, srcEtag);
    });

    it('MetadataDirective REPLACE replaces metadata and content headers', async () => {
      await s3.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: 'copy/dst-replace',
          CopySource: `${bucket}/${src}`,
          MetadataDirective: 'REPLACE',
          ContentType: 'application/json',
          Metadata: { fresh: 'yes' },
        }),
      );
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy/dst-replace' }));
      assert.equal(await bodyText(got.Body), srcBody);
      assert.deepEqual(got.Metadata, { fresh: 'yes' });
      assert.equal(got.ContentType, 'application/json');
      assert.equal(got.CacheControl, undefined);
      // The source is unchanged.
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: src }));
      assert.deepEqual(head.Metadata, { origin: 'source', shared: 'one' });
      assert.equal(head.ContentType, 'text/x-source');
    });

    it('copies across buckets', async () => {
      const other = uniqueBucket('copydst');
      await s3.send(new CreateBucketCommand({ Bucket: other }));
      await s3.send(new CopyObjectCommand({ Bucket: other, Key: 'moved', CopySource: `${bucket}/${src}` }));
      const got = await s3.send(new GetObjectCommand({ Bucket: other, Key: 'moved' }));
      assert.equal(await bodyText(got.Body), srcBody);
    });

    it('copies a 20 MiB object byte for byte', async () => {
      const big = randomBytes(20 * 1024 * 1024);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy/big-src', Body: big }));
      const out = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/big-dst', CopySource: `${bucket}/copy/big-src` }));
      assert.equal(out.CopyObjectResult?.ETag, `"${md5hex(big)}"`);
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy/big-dst' }));
      assert.equal(sha256(await bodyBytes(got.Body)), sha256(big));
    });

    it('copies from a source key with special characters (URL-encoded CopySource)', async () => {
      const odd = 'copy/odd key+plus%percent ü 😀?#.txt';
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: odd, Body: 'odd source' }));
      await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/odd-dst', CopySource: `${bucket}/${encodeURIComponent(odd)}` }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy/odd-dst' }));
      assert.equal(await bodyText(got.Body), 'odd source');
    });

    it('copy onto itself without REPLACE → 400 InvalidRequest', async () => {
      assert.deepEqual(await errorStatus(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: src, CopySource: `${bucket}/${src}` }))), {
        code: 'InvalidRequest',
        status: 400,
      });
    });

    it('copy onto itself with REPLACE updates the metadata and keeps the body', async () => {
      const key = 'copy/self';
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'self body', Metadata: { v: '1' } }));
      await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: key, CopySource: `${bucket}/${key}`, MetadataDirective: 'REPLACE', Metadata: { v: '2' }, ContentType: 'text/plain' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(await bodyText(got.Body), 'self body');
      assert.deepEqual(got.Metadata, { v: '2' });
      assert.equal(got.ContentType, 'text/plain');
    });

    it('CopySourceIfMatch mismatch → 412 PreconditionFailed; match → copied', async () => {
      assert.deepEqual(
        await errorStatus(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/cond', CopySource: `${bucket}/${src}`, CopySourceIfMatch: '"0123456789abcdef0123456789abcdef"' }))),
        { code: 'PreconditionFailed', status: 412 },
      );
      assert.deepEqual(await errorStatus(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'copy/cond' }))), { code: 'NotFound', status: 404 });
      await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/cond', CopySource: `${bucket}/${src}`, CopySourceIfMatch: srcEtag }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copy/cond' }));
      assert.equal(await bodyText(got.Body), srcBody);
    });

    it('CopySourceIfNoneMatch with the source ETag → 412 PreconditionFailed', async () => {
      assert.deepEqual(
        await errorStatus(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/cond2', CopySource: `${bucket}/${src}`, CopySourceIfNoneMatch: srcEtag }))),
        { code: 'PreconditionFailed', status: 412 },
      );
    });

    it('a missing source key → 404 NoSuchKey', async () => {
      assert.deepEqual(await errorStatus(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/x', CopySource: `${bucket}/copy/does-not-exist` }))), {
        code: 'NoSuchKey',
        status: 404,
      });
    });

    it('a missing source bucket → 404 NoSuchBucket', async () => {
      assert.deepEqual(await errorStatus(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/x', CopySource: `${uniqueBucket('nosrc')}/anything` }))), {
        code: 'NoSuchBucket',
        status: 404,
      });
    });

    it('a missing destination bucket → 404 NoSuchBucket', async () => {
      assert.deepEqual(await errorStatus(s3.send(new CopyObjectCommand({ Bucket: uniqueBucket('nodst'), Key: 'x', CopySource: `${bucket}/${src}` }))), {
        code: 'NoSuchBucket',
        status: 404,
      });
    });
  });

  describe('conditional writes', () => {
    it("PutObject If-None-Match '*' on an existing key → 412 PreconditionFailed, object unchanged", async () => {
      const key = 'condput/exists';
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'original' }));
      assert.deepEqual(await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'clobber', IfNoneMatch: '*' }))), {
        code: 'PreconditionFailed',
        status: 412,
      });
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(await bodyText(got.Body), 'original');
    });

    it("PutObject If-None-Match '*' on a new key succeeds", async () => {
      const key = 'condput/new';
      const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'created', IfNoneMatch: '*' }));
      assert.equal(out.$metadata.httpStatusCode, 200);
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(await bodyText(got.Body), 'created');
    });

    it("PutObject If-None-Match '*' on a key that was deleted succeeds", async () => {
      const key = 'condput/deleted';
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'old' }));
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'again', IfNoneMatch: '*' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(await bodyText(got.Body), 'again');
    });

    it('PutObject If-Match with the current ETag succeeds; with a wrong ETag → 412, object unchanged', async () => {
      const key = 'condput/match';
      const first = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'v1' }));
      const second = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'v2', IfMatch: first.ETag }));
      assert.equal(second.ETag, `"${md5hex('v2')}"`);
      // first.ETag is now stale.
      assert.deepEqual(await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'v3', IfMatch: first.ETag }))), {
        code: 'PreconditionFailed',
        status: 412,
      });
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(await bodyText(got.Body), 'v2');
    });
  });

  describe('keys', () => {
    const oddKeys = [
      'with space',
      'plus+sign',
      'percent%literal and %20 encoded-looking',
      'hash#fragment',
      'question?mark=query&x=y',
      'ü/日本/😀',
      '../../etc/passwd',
      '//double//slashes',
      'a/./b/../c',
      'trailing/',
      "quotes'\"<tag>&amp;",
      'tilde~star*paren()!semicolon;comma,colon:at@dollar$',
      'tab\tseparated',
      'back\\slash',
      '%2F',
    ];
    for (const key of oddKeys) {
      it(`round-trips the key ${JSON.stringify(key)} exactly`, async () => {
        const body = Buffer.from(`body of ${key}`);
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        assert.deepEqual(await bodyBytes(got.Body), body);
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        assert.equal(head.ContentLength, body.length);
        const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key }));
        assert.ok((list.Contents ?? []).some((c) => c.Key === key), `listing with Prefix=${JSON.stringify(key)} should contain the key; got ${JSON.stringify(list.Contents?.map((c) => c.Key))}`);
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
        assert.deepEqual(await errorStatus(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))), { code: 'NotFound', status: 404 });
      });
    }

    it('keeps look-alike keys distinct ("a b", "a+b", "a%20b", "a%2Bb")', async () => {
      const keys = ['look/a b', 'look/a+b', 'look/a%20b', 'look/a%2Bb'];
      for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
      for (const k of keys) {
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: k }));
        assert.equal(await bodyText(got.Body), k);
      }
      const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'look/' }));
      assert.deepEqual(
        (list.Contents ?? []).map((c) => c.Key),
        [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
      );
    });

    it('does not normalise path segments: "x/../y" and "y" are different objects', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'norm/x/../y', Body: 'dotted' }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'norm/y', Body: 'plain' }));
      assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'norm/x/../y' }))).Body), 'dotted');
      assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'norm/y' }))).Body), 'plain');
    });

    it('a key of exactly 1024 bytes works (ASCII and multi-byte)', async () => {
      for (const key of ['k'.repeat(1024), 'é'.repeat(512)]) {
        assert.equal(Buffer.byteLength(key), 1024);
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'long key' }));
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        assert.equal(await bodyText(got.Body), 'long key');
        const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key.slice(0, 10) }));
        assert.ok((list.Contents ?? []).some((c) => c.Key === key));
      }
    });

    it('a key of 1025 bytes → 400 KeyTooLongError (ASCII and multi-byte)', async () => {
      for (const key of ['k'.repeat(1025), 'é'.repeat(512) + 'x']) {
        assert.equal(Buffer.byteLength(key), 1025);
        assert.deepEqual(await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }))), { code: 'KeyTooLongError', status: 400 });
      }
    });
  });

  describe('ETag and Content-MD5', () => {
    it('the ETag of a single PUT is the quoted MD5 hex of the body', async () => {
      const body = randomBytes(4096);
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'etag/single', Body: body }));
      assert.match(put.ETag ?? '', /^"[0-9a-f]{32}"$/);
      assert.equal(put.ETag, `"${md5hex(body)}"`);
      const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'etag/single' }));
      assert.equal(list.Contents?.[0]?.ETag, put.ETag);
      assert.equal(list.Contents?.[0]?.Size, 4096);
    });

    it('a correct Content-MD5 is accepted', async () => {
      const body = 'md5 checked body';
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'md5/ok', Body: body, ContentMD5: md5b64(body) }));
      assert.equal(put.ETag, `"${md5hex(body)}"`);
    });

    it('a wrong Content-MD5 → 400 BadDigest and the previous object is unchanged', async () => {
      const key = 'md5/bad';
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'previous' }));
      const err = await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'replacement', ContentMD5: md5b64('something else') })));
      assert.deepEqual(err, { code: 'BadDigest', status: 400 });
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(await bodyText(got.Body), 'previous');
      assert.equal(got.ETag, `"${md5hex('previous')}"`);
    });

    it('a wrong Content-MD5 on a new key creates nothing', async () => {
      const key = 'md5/bad-new';
      assert.deepEqual(await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'data', ContentMD5: md5b64('other') }))), {
        code: 'BadDigest',
        status: 400,
      });
      assert.deepEqual(await errorStatus(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))), { code: 'NotFound', status: 404 });
    });

    it('a Content-MD5 that is not the base64 of 16 bytes → 400 InvalidDigest', async () => {
      assert.deepEqual(await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'md5/invalid', Body: 'data', ContentMD5: 'bm90IGFuIG1kNQ==' }))), {
        code: 'InvalidDigest',
        status: 400,
      });
    });
  });

  describe('streaming uploads and additional checksums', () => {
    it('a stream body (aws-chunked with a trailing checksum) round-trips and is not stored as aws-chunked', async () => {
      const body = randomBytes(3 * 1024 * 1024 + 17);
      const spy = server.makeClient();
      const traffic = recordTraffic(spy);
      try {
        const chunks = [body.subarray(0, 1000), body.subarray(1000, 2 * 1024 * 1024), body.subarray(2 * 1024 * 1024)];
        const put = await spy.send(new PutObjectCommand({ Bucket: bucket, Key: 'stream/chunked', Body: Readable.from(chunks), ContentLength: body.length }));
        assert.equal(put.ETag, `"${md5hex(body)}"`);
        const sent = traffic.request?.headers ?? {};
        // Make sure this really exercised the aws-chunked path.
        assert.match(sent['content-encoding'] ?? '', /aws-chunked/, `request headers: ${JSON.stringify(sent)}`);
      } finally {
        spy.destroy();
      }
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'stream/chunked' }));
      assert.equal(sha256(await bodyBytes(got.Body)), sha256(body));
      assert.equal(got.ContentLength, body.length);
      assert.equal(got.ContentEncoding, undefined, 'aws-chunked is a transfer detail, not a stored Content-Encoding');
    });

    it('ChecksumAlgorithm SHA256 is verified, returned, and reported by HEAD with ChecksumMode ENABLED', async () => {
      const body = randomBytes(64 * 1024);
      const expected = createHash('sha256').update(body).digest('base64');
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'checksum/sha256', Body: body, ChecksumAlgorithm: 'SHA256' }));
      assert.equal(put.ChecksumSHA256, expected);
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'checksum/sha256', ChecksumMode: 'ENABLED' }));
      assert.equal(head.ChecksumSHA256, expected);
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'checksum/sha256', ChecksumMode: 'ENABLED' }));
      assert.equal(sha256(await bodyBytes(got.Body)), sha256(body));
      assert.equal(got.ChecksumSHA256, expected);
    });

    it('a wrong x-amz-checksum-crc32 → 400 BadDigest and nothing stored', async () => {
      const err = await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'checksum/bad', Body: 'some data', ChecksumCRC32: 'AAAAAA==' })));
      assert.deepEqual(err, { code: 'BadDigest', status: 400 });
      assert.deepEqual(await errorStatus(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'checksum/bad' }))), { code: 'NotFound', status: 404 });
    });
  });

  describe('error responses carry S3 headers', () => {
    it('a NoSuchKey error has an x-amz-request-id', async () => {
      const err = await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing/with-headers' })));
      assert.equal(err.code, 'NoSuchKey');
      assert.ok(err.headers['x-amz-request-id'], 'x-amz-request-id header');
    });
  });
});
