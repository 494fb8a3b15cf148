/**
 * Query-string SigV4 (presigned URLs from @aws-sdk/s3-request-presigner, and
 * one built by hand) and browser-form POST uploads (createPresignedPost),
 * driven with the global fetch exactly as a browser or curl would.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createPresignedPost, type PresignedPost } from '@aws-sdk/s3-presigned-post';
import { ACCESS_KEY, REGION, SECRET_KEY, bodyBytes, errorStatus, startTestServer, uniqueBucket, type TestServer } from './harness.js';
import { encodeKey, expectS3Error, md5Hex, presignByHand, rawRequest, sha256Hex, sleep, type RawResponse } from './raw-http.js';

let srv: TestServer;
let s3: S3Client;
/** Presigning client without default request checksums (see the PUT tests). */
let presigner: S3Client;
let bucket: string;
const KEY = 'presigned/data.bin';
const DATA = randomBytes(200_000);
const ODD_KEY = 'presigned/odd name+ü&=?~*!.bin';

before(async () => {
  srv = await startTestServer();
  s3 = srv.client;
  presigner = new S3Client({
    endpoint: srv.url,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  bucket = uniqueBucket('pre');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: KEY, Body: DATA }));
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: ODD_KEY, Body: DATA.subarray(0, 1000) }));
});

after(async () => {
  presigner?.destroy();
  await srv?.stop();
});

async function fromFetch(res: Response): Promise<RawResponse> {
  const body = Buffer.from(await res.arrayBuffer());
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { status: res.status, headers, body, text: body.toString('utf8') };
}

async function storedBytes(key: string): Promise<Buffer | undefined> {
  try {
    return await bodyBytes((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body);
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchKey') return undefined;
    throw e;
  }
}

/** Replace one query parameter of a URL, keeping the rest byte-identical. */
function withParam(url: string, name: string, value: string): string {
  const re = new RegExp(`([?&]${name}=)[^&]*`);
  assert.match(url, re, `URL has ${name}`);
  return url.replace(re, `$1${value}`);
}

describe('presigned GET', () => {
  test('getSignedUrl GetObject fetched with global fetch returns the exact bytes', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: KEY }), { expiresIn: 300 });
    assert.match(url, /X-Amz-Signature=[0-9a-f]{64}/);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    const got = Buffer.from(await res.arrayBuffer());
    assert.equal(sha256Hex(got), sha256Hex(DATA));
    assert.equal(res.headers.get('etag'), `"${md5Hex(DATA)}"`);
  });

  test('a key with awkward characters works presigned', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: ODD_KEY }), { expiresIn: 300 });
    const res = await fetch(url);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(sha256Hex(Buffer.from(await res.arrayBuffer())), sha256Hex(DATA.subarray(0, 1000)));
  });

  test('response-content-* overrides are signed and honoured', async () => {
    const url = await getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket: bucket, Key: KEY, ResponseContentType: 'text/x-test', ResponseContentDisposition: 'attachment; filename="a b.bin"' }),
      { expiresIn: 300 },
    );
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/x-test');
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="a b.bin"');
    await res.arrayBuffer();
  });

  test('a presigned HeadObject URL works with HEAD', async () => {
    const url = await getSignedUrl(s3, new HeadObjectCommand({ Bucket: bucket, Key: KEY }), { expiresIn: 300 });
    const res = await fetch(url, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), String(DATA.length));
  });

  test('a presigned range request (Range signed as a header) works', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: KEY, Range: 'bytes=10-19' }), { expiresIn: 300 });
    const res = await fetch(url, { headers: { range: 'bytes=10-19' } });
    assert.equal(res.status, 206);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), DATA.subarray(10, 20));
  });
});

describe('presigned PUT', () => {
  test('a presigned PutObject URL used with fetch PUT stores the object', async () => {
    const key = 'presigned/uploaded.bin';
    const body = randomBytes(50_000);
    const url = await getSignedUrl(presigner, new PutObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 300 });
    const res = await fetch(url, { method: 'PUT', body });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('etag'), `"${md5Hex(body)}"`);
    assert.equal(sha256Hex((await storedBytes(key))!), sha256Hex(body));
  });

  test('a signed Content-Type is stored; a different Content-Type is SignatureDoesNotMatch', async () => {
    const key = 'presigned/typed.txt';
    // The presigner leaves Content-Type unsigned unless asked to sign it.
    const url = await getSignedUrl(presigner, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: 'text/plain' }), {
      expiresIn: 300,
      signableHeaders: new Set(['content-type']),
    });
    assert.match(url, /X-Amz-SignedHeaders=content-type%3Bhost/);
    const bad = await fromFetch(await fetch(url, { method: 'PUT', body: 'wrong type', headers: { 'content-type': 'application/json' } }));
    expectS3Error(bad, 403, 'SignatureDoesNotMatch');
    assert.equal(await storedBytes(key), undefined, 'nothing stored by the refused PUT');
    const ok = await fetch(url, { method: 'PUT', body: 'right type', headers: { 'content-type': 'text/plain' } });
    assert.equal(ok.status, 200, await ok.clone().text());
    const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(h.ContentType, 'text/plain');
    assert.equal((await storedBytes(key))!.toString(), 'right type');
  });

  test('a presigned PUT URL used with another method is SignatureDoesNotMatch', async () => {
    const url = await getSignedUrl(presigner, new PutObjectCommand({ Bucket: bucket, Key: KEY }), { expiresIn: 300 });
    const res = await fromFetch(await fetch(url, { method: 'DELETE' }));
    expectS3Error(res, 403, 'SignatureDoesNotMatch');
    assert.equal(sha256Hex((await storedBytes(KEY))!), sha256Hex(DATA));
  });
});

describe('presigned URL failures', () => {
  test('an expired presigned URL (expiresIn 1, ~2 s later) is AccessDenied 403 "Request has expired"', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: KEY }), { expiresIn: 1 });
    await sleep(2200);
    const res = await fromFetch(await fetch(url));
    const e = expectS3Error(res, 403, 'AccessDenied');
    assert.equal(e.message, 'Request has expired');
  });

  test('a modified query parameter (X-Amz-Expires) is SignatureDoesNotMatch 403', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: KEY }), { expiresIn: 300 });
    const res = await fromFetch(await fetch(withParam(url, 'X-Amz-Expires', '301')));
    expectS3Error(res, 403, 'SignatureDoesNotMatch');
  });

  test('an added query parameter is SignatureDoesNotMatch 403', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: KEY }), { expiresIn: 300 });
    const res = await fromFetch(await fetch(`${url}&response-content-type=text%2Fhtml`));
    expectS3Error(res, 403, 'SignatureDoesNotMatch');
  });

  test('a modified path is SignatureDoesNotMatch 403', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: KEY }), { expiresIn: 300 });
    const res = await fromFetch(await fetch(url.replace('/presigned/data.bin', '/presigned/data.bim')));
    expectS3Error(res, 403, 'SignatureDoesNotMatch');
  });

  test('a modified signature is SignatureDoesNotMatch 403', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: KEY }), { expiresIn: 300 });
    const sig = /X-Amz-Signature=([0-9a-f]{64})/.exec(url)![1]!;
    const flipped = (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1);
    const res = await fromFetch(await fetch(withParam(url, 'X-Amz-Signature', flipped)));
    expectS3Error(res, 403, 'SignatureDoesNotMatch');
  });

  test('a presigned URL for an unknown access key is InvalidAccessKeyId 403', async () => {
    const c = srv.makeClient({ accessKeyId: 'AKIDUNKNOWNPRESIGN00' });
    try {
      const url = await getSignedUrl(c, new GetObjectCommand({ Bucket: bucket, Key: KEY }), { expiresIn: 300 });
      expectS3Error(await fromFetch(await fetch(url)), 403, 'InvalidAccessKeyId');
    } finally {
      c.destroy();
    }
  });

  test('control: a hand-presigned URL with X-Amz-Expires=604800 works', async () => {
    const url = presignByHand(srv.url, { method: 'GET', path: `/${bucket}/${encodeKey(KEY)}`, expires: 604800 });
    const res = await fetch(url);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(sha256Hex(Buffer.from(await res.arrayBuffer())), sha256Hex(DATA));
  });

  test('X-Amz-Expires > 604800 is AuthorizationQueryParametersError 400', async () => {
    const url = presignByHand(srv.url, { method: 'GET', path: `/${bucket}/${encodeKey(KEY)}`, expires: 604801 });
    expectS3Error(await fromFetch(await fetch(url)), 400, 'AuthorizationQueryParametersError');
  });

  test('a presigned URL missing X-Amz-Credential is AuthorizationQueryParametersError 400', async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: KEY }), { expiresIn: 300 });
    const stripped = url.replace(/([?&])X-Amz-Credential=[^&]*&?/, '$1');
    expectS3Error(await fromFetch(await fetch(stripped)), 400, 'AuthorizationQueryParametersError');
  });
});

describe('browser form POST (createPresignedPost)', () => {
  async function submit(post: PresignedPost, file: Buffer | string, opts: { filename?: string; override?: Record<string, string>; extra?: Record<string, string> } = {}) {
    const form = new FormData();
    const fields = { ...post.fields, ...(opts.override ?? {}) };
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const [k, v] of Object.entries(opts.extra ?? {})) form.append(k, v);
    const bytes = typeof file === 'string' ? Buffer.from(file) : file;
    form.append('file', new Blob([new Uint8Array(bytes)]), opts.filename ?? 'upload.txt');
    return fetch(post.url, { method: 'POST', body: form });
  }

  const conditions = (max: number) =>
    [
      ['content-length-range', 1, max],
      ['starts-with', '$key', 'forms/'],
    ] as Array<['content-length-range', number, number] | ['starts-with', string, string]>;

  test('a form upload with Conditions is 204 and stores the object with the form Content-Type', async () => {
    const key = 'forms/basic.txt';
    const post = await createPresignedPost(s3, { Bucket: bucket, Key: key, Conditions: conditions(1024), Fields: { 'Content-Type': 'text/plain;charset=utf-8' }, Expires: 300 });
    assert.equal(new URL(post.url).pathname.replace(/\/$/, ''), `/${bucket}`);
    const res = await submit(post, 'hello from a browser form');
    assert.equal(res.status, 204, await res.clone().text());
    assert.equal(res.headers.get('etag'), `"${md5Hex('hello from a browser form')}"`);
    const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(h.ContentType, 'text/plain;charset=utf-8');
    assert.equal((await storedBytes(key))!.toString(), 'hello from a browser form');
  });

  test('success_action_status 201 returns an XML PostResponse', async () => {
    const key = 'forms/created.bin';
    const body = randomBytes(500);
    const post = await createPresignedPost(s3, { Bucket: bucket, Key: key, Conditions: conditions(1024), Fields: { success_action_status: '201' }, Expires: 300 });
    const res = await submit(post, body);
    const text = await res.text();
    assert.equal(res.status, 201, text);
    assert.match(res.headers.get('content-type') ?? '', /xml/);
    assert.match(text, /<PostResponse>/);
    assert.match(text, new RegExp(`<Bucket>${bucket}</Bucket>`));
    assert.match(text, /<Key>forms\/created\.bin<\/Key>/);
    assert.match(text, new RegExp(`<ETag>(&quot;|")${md5Hex(body)}(&quot;|")</ETag>`));
    assert.match(text, /<Location>[^<]+<\/Location>/);
    assert.equal(sha256Hex((await storedBytes(key))!), sha256Hex(body));
  });

  test('a ${filename} key is filled from the file part', async () => {
    const post = await createPresignedPost(s3, { Bucket: bucket, Key: 'forms/${filename}', Conditions: conditions(1024), Expires: 300 });
    const res = await submit(post, 'named', { filename: 'report 2024.csv' });
    assert.equal(res.status, 204, await res.clone().text());
    assert.equal((await storedBytes('forms/report 2024.csv'))!.toString(), 'named');
  });

  test('a file exceeding content-length-range is EntityTooLarge 400 and nothing is stored', async () => {
    const key = 'forms/too-big.bin';
    const post = await createPresignedPost(s3, { Bucket: bucket, Key: key, Conditions: conditions(1024), Expires: 300 });
    const res = await fromFetch(await submit(post, randomBytes(1025)));
    expectS3Error(res, 400, 'EntityTooLarge');
    assert.equal(await storedBytes(key), undefined);
  });

  /** The form serialised by hand, so it can go over node:http (fresh or keep-alive connections). */
  async function formBytes(post: PresignedPost, file: Buffer): Promise<{ body: Buffer; contentType: string }> {
    const form = new FormData();
    for (const [k, v] of Object.entries(post.fields)) form.append(k, v);
    form.append('file', new Blob([new Uint8Array(file)]), 'big.bin');
    const r = new Response(form);
    return { body: Buffer.from(await r.arrayBuffer()), contentType: r.headers.get('content-type')! };
  }

  test('a much larger file (1 MiB over a 1 KiB limit) is refused while streaming, nothing stored', async () => {
    const key = 'forms/way-too-big.bin';
    const post = await createPresignedPost(s3, { Bucket: bucket, Key: key, Conditions: conditions(1024), Expires: 300 });
    const { body, contentType } = await formBytes(post, randomBytes(1024 * 1024));
    let res: RawResponse | undefined;
    try {
      res = await rawRequest(srv.url, { method: 'POST', path: `/${bucket}`, headers: { 'content-type': contentType }, body, timeoutMs: 10_000 });
    } catch {
      // The server may close the connection before the upload finishes; that is acceptable.
    }
    if (res) expectS3Error(res, 400, 'EntityTooLarge');
    assert.equal(await storedBytes(key), undefined);
  });

  test('after a form upload refused mid-stream, the keep-alive connection still serves the next requests', async () => {
    const key = 'forms/keepalive-too-big.bin';
    const post = await createPresignedPost(s3, { Bucket: bucket, Key: key, Conditions: conditions(1024), Expires: 300 });
    const { body, contentType } = await formBytes(post, randomBytes(1024 * 1024));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await rawRequest(srv.url, { method: 'POST', path: `/${bucket}`, headers: { 'content-type': contentType }, body, agent, timeoutMs: 10_000 });
      expectS3Error(first, 400, 'EntityTooLarge');
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: KEY }), { expiresIn: 300 });
      const path = url.slice(srv.url.length);
      for (let i = 0; i < 3; i++) {
        // Either the server closed the connection (the agent then opens a new one) or it drained
        // the refused body; a request must never hang on a half-read connection.
        const next = await rawRequest(srv.url, { method: 'GET', path, agent, timeoutMs: 5_000 }).catch((e: Error) => {
          throw new Error(`follow-up request #${i + 1} on the keep-alive connection failed: ${e.message}`);
        });
        assert.equal(next.status, 200, `follow-up request #${i + 1}: ${next.text.slice(0, 200)}`);
        assert.equal(sha256Hex(next.body), sha256Hex(DATA));
      }
    } finally {
      agent.destroy();
    }
    assert.equal(await storedBytes(key), undefined);
  });

  test('a file below content-length-range is EntityTooSmall 400', async () => {
    const key = 'forms/too-small.bin';
    const post = await createPresignedPost(s3, { Bucket: bucket, Key: key, Conditions: [['content-length-range', 10, 1024]], Expires: 300 });
    expectS3Error(await fromFetch(await submit(post, 'tiny')), 400, 'EntityTooSmall');
    assert.equal(await storedBytes(key), undefined);
  });

  test('a key that violates the policy is AccessDenied 403', async () => {
    const post = await createPresignedPost(s3, { Bucket: bucket, Key: 'forms/allowed.txt', Conditions: conditions(1024), Expires: 300 });
    const res = await fromFetch(await submit(post, 'x', { override: { key: 'elsewhere/evil.txt' } }));
    expectS3Error(res, 403, 'AccessDenied');
    assert.equal(await storedBytes('elsewhere/evil.txt'), undefined);
  });

  test('a form field not covered by the policy is AccessDenied 403', async () => {
    const key = 'forms/extra-field.txt';
    const post = await createPresignedPost(s3, { Bucket: bucket, Key: key, Conditions: conditions(1024), Expires: 300 });
    const res = await fromFetch(await submit(post, 'x', { extra: { 'x-amz-meta-sneaky': 'yes' } }));
    expectS3Error(res, 403, 'AccessDenied');
    assert.equal(await storedBytes(key), undefined);
  });

  test('an expired policy is AccessDenied 403', async () => {
    const key = 'forms/expired.txt';
    const post = await createPresignedPost(s3, { Bucket: bucket, Key: key, Conditions: conditions(1024), Expires: 1 });
    await sleep(2200);
    const res = await fromFetch(await submit(post, 'late'));
    expectS3Error(res, 403, 'AccessDenied');
    assert.equal(await storedBytes(key), undefined);
  });

  test('a tampered policy (raised size limit, same signature) is SignatureDoesNotMatch 403', async () => {
    const key = 'forms/tampered.bin';
    const post = await createPresignedPost(s3, { Bucket: bucket, Key: key, Conditions: conditions(10), Expires: 300 });
    const policy = JSON.parse(Buffer.from(post.fields['Policy']!, 'base64').toString('utf8')) as { conditions: unknown[] };
    policy.conditions = policy.conditions.map((c) => (Array.isArray(c) && c[0] === 'content-length-range' ? ['content-length-range', 1, 1_000_000] : c));
    const forged = Buffer.from(JSON.stringify(policy)).toString('base64');
    const res = await fromFetch(await submit(post, randomBytes(5000), { override: { Policy: forged } }));
    expectS3Error(res, 403, 'SignatureDoesNotMatch');
    assert.equal(await storedBytes(key), undefined);
  });

  test('a form signed with the wrong secret is SignatureDoesNotMatch 403', async () => {
    const key = 'forms/wrong-secret.txt';
    const c = srv.makeClient({ secretAccessKey: 'not-the-secret-at-all' });
    try {
      const post = await createPresignedPost(c, { Bucket: bucket, Key: key, Conditions: conditions(1024), Expires: 300 });
      expectS3Error(await fromFetch(await submit(post, 'x')), 403, 'SignatureDoesNotMatch');
      assert.equal(await storedBytes(key), undefined);
    } finally {
      c.destroy();
    }
  });

  test('an unsigned form (no policy, no signature) to a private bucket is AccessDenied 403', async () => {
    const form = new FormData();
    form.append('key', 'forms/anonymous.txt');
    form.append('file', new Blob([new Uint8Array(Buffer.from('anon'))]), 'a.txt');
    const res = await fromFetch(await fetch(`${srv.url}/${bucket}`, { method: 'POST', body: form }));
    expectS3Error(res, [403, 400], ['AccessDenied', 'InvalidArgument']);
    assert.equal(await storedBytes('forms/anonymous.txt'), undefined);
  });

  test('errors never leak a stored object: a follow-up SDK GET of refused keys is NoSuchKey', async () => {
    for (const key of ['forms/too-big.bin', 'forms/expired.txt', 'forms/tampered.bin']) {
      assert.deepEqual(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))), { code: 'NoSuchKey', status: 404 });
    }
  });
});
