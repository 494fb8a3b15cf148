/**
 * Object and bucket tagging and bucket CORS through the real AWS SDK (and, for CORS, plain
 * fetch() as a browser would send it) against a real in-process Sovra server.
 *
 * Expected behaviour follows the Amazon S3 API reference (PutObjectTagging,
 * GetObjectTagging, DeleteObjectTagging, PutObject x-amz-tagging, PutBucketCors,
 * GetBucketCors, DeleteBucketCors, OPTIONS object) and the S3 user guide on CORS.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  S3Client,
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCorsCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectTaggingCommand,
  GetBucketCorsCommand,
  GetBucketTaggingCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  PutBucketCorsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type CORSRule,
  type Tag,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { bodyText, errorStatus, startTestServer, uniqueBucket, type TestServer } from './harness.js';

const sortTags = (tags: Tag[] | undefined): Array<[string, string]> =>
  (tags ?? []).map((t): [string, string] => [t.Key ?? '', t.Value ?? '']).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

const tagSet = (n: number, prefix = 'k'): Tag[] => Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${i}`, Value: `v${i}` }));

/** A comma-separated header value as a lower-cased set. */
const headerList = (v: string | null): string[] => (v ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);

describe('tagging and CORS', () => {
  let server: TestServer;
  let s3: S3Client;
  let bucket: string;

  before(async () => {
    server = await startTestServer();
    s3 = server.client;
    bucket = uniqueBucket('tagcors');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });

  after(async () => {
    await server?.stop();
  });

  describe('object tagging', () => {
    it('Put / Get / DeleteObjectTagging round trip', async () => {
      const key = 'tags/basic';
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
      const empty = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
      assert.equal(empty.$metadata.httpStatusCode, 200);
      assert.deepEqual(empty.TagSet ?? [], []);

      const tags: Tag[] = [
        { Key: 'project', Value: 'sovra' },
        { Key: 'env', Value: 'test value with spaces' },
        { Key: 'chars', Value: 'a+b=c:d/e@f-g_h.i' },
        { Key: 'empty', Value: '' },
      ];
      const put = await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: tags } }));
      assert.equal(put.$metadata.httpStatusCode, 200);
      const got = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
      assert.deepEqual(sortTags(got.TagSet), sortTags(tags));

      // PutObjectTagging replaces the whole set.
      await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: [{ Key: 'only', Value: 'one' }] } }));
      assert.deepEqual(sortTags((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }))).TagSet), [['only', 'one']]);

      const del = await s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: key }));
      assert.equal(del.$metadata.httpStatusCode, 204);
      assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }))).TagSet ?? [], []);
      // The object itself is untouched.
      assert.equal(await bodyText((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body), 'x');
    });

    it('tags set with the x-amz-tagging header at PutObject are stored; GetObject reports TagCount', async () => {
      const key = 'tags/at-put';
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x', Tagging: 'project=sovra&env=test%20x&plus=a%2Bb' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      await bodyText(got.Body);
      assert.equal(got.TagCount, 3);
      const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
      assert.deepEqual(sortTags(tags.TagSet), [
        ['env', 'test x'],
        ['plus', 'a+b'],
        ['project', 'sovra'],
      ]);
    });

    it('an object without tags has no TagCount', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'tags/none', Body: 'x' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'tags/none' }));
      await bodyText(got.Body);
      assert.equal(got.TagCount, undefined);
    });

    it('10 tags are accepted', async () => {
      const key = 'tags/ten';
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
      await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: tagSet(10) } }));
      assert.equal((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }))).TagSet?.length, 10);
    });

    // AWS answers more than 10 object tags with 400 and the message "Object tags cannot be greater
    // than 10"; the code observed from AWS is BadRequest, while other tag-validation failures use
    // InvalidTag. Either code is accepted here; the status and the refusal are not negotiable.
    const TOO_MANY_CODES = ['BadRequest', 'InvalidTag'];

    it('more than 10 tags via PutObjectTagging → 400 (InvalidTag/BadRequest), tags unchanged', async () => {
      const key = 'tags/eleven';
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x', Tagging: 'keep=me' }));
      const err = await errorStatus(s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: tagSet(11) } })));
      assert.equal(err.status, 400);
      assert.ok(TOO_MANY_CODES.includes(err.code), `code ${err.code}`);
      assert.deepEqual(sortTags((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }))).TagSet), [['keep', 'me']]);
    });

    it('more than 10 tags via the PutObject header → 400 and no object is created', async () => {
      const key = 'tags/eleven-at-put';
      const header = tagSet(11).map((t) => `${t.Key}=${t.Value}`).join('&');
      const err = await errorStatus(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x', Tagging: header })));
      assert.equal(err.status, 400);
      assert.ok(TOO_MANY_CODES.includes(err.code), `code ${err.code}`);
      assert.deepEqual(await errorStatus(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))), { code: 'NotFound', status: 404 });
    });

    it('duplicate tag keys → 400 InvalidTag', async () => {
      const key = 'tags/dup';
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
      const err = await errorStatus(
        s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: [{ Key: 'same', Value: '1' }, { Key: 'same', Value: '2' }] } })),
      );
      assert.deepEqual(err, { code: 'InvalidTag', status: 400 });
    });

    it('a tag key over 128 characters or a value over 256 → 400 InvalidTag', async () => {
      const key = 'tags/long';
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
      assert.deepEqual(await errorStatus(s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: [{ Key: 'k'.repeat(129), Value: 'v' }] } }))), {
        code: 'InvalidTag',
        status: 400,
      });
      assert.deepEqual(await errorStatus(s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: [{ Key: 'k', Value: 'v'.repeat(257) }] } }))), {
        code: 'InvalidTag',
        status: 400,
      });
      // The limits themselves are fine.
      await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: [{ Key: 'k'.repeat(128), Value: 'v'.repeat(256) }] } }));
    });

    it('tagging a missing key → 404 NoSuchKey; in a missing bucket → 404 NoSuchBucket', async () => {
      assert.deepEqual(await errorStatus(s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tags/missing' }))), { code: 'NoSuchKey', status: 404 });
      assert.deepEqual(await errorStatus(s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'tags/missing', Tagging: { TagSet: tagSet(1) } }))), {
        code: 'NoSuchKey',
        status: 404,
      });
      assert.deepEqual(await errorStatus(s3.send(new GetObjectTaggingCommand({ Bucket: uniqueBucket('tags-nobucket'), Key: 'k' }))), {
        code: 'NoSuchBucket',
        status: 404,
      });
    });

    it('CopyObject copies tags by default and replaces them with TaggingDirective REPLACE', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'tags/copy-src', Body: 'x', Tagging: 'a=1&b=2' }));
      await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'tags/copy-dst1', CopySource: `${bucket}/tags/copy-src` }));
      assert.deepEqual(sortTags((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tags/copy-dst1' }))).TagSet), [
        ['a', '1'],
        ['b', '2'],
      ]);
      await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'tags/copy-dst2', CopySource: `${bucket}/tags/copy-src`, TaggingDirective: 'REPLACE', Tagging: 'c=3' }));
      assert.deepEqual(sortTags((await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'tags/copy-dst2' }))).TagSet), [['c', '3']]);
    });

    it('tags are per version in a versioned bucket', async () => {
      const vb = uniqueBucket('tags-ver');
      await s3.send(new CreateBucketCommand({ Bucket: vb }));
      await s3.send(new PutBucketVersioningCommand({ Bucket: vb, VersioningConfiguration: { Status: 'Enabled' } }));
      const v1 = await s3.send(new PutObjectCommand({ Bucket: vb, Key: 'k', Body: '1', Tagging: 'v=1' }));
      const v2 = await s3.send(new PutObjectCommand({ Bucket: vb, Key: 'k', Body: '2', Tagging: 'v=2' }));
      assert.ok(v1.VersionId && v2.VersionId && v1.VersionId !== v2.VersionId);

      const t1 = await s3.send(new GetObjectTaggingCommand({ Bucket: vb, Key: 'k', VersionId: v1.VersionId }));
      assert.equal(t1.VersionId, v1.VersionId);
      assert.deepEqual(sortTags(t1.TagSet), [['v', '1']]);
      const latest = await s3.send(new GetObjectTaggingCommand({ Bucket: vb, Key: 'k' }));
      assert.equal(latest.VersionId, v2.VersionId);
      assert.deepEqual(sortTags(latest.TagSet), [['v', '2']]);

      const put = await s3.send(new PutObjectTaggingCommand({ Bucket: vb, Key: 'k', VersionId: v1.VersionId, Tagging: { TagSet: [{ Key: 'changed', Value: 'yes' }] } }));
      assert.equal(put.VersionId, v1.VersionId);
      assert.deepEqual(sortTags((await s3.send(new GetObjectTaggingCommand({ Bucket: vb, Key: 'k', VersionId: v1.VersionId }))).TagSet), [['changed', 'yes']]);
      assert.deepEqual(sortTags((await s3.send(new GetObjectTaggingCommand({ Bucket: vb, Key: 'k', VersionId: v2.VersionId }))).TagSet), [['v', '2']]);

      const del = await s3.send(new DeleteObjectTaggingCommand({ Bucket: vb, Key: 'k', VersionId: v1.VersionId }));
      assert.equal(del.VersionId, v1.VersionId);
      assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: vb, Key: 'k', VersionId: v1.VersionId }))).TagSet ?? [], []);
      assert.deepEqual(sortTags((await s3.send(new GetObjectTaggingCommand({ Bucket: vb, Key: 'k', VersionId: v2.VersionId }))).TagSet), [['v', '2']]);

      const got = await s3.send(new GetObjectCommand({ Bucket: vb, Key: 'k', VersionId: v2.VersionId }));
      await bodyText(got.Body);
      assert.equal(got.TagCount, 1);
    });
  });

  describe('bucket tagging', () => {
    it('Get before any Put → 404 NoSuchTagSet; Put / Get round-trip; Put replaces; Delete removes', async () => {
      const b = uniqueBucket('btags');
      await s3.send(new CreateBucketCommand({ Bucket: b }));
      assert.deepEqual(await errorStatus(s3.send(new GetBucketTaggingCommand({ Bucket: b }))), { code: 'NoSuchTagSet', status: 404 });
      const put = await s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [{ Key: 'cost-centre', Value: 'R+D 7 / Köln' }, { Key: 'env', Value: '' }] } }));
      assert.equal(put.$metadata.httpStatusCode, 204);
      assert.deepEqual(sortTags((await s3.send(new GetBucketTaggingCommand({ Bucket: b }))).TagSet), [['cost-centre', 'R+D 7 / Köln'], ['env', '']]);
      await s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [{ Key: 'owner', Value: 'finance' }] } }));
      assert.deepEqual(sortTags((await s3.send(new GetBucketTaggingCommand({ Bucket: b }))).TagSet), [['owner', 'finance']]);
      const del = await s3.send(new DeleteBucketTaggingCommand({ Bucket: b }));
      assert.equal(del.$metadata.httpStatusCode, 204);
      assert.deepEqual(await errorStatus(s3.send(new GetBucketTaggingCommand({ Bucket: b }))), { code: 'NoSuchTagSet', status: 404 });
      // Bucket tags are the bucket's own: objects in it carry none.
      await s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: [{ Key: 'owner', Value: 'finance' }] } }));
      await s3.send(new PutObjectCommand({ Bucket: b, Key: 'o', Body: 'x' }));
      assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: b, Key: 'o' }))).TagSet, []);
    });

    it('up to 50 tags; 51, a duplicate key, an aws: key or a 129-character key → InvalidTag and the old set stays', async () => {
      const b = uniqueBucket('btags-lim');
      await s3.send(new CreateBucketCommand({ Bucket: b }));
      await s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet: tagSet(50) } }));
      assert.equal((await s3.send(new GetBucketTaggingCommand({ Bucket: b }))).TagSet?.length, 50);
      const refused = [
        tagSet(51),
        [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }],
        [{ Key: 'aws:createdBy', Value: 'me' }],
        [{ Key: 'k'.repeat(129), Value: 'v' }],
      ];
      for (const TagSet of refused) {
        assert.deepEqual(await errorStatus(s3.send(new PutBucketTaggingCommand({ Bucket: b, Tagging: { TagSet } }))), { code: 'InvalidTag', status: 400 });
      }
      assert.equal((await s3.send(new GetBucketTaggingCommand({ Bucket: b }))).TagSet?.length, 50);
      assert.deepEqual(await errorStatus(s3.send(new GetBucketTaggingCommand({ Bucket: uniqueBucket('btags-none') }))), { code: 'NoSuchBucket', status: 404 });
    });
  });

  describe('bucket CORS', () => {
    let corsBucket: string;
    const rules: CORSRule[] = [
      {
        ID: 'app',
        AllowedOrigins: ['https://app.example.com'],
        AllowedMethods: ['GET', 'PUT', 'HEAD'],
        AllowedHeaders: ['*'],
        ExposeHeaders: ['ETag', 'x-amz-request-id'],
        MaxAgeSeconds: 600,
      },
      { AllowedOrigins: ['https://*.example.org'], AllowedMethods: ['GET'], AllowedHeaders: ['x-custom-header'] },
      { AllowedOrigins: ['*'], AllowedMethods: ['HEAD'] },
    ];
    const canon = (r: CORSRule) => ({
      ID: r.ID ?? null,
      AllowedOrigins: r.AllowedOrigins ?? [],
      AllowedMethods: r.AllowedMethods ?? [],
      AllowedHeaders: r.AllowedHeaders ?? [],
      ExposeHeaders: r.ExposeHeaders ?? [],
      MaxAgeSeconds: r.MaxAgeSeconds ?? null,
    });

    const preflight = (path: string, headers: Record<string, string>): Promise<Response> =>
      fetch(`${server.url}/${path}`, { method: 'OPTIONS', headers });

    before(async () => {
      corsBucket = uniqueBucket('cors');
      await s3.send(new CreateBucketCommand({ Bucket: corsBucket }));
      await s3.send(new PutObjectCommand({ Bucket: corsBucket, Key: 'page.html', Body: '<h1>hi</h1>', ContentType: 'text/html' }));
    });

    it('GetBucketCors without a configuration → 404 NoSuchCORSConfiguration', async () => {
      assert.deepEqual(await errorStatus(s3.send(new GetBucketCorsCommand({ Bucket: corsBucket }))), { code: 'NoSuchCORSConfiguration', status: 404 });
    });

    it('a preflight to a bucket without CORS → 403', async () => {
      const res = await preflight(`${corsBucket}/page.html`, { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'GET' });
      await res.arrayBuffer();
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    });

    it('Put / GetBucketCors round-trips the rules', async () => {
      const put = await s3.send(new PutBucketCorsCommand({ Bucket: corsBucket, CORSConfiguration: { CORSRules: rules } }));
      assert.equal(put.$metadata.httpStatusCode, 200);
      const got = await s3.send(new GetBucketCorsCommand({ Bucket: corsBucket }));
      assert.deepEqual((got.CORSRules ?? []).map(canon), rules.map(canon));
    });

    it('an allowed preflight → 200 with the CORS response headers', async () => {
      const res = await preflight(`${corsBucket}/page.html`, {
        Origin: 'https://app.example.com',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'content-type, x-amz-meta-foo',
      });
      await res.arrayBuffer();
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example.com');
      assert.ok(headerList(res.headers.get('access-control-allow-methods')).includes('put'), `allow-methods: ${res.headers.get('access-control-allow-methods')}`);
      const allowHeaders = headerList(res.headers.get('access-control-allow-headers'));
      assert.ok(allowHeaders.includes('content-type') && allowHeaders.includes('x-amz-meta-foo'), `allow-headers: ${res.headers.get('access-control-allow-headers')}`);
      assert.equal(res.headers.get('access-control-max-age'), '600');
      assert.deepEqual(headerList(res.headers.get('access-control-expose-headers')), ['etag', 'x-amz-request-id']);
      assert.ok(headerList(res.headers.get('vary')).includes('origin'), `vary: ${res.headers.get('vary')}`);
    });

    it('a preflight to the bucket itself (no key) is evaluated too', async () => {
      const res = await preflight(corsBucket, { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'GET' });
      await res.arrayBuffer();
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example.com');
    });

    it('a disallowed origin → 403 without Access-Control-Allow-Origin', async () => {
      const res = await preflight(`${corsBucket}/page.html`, { Origin: 'https://evil.example.com', 'Access-Control-Request-Method': 'GET' });
      await res.arrayBuffer();
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    });

    it('an allowed origin with a disallowed method → 403', async () => {
      const res = await preflight(`${corsBucket}/page.html`, { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'DELETE' });
      await res.arrayBuffer();
      assert.equal(res.status, 403);
    });

    it('a wildcard-subdomain origin matches, and only the listed request headers are allowed', async () => {
      const ok = await preflight(`${corsBucket}/page.html`, {
        Origin: 'https://foo.example.org',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'X-Custom-Header',
      });
      await ok.arrayBuffer();
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('access-control-allow-origin'), 'https://foo.example.org');
      const bad = await preflight(`${corsBucket}/page.html`, {
        Origin: 'https://foo.example.org',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'x-other-header',
      });
      await bad.arrayBuffer();
      assert.equal(bad.status, 403);
    });

    it("a '*' origin rule answers any origin with Access-Control-Allow-Origin: *", async () => {
      const res = await preflight(`${corsBucket}/page.html`, { Origin: 'https://anyone.example.net', 'Access-Control-Request-Method': 'HEAD' });
      await res.arrayBuffer();
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
    });

    it('a preflight without Origin → 400', async () => {
      const res = await preflight(`${corsBucket}/page.html`, { 'Access-Control-Request-Method': 'GET' });
      await res.arrayBuffer();
      assert.equal(res.status, 400);
    });

    it('an actual GET with an allowed Origin carries Access-Control-Allow-Origin and Expose-Headers', async () => {
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: corsBucket, Key: 'page.html' }), { expiresIn: 300 });
      const res = await fetch(url, { headers: { Origin: 'https://app.example.com' } });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), '<h1>hi</h1>');
      assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example.com');
      assert.deepEqual(headerList(res.headers.get('access-control-expose-headers')), ['etag', 'x-amz-request-id']);
    });

    it('an actual GET with a disallowed Origin succeeds but carries no CORS headers', async () => {
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: corsBucket, Key: 'page.html' }), { expiresIn: 300 });
      const res = await fetch(url, { headers: { Origin: 'https://evil.example.com' } });
      assert.equal(res.status, 200);
      await res.text();
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    });

    it('an actual GET without Origin carries no CORS headers', async () => {
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: corsBucket, Key: 'page.html' }), { expiresIn: 300 });
      const res = await fetch(url);
      assert.equal(res.status, 200);
      await res.text();
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    });

    it('an unsupported method in a rule → 400 InvalidRequest, configuration unchanged', async () => {
      const err = await errorStatus(
        s3.send(new PutBucketCorsCommand({ Bucket: corsBucket, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['PATCH'] }] } })),
      );
      assert.deepEqual(err, { code: 'InvalidRequest', status: 400 });
      const got = await s3.send(new GetBucketCorsCommand({ Bucket: corsBucket }));
      assert.deepEqual((got.CORSRules ?? []).map(canon), rules.map(canon));
    });

    it('DeleteBucketCors removes the configuration; preflights are refused again', async () => {
      const del = await s3.send(new DeleteBucketCorsCommand({ Bucket: corsBucket }));
      assert.equal(del.$metadata.httpStatusCode, 204);
      assert.deepEqual(await errorStatus(s3.send(new GetBucketCorsCommand({ Bucket: corsBucket }))), { code: 'NoSuchCORSConfiguration', status: 404 });
      const res = await preflight(`${corsBucket}/page.html`, { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'GET' });
      await res.arrayBuffer();
      assert.equal(res.status, 403);
    });

    it('CORS calls on a missing bucket → 404 NoSuchBucket', async () => {
      const missing = uniqueBucket('cors-missing');
      assert.deepEqual(await errorStatus(s3.send(new GetBucketCorsCommand({ Bucket: missing }))), { code: 'NoSuchBucket', status: 404 });
      assert.deepEqual(await errorStatus(s3.send(new PutBucketCorsCommand({ Bucket: missing, CORSConfiguration: { CORSRules: rules } }))), {
        code: 'NoSuchBucket',
        status: 404,
      });
    });
  });
});
