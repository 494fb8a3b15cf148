/**
 * SigV4 header authentication end to end: wrong keys, anonymous access, clock
 * skew, tampering after signing, unsupported schemes, and canonicalisation of
 * awkward keys and query strings through real signed SDK calls.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ACCESS_KEY, REGION, SECRET_KEY, bodyBytes, errorStatus, startTestServer, uniqueBucket, type TestServer } from './harness.js';
import { encodeKey, expectS3Error, rawRequest, sha256Hex, signRequest } from './raw-http.js';

let srv: TestServer;
let s3: S3Client;
let bucket: string;
const KEY = 'auth/object.txt';
const BODY = Buffer.from('authenticated content');

before(async () => {
  srv = await startTestServer();
  s3 = srv.client;
  bucket = uniqueBucket('auth');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: KEY, Body: BODY }));
});

after(async () => {
  await srv?.stop();
});

function clientWith(opts: { systemClockOffset?: number; accessKeyId?: string; secretAccessKey?: string }): S3Client {
  return new S3Client({
    endpoint: srv.url,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: opts.accessKeyId ?? ACCESS_KEY, secretAccessKey: opts.secretAccessKey ?? SECRET_KEY },
    maxAttempts: 1,
    ...(opts.systemClockOffset !== undefined ? { systemClockOffset: opts.systemClockOffset } : {}),
  });
}

/** S3 lists keys in UTF-8 binary order, which differs from JS string order for astral characters. */
function utf8Sort(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

async function assertIntact(): Promise<void> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: KEY }));
  assert.equal(sha256Hex(await bodyBytes(r.Body)), sha256Hex(BODY));
}

describe('credentials', () => {
  test('wrong secret is SignatureDoesNotMatch 403', async () => {
    const c = srv.makeClient({ secretAccessKey: 'definitely-not-the-secret-0000000000000' });
    try {
      assert.deepEqual(await errorStatus(c.send(new GetObjectCommand({ Bucket: bucket, Key: KEY }))), { code: 'SignatureDoesNotMatch', status: 403 });
      assert.deepEqual(await errorStatus(c.send(new PutObjectCommand({ Bucket: bucket, Key: KEY, Body: 'evil' }))), {
        code: 'SignatureDoesNotMatch',
        status: 403,
      });
      assert.deepEqual(await errorStatus(c.send(new ListObjectsV2Command({ Bucket: bucket }))), { code: 'SignatureDoesNotMatch', status: 403 });
    } finally {
      c.destroy();
    }
    await assertIntact();
  });

  test('unknown access key is InvalidAccessKeyId 403', async () => {
    const c = srv.makeClient({ accessKeyId: 'AKIDDOESNOTEXIST0000' });
    try {
      assert.deepEqual(await errorStatus(c.send(new GetObjectCommand({ Bucket: bucket, Key: KEY }))), { code: 'InvalidAccessKeyId', status: 403 });
      assert.deepEqual(await errorStatus(c.send(new DeleteObjectCommand({ Bucket: bucket, Key: KEY }))), { code: 'InvalidAccessKeyId', status: 403 });
    } finally {
      c.destroy();
    }
    await assertIntact();
  });

  test('HEAD with a wrong secret is 403 with no body', async () => {
    const c = srv.makeClient({ secretAccessKey: 'wrong-wrong-wrong' });
    try {
      const e = await errorStatus(c.send(new HeadObjectCommand({ Bucket: bucket, Key: KEY })));
      assert.equal(e.status, 403);
    } finally {
      c.destroy();
    }
  });

  test('signature with a credential scope for another region is refused', async () => {
    const signed = await signRequest(srv.url, { method: 'GET', path: `/${bucket}/${encodeKey(KEY)}`, region: 'us-west-2' });
    const res = await rawRequest(srv.url, { method: 'GET', path: signed.path, headers: signed.headers });
    // AWS answers AuthorizationHeaderMalformed ("the region 'us-west-2' is wrong; expecting ...").
    expectS3Error(res, 400, 'AuthorizationHeaderMalformed');
  });
});

describe('anonymous requests', () => {
  test('GET object with no auth (global fetch) is AccessDenied 403 with an XML error', async () => {
    const res = await fetch(`${srv.url}/${bucket}/${encodeKey(KEY)}`);
    const text = await res.text();
    assert.equal(res.status, 403, text);
    assert.match(text, /<Code>AccessDenied<\/Code>/);
    assert.match(text, /<RequestId>[^<]+<\/RequestId>/);
    assert.ok(res.headers.get('x-amz-request-id'));
  });

  test('anonymous PUT, DELETE and ListObjects are AccessDenied 403 and change nothing', async () => {
    const put = await rawRequest(srv.url, { method: 'PUT', path: `/${bucket}/${encodeKey(KEY)}`, body: 'anon' });
    expectS3Error(put, 403, 'AccessDenied');
    const del = await rawRequest(srv.url, { method: 'DELETE', path: `/${bucket}/${encodeKey(KEY)}` });
    expectS3Error(del, 403, 'AccessDenied');
    const list = await rawRequest(srv.url, { method: 'GET', path: `/${bucket}?list-type=2` });
    expectS3Error(list, 403, 'AccessDenied');
    const buckets = await rawRequest(srv.url, { method: 'GET', path: '/' });
    expectS3Error(buckets, 403, 'AccessDenied');
    await assertIntact();
  });
});

describe('clock skew', () => {
  for (const minutes of [20, -20]) {
    test(`a request signed with a clock ${minutes} minutes off is RequestTimeTooSkewed 403`, async () => {
      // A fresh client per call: after a RequestTimeTooSkewed the SDK corrects its own clock
      // offset from the response Date header, so a second call on the same client would pass.
      const send = async (cmd: GetObjectCommand | PutObjectCommand) => {
        const c = clientWith({ systemClockOffset: minutes * 60 * 1000 });
        try {
          return await errorStatus(c.send(cmd as GetObjectCommand));
        } finally {
          c.destroy();
        }
      };
      assert.deepEqual(await send(new GetObjectCommand({ Bucket: bucket, Key: KEY })), { code: 'RequestTimeTooSkewed', status: 403 });
      assert.deepEqual(await send(new PutObjectCommand({ Bucket: bucket, Key: KEY, Body: 'late' })), { code: 'RequestTimeTooSkewed', status: 403 });
      await assertIntact();
    });
  }

  test('hand-signed with a date 20 minutes in the past is RequestTimeTooSkewed (raw XML)', async () => {
    const signed = await signRequest(srv.url, { method: 'GET', path: `/${bucket}/${encodeKey(KEY)}`, date: new Date(Date.now() - 20 * 60 * 1000) });
    const res = await rawRequest(srv.url, { method: 'GET', path: signed.path, headers: signed.headers });
    expectS3Error(res, 403, 'RequestTimeTooSkewed');
  });

  test('a clock 5 minutes off is still accepted (within the 15 minute window)', async () => {
    const c = clientWith({ systemClockOffset: 5 * 60 * 1000 });
    try {
      const r = await c.send(new GetObjectCommand({ Bucket: bucket, Key: KEY }));
      assert.equal(sha256Hex(await bodyBytes(r.Body)), sha256Hex(BODY));
    } finally {
      c.destroy();
    }
  });
});

describe('tampering after signing', () => {
  test('control: an untampered hand-signed GET succeeds', async () => {
    const signed = await signRequest(srv.url, { method: 'GET', path: `/${bucket}/${encodeKey(KEY)}`, headers: { range: 'bytes=0-3' } });
    const res = await rawRequest(srv.url, { method: 'GET', path: signed.path, headers: signed.headers });
    assert.equal(res.status, 206, res.text);
    assert.equal(res.text, BODY.subarray(0, 4).toString());
  });

  test('changing a signed header (range) is SignatureDoesNotMatch 403', async () => {
    const signed = await signRequest(srv.url, { method: 'GET', path: `/${bucket}/${encodeKey(KEY)}`, headers: { range: 'bytes=0-3' } });
    const res = await rawRequest(srv.url, { method: 'GET', path: signed.path, headers: { ...signed.headers, range: 'bytes=0-9' } });
    expectS3Error(res, 403, 'SignatureDoesNotMatch');
  });

  test('changing the path is SignatureDoesNotMatch 403', async () => {
    const signed = await signRequest(srv.url, { method: 'GET', path: `/${bucket}/${encodeKey(KEY)}` });
    const res = await rawRequest(srv.url, { method: 'GET', path: `/${bucket}/auth/other.txt`, headers: signed.headers });
    expectS3Error(res, 403, 'SignatureDoesNotMatch');
  });

  test('adding a query parameter is SignatureDoesNotMatch 403', async () => {
    const signed = await signRequest(srv.url, { method: 'GET', path: `/${bucket}`, query: { 'list-type': '2' } });
    const res = await rawRequest(srv.url, { method: 'GET', path: `${signed.path}&prefix=auth`, headers: signed.headers });
    expectS3Error(res, 403, 'SignatureDoesNotMatch');
  });

  test('changing the method is SignatureDoesNotMatch 403 and deletes nothing', async () => {
    const signed = await signRequest(srv.url, { method: 'GET', path: `/${bucket}/${encodeKey(KEY)}` });
    const res = await rawRequest(srv.url, { method: 'DELETE', path: signed.path, headers: signed.headers });
    expectS3Error(res, 403, 'SignatureDoesNotMatch');
    await assertIntact();
  });

  test('changing a signed x-amz-meta header on PUT is SignatureDoesNotMatch and stores nothing', async () => {
    const body = Buffer.from('tampered put');
    const signed = await signRequest(srv.url, { method: 'PUT', path: `/${bucket}/${encodeKey(KEY)}`, body, headers: { 'x-amz-meta-owner': 'alice' } });
    const res = await rawRequest(srv.url, { method: 'PUT', path: signed.path, headers: { ...signed.headers, 'x-amz-meta-owner': 'mallory' }, body });
    expectS3Error(res, 403, 'SignatureDoesNotMatch');
    await assertIntact();
  });

  test('an x-amz-* header added after signing is refused (AccessDenied: headers not signed)', async () => {
    const body = Buffer.from('sneaky');
    const signed = await signRequest(srv.url, { method: 'PUT', path: `/${bucket}/${encodeKey(KEY)}`, body });
    const res = await rawRequest(srv.url, { method: 'PUT', path: signed.path, headers: { ...signed.headers, 'x-amz-meta-extra': 'x' }, body });
    // AWS: 403 AccessDenied "There were headers present in the request which were not signed".
    expectS3Error(res, 403, ['AccessDenied', 'SignatureDoesNotMatch']);
    await assertIntact();
  });

  test('a flipped signature hex digit is SignatureDoesNotMatch 403', async () => {
    const signed = await signRequest(srv.url, { method: 'GET', path: `/${bucket}/${encodeKey(KEY)}` });
    const auth = signed.headers['authorization']!;
    const last = auth.slice(-1);
    const flipped = auth.slice(0, -1) + (last === '0' ? '1' : '0');
    const res = await rawRequest(srv.url, { method: 'GET', path: signed.path, headers: { ...signed.headers, authorization: flipped } });
    expectS3Error(res, 403, 'SignatureDoesNotMatch');
  });
});

describe('non-ASCII header values', () => {
  // botocore (aws CLI, boto3) sends x-amz-meta-* text as UTF-8 bytes and signs those bytes.
  const wire = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

  test('a UTF-8 x-amz-meta value signed as UTF-8 is accepted, and comes back RFC 2047-encoded as S3 does', async () => {
    const greeting = 'Grüße aus Köln, 東京 ✓';
    const body = Buffer.from('metadata in UTF-8');
    const key = 'auth/utf8-meta.txt';
    const signed = await signRequest(srv.url, { method: 'PUT', path: `/${bucket}/${encodeKey(key)}`, body, headers: { 'x-amz-meta-greeting': greeting } });
    const res = await rawRequest(srv.url, { method: 'PUT', path: signed.path, headers: { ...signed.headers, 'x-amz-meta-greeting': wire(greeting) }, body });
    assert.equal(res.status, 200, res.text);
    const head = await signRequest(srv.url, { method: 'HEAD', path: `/${bucket}/${encodeKey(key)}` });
    const got = await rawRequest(srv.url, { method: 'HEAD', path: head.path, headers: head.headers });
    assert.equal(got.status, 200);
    assert.equal(got.headers['x-amz-meta-greeting'], `=?UTF-8?B?${Buffer.from(greeting).toString('base64')}?=`);
    // What the SDK hands back is the same header, as sent.
    const sdk = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(sdk.Metadata?.greeting, got.headers['x-amz-meta-greeting']);
  });

  test('RFC 2047 words sent by a client are stored as text: a Q word comes back as the B word of the same text', async () => {
    const key = 'auth/rfc2047-meta.txt';
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x', Metadata: { city: '=?utf-8?q?K=C3=B6ln?=', plain: 'ascii stays' } }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(head.Metadata?.city, `=?UTF-8?B?${Buffer.from('Köln').toString('base64')}?=`);
    assert.equal(head.Metadata?.plain, 'ascii stays');
  });

  test('the same value tampered by one byte is SignatureDoesNotMatch and stores nothing', async () => {
    const body = Buffer.from('tampered utf-8');
    const signed = await signRequest(srv.url, { method: 'PUT', path: `/${bucket}/${encodeKey(KEY)}`, body, headers: { 'x-amz-meta-city': 'Köln' } });
    const res = await rawRequest(srv.url, { method: 'PUT', path: signed.path, headers: { ...signed.headers, 'x-amz-meta-city': wire('Kõln') }, body });
    expectS3Error(res, 403, 'SignatureDoesNotMatch');
    await assertIntact();
  });
});

describe('Expect: 100-continue', () => {
  /**
   * Sends a request's head with Expect: 100-continue and waits for the server's first answer;
   * sends the body only if that answer is 100 Continue, as curl and the SDKs do.
   */
  async function withExpect(path: string, headers: Record<string, string>, body: Buffer): Promise<{ first: string; final: string }> {
    const u = new URL(srv.url);
    const head = `PUT ${path} HTTP/1.1\r\n` + Object.entries({ ...headers, expect: '100-continue', connection: 'close' }).map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
    const sock = net.connect(Number(u.port), u.hostname);
    let got = '';
    const ended = new Promise<void>((resolve) => sock.on('close', () => resolve()));
    sock.on('error', () => {});
    const firstLine = new Promise<string>((resolve) => {
      sock.on('data', (d: Buffer) => {
        got += d.toString('latin1');
        if (got.includes('\r\n')) resolve(got.slice(0, got.indexOf('\r\n')));
      });
    });
    sock.write(head);
    const first = await firstLine;
    if (first.includes(' 100 ')) sock.write(body);
    await ended;
    const finalStart = first.includes(' 100 ') ? got.indexOf('HTTP/1.1', 5) : 0;
    return { first, final: got.slice(finalStart) };
  }

  test('a request refused on its headers is answered at once: no 100, the body never sent, nothing stored', async () => {
    const key = 'auth/expect-refused.bin';
    const body = randomBytes(4096);
    const signed = await signRequest(srv.url, { method: 'PUT', path: `/${bucket}/${encodeKey(key)}`, body, secretAccessKey: 'wrong-secret-wrong-secret-wrong-secret' });
    const wrongKey = await withExpect(signed.path, signed.headers, body);
    assert.match(wrongKey.first, /^HTTP\/1\.1 403 /);
    assert.match(wrongKey.final, /<Code>SignatureDoesNotMatch<\/Code>/);
    const anonymous = await withExpect(`/${bucket}/${encodeKey(key)}`, { host: new URL(srv.url).host, 'content-length': String(body.length) }, body);
    assert.match(anonymous.first, /^HTTP\/1\.1 403 /);
    assert.match(anonymous.final, /<Code>AccessDenied<\/Code>/);
    assert.deepEqual(await errorStatus(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))), { code: 'NotFound', status: 404 });
  });

  test('an accepted request gets 100 Continue, then its body is stored', async () => {
    const key = 'auth/expect-accepted.bin';
    const body = randomBytes(100_000);
    const signed = await signRequest(srv.url, { method: 'PUT', path: `/${bucket}/${encodeKey(key)}`, body });
    const r = await withExpect(signed.path, signed.headers, body);
    assert.equal(r.first, 'HTTP/1.1 100 Continue');
    assert.match(r.final, /^HTTP\/1\.1 200 /);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(sha256Hex(await bodyBytes(got.Body)), sha256Hex(body));
  });
});

describe('unsupported or malformed Authorization', () => {
  test('a SigV2-style Authorization header is refused (InvalidRequest 400: use AWS4-HMAC-SHA256)', async () => {
    const res = await rawRequest(srv.url, {
      method: 'GET',
      path: `/${bucket}/${encodeKey(KEY)}`,
      headers: { date: new Date().toUTCString(), authorization: `AWS ${ACCESS_KEY}:bWFkZS11cC1zaWduYXR1cmU=` },
    });
    const e = expectS3Error(res, 400, 'InvalidRequest');
    assert.match(e.message ?? '', /AWS4-HMAC-SHA256/);
  });

  test('a malformed AWS4 Authorization header is AuthorizationHeaderMalformed 400', async () => {
    const signed = await signRequest(srv.url, { method: 'GET', path: `/${bucket}/${encodeKey(KEY)}` });
    const res = await rawRequest(srv.url, {
      method: 'GET',
      path: signed.path,
      headers: { ...signed.headers, authorization: 'AWS4-HMAC-SHA256 Credential=garbage' },
    });
    expectS3Error(res, 400, 'AuthorizationHeaderMalformed');
  });

  test('a header-signed request without x-amz-content-sha256 is refused (InvalidRequest 400)', async () => {
    const signed = await signRequest(srv.url, { method: 'GET', path: `/${bucket}/${encodeKey(KEY)}` });
    const headers = { ...signed.headers };
    delete headers['x-amz-content-sha256'];
    const res = await rawRequest(srv.url, { method: 'GET', path: signed.path, headers });
    expectS3Error(res, 400, 'InvalidRequest');
  });
});

describe('canonicalisation stress', () => {
  const KEYS = [
    'with space.txt',
    'plus+sign.txt',
    'percent%20literal.txt',
    'equals=and&amp.txt',
    'question?mark.txt',
    'unicode/ünïcødé/日本語/😀.bin',
    'tilde~star*bang!.txt',
    "quote'paren(1).txt",
    'colon:semi;comma,at@dollar$.txt',
    'hash#bracket[1]{2}.txt',
    'dir with space/sub+dir/file name+.txt',
    'double//slash/./dot/../x',
    ' leading and trailing ',
    'a%2Fb',
  ];
  const bodies = new Map(KEYS.map((k) => [k, randomBytes(1000 + k.length)]));
  const sb = uniqueBucket('canon');

  before(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: sb }));
  });

  for (const key of KEYS) {
    test(`signed PUT/HEAD/GET round trip of ${JSON.stringify(key)}`, async () => {
      const body = bodies.get(key)!;
      await s3.send(new PutObjectCommand({ Bucket: sb, Key: key, Body: body, Metadata: { 'orig-key': encodeURIComponent(key) } }));
      const h = await s3.send(new HeadObjectCommand({ Bucket: sb, Key: key }));
      assert.equal(h.ContentLength, body.length);
      assert.equal(h.Metadata?.['orig-key'], encodeURIComponent(key));
      const g = await s3.send(new GetObjectCommand({ Bucket: sb, Key: key }));
      assert.equal(sha256Hex(await bodyBytes(g.Body)), sha256Hex(body));
    });
  }

  test('ListObjectsV2 returns every awkward key exactly', async () => {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: sb }));
    assert.deepEqual((r.Contents ?? []).map((c) => c.Key!), utf8Sort(KEYS), 'all keys, in UTF-8 binary order');
  });

  test('CopyObject between awkward keys (x-amz-copy-source encoding)', async () => {
    for (const key of KEYS.slice(0, 8)) {
      const dest = `copies/${key}`;
      await s3.send(new CopyObjectCommand({ Bucket: sb, Key: dest, CopySource: `${sb}/${encodeURIComponent(key)}` }));
      const g = await s3.send(new GetObjectCommand({ Bucket: sb, Key: dest }));
      assert.equal(sha256Hex(await bodyBytes(g.Body)), sha256Hex(bodies.get(key)!), `copy of ${JSON.stringify(key)}`);
    }
  });

  test('ListObjectsV2 with a prefix containing spaces and unicode, and a delimiter', async () => {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: sb, Prefix: 'dir with space/', Delimiter: '/' }));
    assert.equal(r.Prefix, 'dir with space/');
    assert.deepEqual(r.CommonPrefixes?.map((p) => p.Prefix), ['dir with space/sub+dir/']);
    assert.equal(r.Contents?.length ?? 0, 0);
    const u = await s3.send(new ListObjectsV2Command({ Bucket: sb, Prefix: 'unicode/ünïcødé/', Delimiter: '/' }));
    assert.deepEqual(u.CommonPrefixes?.map((p) => p.Prefix), ['unicode/ünïcødé/日本語/']);
    const deep = await s3.send(new ListObjectsV2Command({ Bucket: sb, Prefix: 'unicode/ünïcødé/日本語/' }));
    assert.deepEqual(deep.Contents?.map((c) => c.Key), ['unicode/ünïcødé/日本語/😀.bin']);
  });

  test('query-heavy ListObjectsV2: StartAfter, MaxKeys paging, a delimiter that needs encoding', async () => {
    const all: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 50; i++) {
      const r = await s3.send(new ListObjectsV2Command({ Bucket: sb, MaxKeys: 3, ContinuationToken: token, StartAfter: ' ', FetchOwner: true }));
      for (const c of r.Contents ?? []) all.push(c.Key!);
      if (!r.IsTruncated) break;
      token = r.NextContinuationToken;
      assert.ok(token, 'truncated page has a NextContinuationToken');
    }
    const expected = utf8Sort([...KEYS, ...KEYS.slice(0, 8).map((k) => `copies/${k}`)].filter((k) => k > ' '));
    assert.deepEqual(all, expected);
    const plus = await s3.send(new ListObjectsV2Command({ Bucket: sb, Delimiter: '+', Prefix: 'plus' }));
    assert.deepEqual(plus.CommonPrefixes?.map((p) => p.Prefix), ['plus+']);
    const amp = await s3.send(new ListObjectsV2Command({ Bucket: sb, Prefix: 'equals=and&', Delimiter: '.' }));
    assert.deepEqual(amp.CommonPrefixes?.map((p) => p.Prefix), ['equals=and&amp.']);
  });

  test('ListObjectsV2 with EncodingType=url returns url-encoded keys', async () => {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: sb, Prefix: 'with space', EncodingType: 'url' }));
    assert.equal(r.EncodingType, 'url');
    assert.deepEqual(r.Contents?.map((c) => decodeURIComponent(c.Key!.replace(/\+/g, '%20'))), ['with space.txt']);
  });

  test('DeleteObject of awkward keys removes exactly them', async () => {
    for (const key of KEYS) await s3.send(new DeleteObjectCommand({ Bucket: sb, Key: key }));
    const r = await s3.send(new ListObjectsV2Command({ Bucket: sb }));
    assert.deepEqual((r.Contents ?? []).map((c) => c.Key!), utf8Sort(KEYS.slice(0, 8).map((k) => `copies/${k}`)));
  });
});
