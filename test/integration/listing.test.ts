/**
 * Object listing through the real AWS SDK against a real in-process Sovra
 * server: ListObjectsV2 and ListObjects (v1) with prefixes, delimiters,
 * pagination, start-after/marker, MaxKeys edge cases and URL encoding.
 *
 * Expected behaviour follows the Amazon S3 API reference (ListObjectsV2,
 * ListObjects): keys are returned in UTF-8 binary order; with a delimiter, each
 * CommonPrefix counts as one entry towards MaxKeys.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  S3Client,
  CreateBucketCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type ListObjectsCommandOutput,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { errorStatus, startTestServer, uniqueBucket, type TestServer, pool } from './harness.js';

const utf8Order = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const md5hex = (s: string): string => createHash('md5').update(s).digest('hex');
/** S3 `encoding-type=url` is form-style encoding (botocore decodes it with unquote_plus). */
const urlDecode = (s: string): string => decodeURIComponent(s.replace(/\+/g, '%20'));

/** Deterministic PRNG (mulberry32) so the key set is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}


const keysOf = (out: { Contents?: Array<{ Key?: string }> }): string[] => (out.Contents ?? []).map((c) => c.Key ?? '');
const prefixesOf = (out: { CommonPrefixes?: Array<{ Prefix?: string }> }): string[] => (out.CommonPrefixes ?? []).map((p) => p.Prefix ?? '');

/** The entries (keys and common prefixes) a delimiter listing should return, in order. */
function expectedDelimited(keys: readonly string[], delimiter: string, prefix = ''): { contents: string[]; prefixes: string[]; all: string[] } {
  const contents: string[] = [];
  const prefixes = new Set<string>();
  for (const k of keys) {
    if (!k.startsWith(prefix)) continue;
    const i = k.indexOf(delimiter, prefix.length);
    if (i === -1) contents.push(k);
    else prefixes.add(k.slice(0, i + delimiter.length));
  }
  const p = [...prefixes].sort(utf8Order);
  contents.sort(utf8Order);
  return { contents, prefixes: p, all: [...contents, ...p].sort(utf8Order) };
}

describe('listing', () => {
  let server: TestServer;
  let s3: S3Client;

  before(async () => {
    server = await startTestServer();
    s3 = server.client;
  });

  after(async () => {
    await server?.stop();
  });

  describe('prefix, delimiter, start-after (small bucket)', () => {
    let bucket: string;
    const keys = [
      'a.txt',
      'dir1/a',
      'dir1/b',
      'dir1/sub/c',
      'dir2/x',
      'dir2/y/z',
      'photos/2024/feb.jpg',
      'photos/2024/jan.jpg',
      'photos/2025/mar.jpg',
      'zzz',
    ];

    before(async () => {
      bucket = uniqueBucket('list-small');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      // Put in reverse so insertion order cannot pass for sort order.
      for (const k of [...keys].reverse()) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: `body:${k}` }));
    });

    it('lists every key in order with size, ETag, LastModified and storage class', async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.equal(out.Name, bucket);
      assert.deepEqual(keysOf(out), keys);
      assert.equal(out.KeyCount, keys.length);
      assert.equal(out.IsTruncated, false);
      assert.equal(out.NextContinuationToken, undefined);
      assert.equal(out.MaxKeys, 1000);
      for (const c of out.Contents ?? []) {
        assert.equal(c.Size, `body:${c.Key}`.length);
        assert.equal(c.ETag, `"${md5hex(`body:${c.Key}`)}"`);
        assert.ok(c.LastModified instanceof Date && Math.abs(c.LastModified.getTime() - Date.now()) < 5 * 60_000);
        assert.equal(c.StorageClass, 'STANDARD');
        assert.equal(c.Owner, undefined, 'V2 returns Owner only with FetchOwner=true');
      }
    });

    it('FetchOwner=true adds the owner to each entry', async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, FetchOwner: true, MaxKeys: 2 }));
      assert.equal(out.Contents?.length, 2);
      for (const c of out.Contents ?? []) assert.ok(c.Owner?.ID, 'Owner.ID');
    });

    it('Prefix filters keys', async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'dir1/' }));
      assert.deepEqual(keysOf(out), ['dir1/a', 'dir1/b', 'dir1/sub/c']);
      assert.equal(out.Prefix, 'dir1/');
      assert.equal(out.KeyCount, 3);
    });

    it('a Prefix that matches nothing returns an empty, untruncated page', async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'nothing-here/' }));
      assert.equal(out.KeyCount, 0);
      assert.equal(out.Contents, undefined);
      assert.equal(out.IsTruncated, false);
    });

    it("Delimiter '/' groups keys into CommonPrefixes; KeyCount counts both", async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/' }));
      assert.deepEqual(keysOf(out), ['a.txt', 'zzz']);
      assert.deepEqual(prefixesOf(out), ['dir1/', 'dir2/', 'photos/']);
      assert.equal(out.Delimiter, '/');
      assert.equal(out.KeyCount, 5);
      assert.equal(out.IsTruncated, false);
    });

    it('Prefix + Delimiter lists one "directory" level', async () => {
      const d1 = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'dir1/', Delimiter: '/' }));
      assert.deepEqual(keysOf(d1), ['dir1/a', 'dir1/b']);
      assert.deepEqual(prefixesOf(d1), ['dir1/sub/']);
      const photos = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'photos/', Delimiter: '/' }));
      assert.deepEqual(keysOf(photos), []);
      assert.deepEqual(prefixesOf(photos), ['photos/2024/', 'photos/2025/']);
      const year = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'photos/2024/', Delimiter: '/' }));
      assert.deepEqual(keysOf(year), ['photos/2024/feb.jpg', 'photos/2024/jan.jpg']);
      assert.deepEqual(prefixesOf(year), []);
      // A prefix without the trailing delimiter groups at the next delimiter.
      const partial = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'dir', Delimiter: '/' }));
      assert.deepEqual(keysOf(partial), []);
      assert.deepEqual(prefixesOf(partial), ['dir1/', 'dir2/']);
    });

    it('MaxKeys=1 with a delimiter pages through keys and prefixes one entry at a time', async () => {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const out: ListObjectsV2CommandOutput = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/', MaxKeys: 1, ContinuationToken: token }));
        pages += 1;
        assert.equal(out.KeyCount, 1, `page ${pages}`);
        seen.push(...keysOf(out), ...prefixesOf(out));
        if (out.IsTruncated) assert.ok(out.NextContinuationToken, 'truncated pages carry a NextContinuationToken');
        else assert.equal(out.NextContinuationToken, undefined);
        if (token !== undefined) assert.equal(out.ContinuationToken, token, 'the token is echoed');
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
        assert.ok(pages <= 10, 'pagination does not terminate');
      } while (token);
      assert.deepEqual(seen, ['a.txt', 'dir1/', 'dir2/', 'photos/', 'zzz']);
      assert.equal(pages, 5);
    });

    it('StartAfter skips keys up to and including the given one, existing or not', async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: 'dir1/b' }));
      assert.deepEqual(keysOf(out), keys.slice(keys.indexOf('dir1/b') + 1));
      assert.equal(out.StartAfter, 'dir1/b');
      const between = await s3.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: 'dir1/aa' }));
      assert.deepEqual(keysOf(between), keys.slice(keys.indexOf('dir1/b')));
      const last = await s3.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: 'zzz' }));
      assert.equal(last.KeyCount, 0);
      const withPrefix = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'photos/', StartAfter: 'photos/2024/jan.jpg' }));
      assert.deepEqual(keysOf(withPrefix), ['photos/2025/mar.jpg']);
    });

    it('StartAfter inside a common prefix skips that prefix, as AWS does', async () => {
      // Recorded against AWS (localstack's validated snapshot
      // test_list_objects_marker_common_prefixes): with a marker inside "folder/aSubfolder/" and
      // keys still left under it, S3 does not report that common prefix again. This is what
      // makes NextMarker = <common prefix> pagination terminate.
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/', StartAfter: 'dir1/b' }));
      assert.deepEqual(prefixesOf(out), ['dir2/', 'photos/']);
      assert.deepEqual(keysOf(out), ['zzz']);
      const v1 = await s3.send(new ListObjectsCommand({ Bucket: bucket, Prefix: 'photos/', Delimiter: '/', Marker: 'photos/2024/feb.jpg' }));
      assert.deepEqual(prefixesOf(v1), ['photos/2025/']);
      assert.deepEqual(keysOf(v1), []);
    });

    it('MaxKeys=0 returns no entries, KeyCount 0, not truncated', async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 0 }));
      assert.equal(out.KeyCount, 0);
      assert.equal(out.Contents, undefined);
      assert.equal(out.CommonPrefixes, undefined);
      assert.equal(out.MaxKeys, 0);
      assert.equal(out.IsTruncated, false);
      assert.equal(out.NextContinuationToken, undefined);
    });

    it('a negative MaxKeys → 400 InvalidArgument', async () => {
      assert.deepEqual(await errorStatus(s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: -1 }))), { code: 'InvalidArgument', status: 400 });
    });

    it('a forged ContinuationToken → 400 InvalidArgument', async () => {
      assert.deepEqual(await errorStatus(s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: 'not-a-token-we-issued' }))), {
        code: 'InvalidArgument',
        status: 400,
      });
    });

    it('ContinuationToken takes precedence over StartAfter', async () => {
      const first = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 3 }));
      assert.deepEqual(keysOf(first), keys.slice(0, 3));
      const next = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 3, StartAfter: 'photos/2024/jan.jpg', ContinuationToken: first.NextContinuationToken }));
      assert.deepEqual(keysOf(next), keys.slice(3, 6));
    });

    it('an empty ContinuationToken → 400 InvalidArgument', async () => {
      assert.deepEqual(await errorStatus(s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: '' }))), { code: 'InvalidArgument', status: 400 });
    });

    it('an unknown EncodingType → 400 InvalidArgument', async () => {
      assert.deepEqual(await errorStatus(s3.send(new ListObjectsV2Command({ Bucket: bucket, EncodingType: 'base64' as 'url' }))), {
        code: 'InvalidArgument',
        status: 400,
      });
      assert.deepEqual(await errorStatus(s3.send(new ListObjectsCommand({ Bucket: bucket, EncodingType: 'base64' as 'url' }))), {
        code: 'InvalidArgument',
        status: 400,
      });
    });

    it('ListObjects (v1) with Marker lists keys after the marker, with owners', async () => {
      const out = await s3.send(new ListObjectsCommand({ Bucket: bucket, Marker: 'dir2/x' }));
      assert.deepEqual(keysOf(out), keys.slice(keys.indexOf('dir2/x') + 1));
      assert.equal(out.Marker, 'dir2/x');
      assert.equal(out.IsTruncated, false);
      for (const c of out.Contents ?? []) assert.ok(c.Owner?.ID, 'v1 entries carry the owner');
    });

    it('ListObjects (v1) with a delimiter pages with NextMarker', async () => {
      const seen: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      for (;;) {
        const out: ListObjectsCommandOutput = await s3.send(new ListObjectsCommand({ Bucket: bucket, Delimiter: '/', MaxKeys: 2, Marker: marker }));
        pages += 1;
        const page = [...keysOf(out), ...prefixesOf(out)].sort(utf8Order);
        assert.ok(page.length <= 2);
        seen.push(...page);
        if (!out.IsTruncated) break;
        assert.equal(out.NextMarker, page[page.length - 1], 'NextMarker is the last key or prefix returned');
        marker = out.NextMarker;
        assert.ok(pages <= 10, 'pagination does not terminate');
      }
      assert.deepEqual(seen, ['a.txt', 'dir1/', 'dir2/', 'photos/', 'zzz']);
      assert.equal(pages, 3);
    });

    it('ListObjects (v1) MaxKeys=0 returns nothing and is not truncated', async () => {
      const out = await s3.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 0 }));
      assert.equal(out.Contents, undefined);
      assert.equal(out.IsTruncated, false);
    });
  });

  describe("delimiters other than '/'", () => {
    let bucket: string;
    const keys = ['x-1-a', 'x-1-b', 'x-2', 'x/3-c', 'y', 'y-', 'z::one::two', 'z::three'];

    before(async () => {
      bucket = uniqueBucket('list-delim');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
    });

    it("Delimiter '-'", async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '-' }));
      assert.deepEqual(prefixesOf(out), ['x-', 'x/3-', 'y-']);
      assert.deepEqual(keysOf(out), ['y', 'z::one::two', 'z::three']);
      assert.equal(out.KeyCount, 6);
      assert.deepEqual([...keysOf(out), ...prefixesOf(out)].sort(utf8Order), expectedDelimited(keys, '-').all);
    });

    it('an empty Delimiter is no delimiter: every key listed, no Delimiter element (v1 and v2)', async () => {
      const v2 = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '' }));
      assert.deepEqual(keysOf(v2), [...keys].sort(utf8Order));
      assert.deepEqual(prefixesOf(v2), []);
      assert.equal(v2.Delimiter, undefined);
      const v1 = await s3.send(new ListObjectsCommand({ Bucket: bucket, Delimiter: '' }));
      assert.equal((v1.Contents ?? []).length, keys.length);
      assert.equal(v1.Delimiter, undefined);
    });

    it("Delimiter '-' with Prefix 'x-'", async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '-', Prefix: 'x-' }));
      assert.deepEqual(prefixesOf(out), ['x-1-']);
      assert.deepEqual(keysOf(out), ['x-2']);
    });

    it("a multi-character delimiter '::'", async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '::', Prefix: 'z::' }));
      assert.deepEqual(prefixesOf(out), ['z::one::']);
      assert.deepEqual(keysOf(out), ['z::three']);
    });
  });

  describe('empty and missing buckets', () => {
    it('an empty bucket lists nothing (v2 and v1)', async () => {
      const bucket = uniqueBucket('list-empty');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const v2 = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      assert.equal(v2.$metadata.httpStatusCode, 200);
      assert.equal(v2.KeyCount, 0);
      assert.equal(v2.Contents, undefined);
      assert.equal(v2.IsTruncated, false);
      assert.equal(v2.Name, bucket);
      const v1 = await s3.send(new ListObjectsCommand({ Bucket: bucket }));
      assert.equal(v1.Contents, undefined);
      assert.equal(v1.IsTruncated, false);
      assert.equal(v1.Name, bucket);
    });

    it('a missing bucket → 404 NoSuchBucket (v2 and v1)', async () => {
      const missing = uniqueBucket('list-missing');
      assert.deepEqual(await errorStatus(s3.send(new ListObjectsV2Command({ Bucket: missing }))), { code: 'NoSuchBucket', status: 404 });
      assert.deepEqual(await errorStatus(s3.send(new ListObjectsCommand({ Bucket: missing }))), { code: 'NoSuchBucket', status: 404 });
    });
  });

  describe('EncodingType url', () => {
    let bucket: string;
    const keys = ['enc/plain.txt', 'enc/with space/ü 😀+plus%pct&amp<lt>.txt', 'enc/with space/second', 'enc/日本語 file'];

    before(async () => {
      bucket = uniqueBucket('list-enc');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      for (const k of keys) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
    });

    it('ListObjectsV2 returns URL-encoded keys that decode to the originals', async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, EncodingType: 'url' }));
      assert.equal(out.EncodingType, 'url');
      const raw = keysOf(out);
      for (const k of raw) assert.match(k, /^[\x21-\x7e]*$/, `encoded key ${JSON.stringify(k)} should be plain printable ASCII`);
      assert.deepEqual(raw.map(urlDecode), [...keys].sort(utf8Order));
    });

    it('ListObjectsV2 URL-encodes CommonPrefixes, Prefix and Delimiter too', async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, EncodingType: 'url', Prefix: 'enc/', Delimiter: '/' }));
      assert.deepEqual(prefixesOf(out).map(urlDecode), ['enc/with space/']);
      assert.ok(!prefixesOf(out)[0]?.includes(' '), 'the prefix is encoded');
      assert.deepEqual(keysOf(out).map(urlDecode), ['enc/plain.txt', 'enc/日本語 file']);
      assert.equal(urlDecode(out.Prefix ?? ''), 'enc/');
      assert.equal(urlDecode(out.Delimiter ?? ''), '/');
    });

    it('a continuation across encoded keys works', async () => {
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const out: ListObjectsV2CommandOutput = await s3.send(new ListObjectsV2Command({ Bucket: bucket, EncodingType: 'url', MaxKeys: 1, ContinuationToken: token }));
        seen.push(...keysOf(out).map(urlDecode));
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      assert.deepEqual(seen, [...keys].sort(utf8Order));
    });

    it('ListObjects (v1) returns URL-encoded keys and NextMarker', async () => {
      const out = await s3.send(new ListObjectsCommand({ Bucket: bucket, EncodingType: 'url', Delimiter: '/', Prefix: 'enc/with space/', MaxKeys: 1 }));
      assert.equal(out.EncodingType, 'url');
      assert.deepEqual(keysOf(out).map(urlDecode), ['enc/with space/second']);
      assert.equal(out.IsTruncated, true);
      assert.equal(urlDecode(out.NextMarker ?? ''), 'enc/with space/second');
      assert.equal(urlDecode(out.Prefix ?? ''), 'enc/with space/');
      const rest = await s3.send(new ListObjectsCommand({ Bucket: bucket, EncodingType: 'url', Prefix: 'enc/with space/', Marker: 'enc/with space/second' }));
      assert.deepEqual(keysOf(rest).map(urlDecode), ['enc/with space/ü 😀+plus%pct&amp<lt>.txt']);
    });

    it('without EncodingType, keys come back raw (XML-escaped only)', async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      assert.equal(out.EncodingType, undefined);
      assert.deepEqual(keysOf(out), [...keys].sort(utf8Order));
    });
  });

  describe('2,500 keys: pagination and UTF-8 binary order', () => {
    let bucket: string;
    let keys: string[];

    before(async () => {
      bucket = uniqueBucket('list-big');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const alphabet = ['a', 'A', 'b', 'B', 'z', 'Z', '0', '9', '-', '_', '.', '~', ' ', '/', '!', '+', '%', 'é', 'ü', 'ÿ', 'Ā', '日', '本', '\uFF21', '😀', '𝄞'];
      const rand = prng(20240611);
      const set = new Set<string>();
      while (set.size < 2500) {
        const len = 1 + Math.floor(rand() * 8);
        let k = '';
        for (let i = 0; i < len; i++) k += alphabet[Math.floor(rand() * alphabet.length)];
        set.add(k);
      }
      keys = [...set];
      await pool(keys, 32, async (k) => {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
      });
    });

    it('the key set really distinguishes UTF-8 order from UTF-16 order', () => {
      assert.notDeepEqual([...keys].sort(utf8Order), [...keys].sort());
    });

    for (const pageSize of [1000, 333]) {
      it(`ListObjectsV2 with MaxKeys=${pageSize} and ContinuationToken returns all keys exactly once, in UTF-8 binary order`, async () => {
        const seen: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const out: ListObjectsV2CommandOutput = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: pageSize, ContinuationToken: token }));
          pages += 1;
          const page = keysOf(out);
          assert.equal(out.KeyCount, page.length);
          if (out.IsTruncated) {
            assert.equal(page.length, pageSize, 'truncated pages are full');
            assert.ok(out.NextContinuationToken);
          }
          seen.push(...page);
          token = out.IsTruncated ? out.NextContinuationToken : undefined;
          assert.ok(pages <= Math.ceil(2500 / pageSize) + 1, 'too many pages');
        } while (token);
        assert.equal(pages, Math.ceil(2500 / pageSize));
        assert.equal(seen.length, 2500);
        assert.deepEqual(seen, [...keys].sort(utf8Order));
      });
    }

    it('MaxKeys above 1000 is capped at 1000', async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 5000 }));
      assert.equal(out.KeyCount, 1000);
      assert.equal(out.IsTruncated, true);
      assert.deepEqual(keysOf(out), [...keys].sort(utf8Order).slice(0, 1000));
    });

    it("ListObjectsV2 with Delimiter '/' pages through keys and prefixes in order", async () => {
      const expected = expectedDelimited(keys, '/');
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const out: ListObjectsV2CommandOutput = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/', MaxKeys: 100, ContinuationToken: token }));
        const page = [...keysOf(out), ...prefixesOf(out)].sort(utf8Order);
        assert.equal(out.KeyCount, page.length);
        assert.ok(page.length <= 100);
        seen.push(...page);
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      assert.deepEqual(seen, expected.all);
    });

    it('StartAfter in the middle of the key space', async () => {
      const sorted = [...keys].sort(utf8Order);
      const pivot = sorted[1234] as string;
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: pivot, MaxKeys: 50 }));
      assert.deepEqual(keysOf(out), sorted.slice(1235, 1285));
    });

    it('a Prefix with multi-byte characters selects exactly the matching keys', async () => {
      for (const prefix of ['日', '😀', 'é', 'A', 'a']) {
        const expected = keys.filter((k) => k.startsWith(prefix)).sort(utf8Order);
        const seen: string[] = [];
        let token: string | undefined;
        do {
          const out: ListObjectsV2CommandOutput = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
          seen.push(...keysOf(out));
          token = out.IsTruncated ? out.NextContinuationToken : undefined;
        } while (token);
        assert.deepEqual(seen, expected, `prefix ${prefix}`);
      }
    });

    it('ListObjects (v1) without a delimiter pages with Marker = last key', async () => {
      const seen: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      for (;;) {
        const out: ListObjectsCommandOutput = await s3.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 700, Marker: marker }));
        pages += 1;
        const page = keysOf(out);
        seen.push(...page);
        if (!out.IsTruncated) break;
        assert.equal(page.length, 700);
        // NextMarker is only guaranteed with a delimiter; if present it must be the last key.
        if (out.NextMarker !== undefined) assert.equal(out.NextMarker, page[page.length - 1]);
        marker = out.NextMarker ?? page[page.length - 1];
        assert.ok(pages <= 5, 'too many pages');
      }
      assert.equal(pages, 4);
      assert.deepEqual(seen, [...keys].sort(utf8Order));
    });

    it("ListObjects (v1) with Delimiter '/' pages with NextMarker", async () => {
      const expected = expectedDelimited(keys, '/');
      const seen: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      for (;;) {
        const out: ListObjectsCommandOutput = await s3.send(new ListObjectsCommand({ Bucket: bucket, Delimiter: '/', MaxKeys: 150, Marker: marker }));
        pages += 1;
        const page = [...keysOf(out), ...prefixesOf(out)].sort(utf8Order);
        seen.push(...page);
        if (!out.IsTruncated) break;
        assert.ok(out.NextMarker, 'a truncated v1 listing with a delimiter has NextMarker');
        assert.equal(out.NextMarker, page[page.length - 1]);
        marker = out.NextMarker;
        assert.ok(pages <= 30, 'too many pages');
      }
      assert.deepEqual(seen, expected.all);
    });
  });
});
