/**
 * A real browser against Sovra: headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core) loads a web app from one loopback origin and talks to Sovra on another, the
 * way a customer's single-page app or plain HTML form uploads straight to storage. The
 * browser enforces CORS itself, so these tests show what Node-side CORS tests cannot: that
 * Sovra's preflight answers, exposed headers and error responses are what a browser accepts.
 *
 *   npm run test:browser        (needs a built tree and Chromium; .ci/run installs it)
 *   CHROMIUM_PATH=/path/to/chrome npm run test:browser
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { chromium, type Browser, type Page } from 'playwright-core';
import { removeServerDirs, startSovra, type SovraServer } from '../clients/sovra-server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// The flags a sandboxed CI container needs, and none that reach out to Google's services.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let sovra: SovraServer;
let s3: S3Client;
let browser: Browser;
let app: WebOrigin;
let stranger: WebOrigin;
let appPage: Page;
let strangerPage: Page;
const bucket = `browser-${randomBytes(4).toString('hex')}`;

interface WebOrigin { origin: string; close(): Promise<void> }

/**
 * A web app's origin: serves one empty page and, for the form test, a landing page that
 * success_action_redirect sends the browser to. Bound to loopback only.
 */
async function startOrigin(): Promise<WebOrigin> {
  const srv = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>${req.url}</title><body>${req.url === '/' ? 'app' : 'landed'}</body>`);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise((r) => { srv.closeAllConnections(); srv.close(() => r()); }) };
}

const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

async function stored(key: string): Promise<Buffer | undefined> {
  try {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await r.Body!.transformToByteArray());
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchKey') return undefined;
    throw e;
  }
}

/** What a page's fetch saw: a network-level refusal (CORS) is `blocked`, not a status. */
interface Seen { blocked?: string; status?: number; headers?: Record<string, string | null>; text?: string }

/** Runs fetch inside the page (its origin, its CORS rules) and reports what the script could see. */
async function pageFetch(page: Page, url: string, init: { method: string; body?: string; headers?: Record<string, string> }, read: string[] = []): Promise<Seen> {
  return await page.evaluate(async ({ url, init, read }) => {
    try {
      const r = await fetch(url, init);
      const headers: Record<string, string | null> = {};
      for (const h of read) headers[h] = r.headers.get(h);
      return { status: r.status, headers, text: await r.text() };
    } catch (e) {
      return { blocked: String(e) };
    }
  }, { url, init, read });
}

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  sovra = await startSovra();
  s3 = new S3Client({
    endpoint: sovra.url,
    region: sovra.region,
    forcePathStyle: true,
    credentials: { accessKeyId: sovra.accessKey, secretAccessKey: sovra.secretKey },
    // Presigned PUTs must not carry a checksum of an empty body (the SDK's default would).
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  app = await startOrigin();
  stranger = await startOrigin();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new PutBucketCorsCommand({
    Bucket: bucket,
    CORSConfiguration: {
      CORSRules: [{
        AllowedOrigins: [app.origin],
        AllowedMethods: ['GET', 'PUT', 'POST', 'HEAD', 'DELETE'],
        AllowedHeaders: ['*'],
        ExposeHeaders: ['ETag', 'x-amz-version-id', 'Content-Range'],
        MaxAgeSeconds: 60,
      }],
    },
  }));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  appPage = await browser.newPage();
  await appPage.goto(app.origin + '/');
  strangerPage = await browser.newPage();
  await strangerPage.goto(stranger.origin + '/');
});

after(async () => {
  await browser?.close();
  s3?.destroy();
  await app?.close();
  await stranger?.close();
  if (sovra) {
    await sovra.stop();
    removeServerDirs(sovra);
  }
});

describe('a browser app on an allowed origin', () => {
  test('PUT through a presigned URL: the preflight passes and the exposed ETag is readable', async () => {
    const body = 'hello from the browser ' + randomBytes(8).toString('hex');
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: 'spa/put.txt', ContentType: 'text/plain' }), { expiresIn: 300 });
    const seen = await pageFetch(appPage, url, { method: 'PUT', body, headers: { 'Content-Type': 'text/plain' } }, ['etag']);
    assert.equal(seen.blocked, undefined, `the browser refused the request: ${seen.blocked}`);
    assert.equal(seen.status, 200, seen.text);
    assert.equal(seen.headers!.etag, `"${md5(body)}"`);
    assert.equal((await stored('spa/put.txt'))?.toString(), body);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'spa/put.txt' }));
    assert.equal(head.ContentType, 'text/plain');
  });

  test('GET with a Range through a presigned URL: 206 and the exposed Content-Range', async () => {
    const data = randomBytes(1000).toString('hex');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'spa/range.txt', Body: data }));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'spa/range.txt' }), { expiresIn: 300 });
    const seen = await pageFetch(appPage, url, { method: 'GET', headers: { Range: 'bytes=10-29' } }, ['content-range', 'etag']);
    assert.equal(seen.blocked, undefined, `the browser refused the request: ${seen.blocked}`);
    assert.equal(seen.status, 206);
    assert.equal(seen.text, data.slice(10, 30));
    assert.equal(seen.headers!['content-range'], `bytes 10-29/${data.length}`);
    assert.equal(seen.headers!.etag, `"${md5(data)}"`);
  });

  test('a multipart upload whose parts the browser PUTs, reading each part ETag (as Uppy and similar do)', async () => {
    const key = 'spa/multipart.bin';
    const part1 = randomBytes(5 * 1024 * 1024).toString('base64').slice(0, 5 * 1024 * 1024);
    const part2 = 'the last part ' + randomBytes(16).toString('hex');
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    const etags: string[] = [];
    for (const [i, body] of [part1, part2].entries()) {
      const url = await getSignedUrl(s3, new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: i + 1 }), { expiresIn: 300 });
      const seen = await pageFetch(appPage, url, { method: 'PUT', body }, ['etag']);
      assert.equal(seen.blocked, undefined, `part ${i + 1} refused by the browser: ${seen.blocked}`);
      assert.equal(seen.status, 200, seen.text);
      assert.equal(seen.headers!.etag, `"${md5(body)}"`);
      etags.push(seen.headers!.etag!);
    }
    await s3.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key: key, UploadId,
      MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
    }));
    const got = await stored(key);
    assert.equal(got?.length, part1.length + part2.length);
    assert.equal(md5(got!), md5(part1 + part2));
  });

  test('a presigned POST sent with fetch and FormData: 204, readable by the page', async () => {
    const body = 'posted by fetch ' + randomBytes(8).toString('hex');
    const post = await createPresignedPost(s3, { Bucket: bucket, Key: 'spa/post-fetch.txt', Expires: 300, Conditions: [['content-length-range', 1, 1024]] });
    const seen = await appPage.evaluate(async ({ url, fields, body }) => {
      const fd = new FormData();
      for (const [k, v] of Object.entries(fields)) fd.append(k, v);
      fd.append('file', new Blob([body], { type: 'text/plain' }), 'note.txt');
      try {
        const r = await fetch(url, { method: 'POST', body: fd });
        return { status: r.status, etag: r.headers.get('etag') };
      } catch (e) {
        return { blocked: String(e) };
      }
    }, { url: post.url, fields: post.fields, body });
    assert.equal(seen.blocked, undefined, `the browser refused the request: ${seen.blocked}`);
    assert.equal(seen.status, 204);
    assert.equal(seen.etag, `"${md5(body)}"`);
    assert.equal((await stored('spa/post-fetch.txt'))?.toString(), body);
  });

  test('a plain HTML form with a file input, submitted by a click, lands on success_action_redirect', async () => {
    const content = Buffer.from('a file chosen in a form ' + randomBytes(8).toString('hex'));
    const landing = `${app.origin}/uploaded`;
    const post = await createPresignedPost(s3, {
      Bucket: bucket, Key: 'forms/${filename}', Expires: 300,
      Fields: { success_action_redirect: landing },
      Conditions: [['starts-with', '$key', 'forms/'], ['content-length-range', 1, 1024]],
    });
    const page = await browser.newPage();
    try {
      await page.goto(app.origin + '/');
      const inputs = Object.entries(post.fields).map(([k, v]) => `<input type="hidden" name="${k}" value="${v.replace(/"/g, '&quot;')}">`).join('');
      await page.setContent(`<form id="f" action="${post.url}" method="post" enctype="multipart/form-data">${inputs}
        <input type="file" name="file"><button type="submit">Upload</button></form>`);
      await page.setInputFiles('input[type=file]', { name: 'form-file.txt', mimeType: 'text/plain', buffer: content });
      await Promise.all([page.waitForURL((u) => u.href.startsWith(landing)), page.click('button[type=submit]')]);
      const q = new URL(page.url()).searchParams;
      assert.equal(q.get('bucket'), bucket);
      assert.equal(q.get('key'), 'forms/form-file.txt');
      assert.equal(q.get('etag'), `"${md5(content)}"`);
      assert.deepEqual(await stored('forms/form-file.txt'), content);
    } finally {
      await page.close();
    }
  });

  test('an S3 error reaches the page as a readable 403 with its XML code, and nothing is written', async () => {
    const url = new URL(await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: 'spa/forged.txt' }), { expiresIn: 300 }));
    const sig = url.searchParams.get('X-Amz-Signature')!;
    url.searchParams.set('X-Amz-Signature', (sig[0] === '0' ? '1' : '0') + sig.slice(1));
    const seen = await pageFetch(appPage, url.href, { method: 'PUT', body: 'forged' });
    assert.equal(seen.blocked, undefined, `the browser hid the error from the page: ${seen.blocked}`);
    assert.equal(seen.status, 403);
    assert.match(seen.text!, /<Code>SignatureDoesNotMatch<\/Code>/);
    assert.equal(await stored('spa/forged.txt'), undefined);
  });
});

describe('a page on an origin the bucket does not allow', () => {
  test('its presigned PUT is stopped at the preflight and nothing is written', async () => {
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: 'stranger/put.txt', ContentType: 'text/plain' }), { expiresIn: 300 });
    const seen = await pageFetch(strangerPage, url, { method: 'PUT', body: 'not allowed', headers: { 'Content-Type': 'text/plain' } });
    assert.match(seen.blocked ?? '', /Failed to fetch/, `expected the browser to block the request, saw status ${seen.status}`);
    assert.equal(await stored('stranger/put.txt'), undefined);
  });

  test('it cannot read an object even with a valid presigned GET URL', async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'stranger/secret.txt', Body: 'private' }));
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'stranger/secret.txt' }), { expiresIn: 300 });
    const seen = await pageFetch(strangerPage, url, { method: 'GET' });
    assert.match(seen.blocked ?? '', /Failed to fetch/, `expected the browser to withhold the response, saw status ${seen.status}`);
  });
});
