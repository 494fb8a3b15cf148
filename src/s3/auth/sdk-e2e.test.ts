/**
 * The real @aws-sdk/client-s3 talking to a tiny node:http server that only
 * records what arrives; every recorded request is then authenticated (and
 * aws-chunked bodies decoded) by this module, exactly as the HTTP layer would.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, test } from 'node:test';
import { crc32 } from 'node:zlib';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { authenticate, createChunkedDecoder, type Authenticated, type SignableRequest } from './index.js';
import { AKID, CREDS, lookup } from './sigv4-fixtures.js';

interface Captured {
  req: SignableRequest;
  joinedHeaders: SignableRequest['headers'];
  body: Buffer;
}

const captured: Captured[] = [];
let server: ReturnType<typeof createServer>;
let endpoint = '';
let client: S3Client;

function respond(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  if (req.method === 'GET' && url.includes('list-type=2')) {
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>');
  } else if (req.method === 'POST' && url.includes('delete')) {
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?><DeleteResult></DeleteResult>');
  } else if (req.method === 'DELETE') {
    res.writeHead(204);
    res.end();
  } else if (req.method === 'GET') {
    res.writeHead(200, { 'content-length': '5', etag: '"e"' });
    res.end('hello');
  } else {
    res.writeHead(200, { etag: '"e"', 'content-length': '0' });
    res.end();
  }
}

before(async () => {
  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      captured.push({
        req: {
          method: req.method ?? 'GET',
          rawPath: q === -1 ? url : url.slice(0, q),
          rawQuery: q === -1 ? '' : url.slice(q + 1),
          headers: req.headersDistinct,
        },
        joinedHeaders: req.headers,
        body: Buffer.concat(parts),
      });
      respond(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new S3Client({ region: 'eu-central-1', endpoint, forcePathStyle: true, credentials: CREDS, maxAttempts: 1 });
});

after(() => {
  client.destroy();
  server.close();
});

async function last(run: () => Promise<unknown>): Promise<Captured> {
  const before = captured.length;
  await run();
  assert.equal(captured.length, before + 1, 'exactly one request reached the server');
  return captured[captured.length - 1]!;
}

async function verified(c: Captured): Promise<Authenticated> {
  const auth = await authenticate(c.req, { lookup });
  assert.equal(auth.anonymous, false);
  assert.equal((auth as Authenticated).accessKeyId, AKID);
  assert.equal((auth as Authenticated).region, 'eu-central-1');
  // Node's joined headers work too for requests without repeated headers.
  await authenticate({ ...c.req, headers: c.joinedHeaders }, { lookup });
  return auth as Authenticated;
}

const KEYS = ['plain.txt', 'a b+c.txt', 'dir/sub dir/ключ €.bin', "odd!'()*$&,;=@:~.txt", 'pct%2Fliteral%20.txt', '😀/x', 'trailing/'];

test('SDK header-signed requests verify: PutObject, GetObject (Range), HeadObject, DeleteObject with odd keys', async () => {
  for (const Key of KEYS) {
    const put = await last(() =>
      client.send(new PutObjectCommand({ Bucket: 'bucket', Key, Body: Buffer.from('hello'), Metadata: { note: 'a  b' }, ContentType: 'text/plain' })),
    );
    const auth = await verified(put);
    if (auth.payload.kind === 'signed') {
      assert.equal(auth.payload.sha256Hex, createHash('sha256').update(put.body).digest('hex'));
    }
    await verified(await last(() => client.send(new GetObjectCommand({ Bucket: 'bucket', Key, Range: 'bytes=0-3' })).then((r) => r.Body?.transformToString())));
    await verified(await last(() => client.send(new HeadObjectCommand({ Bucket: 'bucket', Key }))));
    await verified(await last(() => client.send(new DeleteObjectCommand({ Bucket: 'bucket', Key, VersionId: '3/L4kq+tJl==' }))));
  }
});

test('SDK list and batch requests verify: query parameters with reserved characters, POST ?delete', async () => {
  const list = await last(() =>
    client.send(
      new ListObjectsV2Command({ Bucket: 'bucket', Prefix: 'a b+c/ключ', Delimiter: '/', ContinuationToken: 'ab+/==', StartAfter: 'x y', MaxKeys: 10 }),
    ),
  );
  assert.match(list.req.rawQuery, /prefix=a%20b%2Bc%2F/);
  await verified(list);
  const del = await last(() =>
    client.send(new DeleteObjectsCommand({ Bucket: 'bucket', Delete: { Objects: [{ Key: 'a b' }, { Key: 'ключ' }] } })),
  );
  await verified(del);
});

test('SDK PutObject with a stream body: STREAMING-UNSIGNED-PAYLOAD-TRAILER with a CRC32 trailer', async () => {
  const data = Buffer.alloc(300_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 251;
  const pieces = [data.subarray(0, 100_000), data.subarray(100_000, 100_001), data.subarray(100_001)];
  const put = await last(() =>
    // This SDK version sends x-amz-decoded-content-length, so a stream needs its length up front.
    client.send(
      new PutObjectCommand({ Bucket: 'bucket', Key: 'streamed object', Body: Readable.from(pieces), ContentLength: data.length }),
    ),
  );
  const auth = await verified(put);
  assert.deepEqual(auth.payload, { kind: 'streaming-unsigned-trailer' });
  assert.equal(put.req.headers['x-amz-trailer']?.[0], 'x-amz-checksum-crc32');
  const decodedLength = put.req.headers['x-amz-decoded-content-length']?.[0];

  for (const chunking of ['whole', 'bytewise-prefix'] as const) {
    const decoder = createChunkedDecoder({
      mode: auth.payload,
      signing: auth.signing,
      ...(decodedLength === undefined ? {} : { decodedContentLength: Number(decodedLength) }),
    });
    const out: Buffer[] = [];
    decoder.on('data', (b: Buffer) => out.push(b));
    const input =
      chunking === 'whole'
        ? [put.body]
        : [...Array.from({ length: 64 }, (_, i) => put.body.subarray(i, i + 1)), put.body.subarray(64)];
    await pipeline(Readable.from(input), decoder);
    assert.ok(Buffer.concat(out).equals(data));
    const expected = Buffer.alloc(4);
    expected.writeUInt32BE(crc32(data));
    assert.deepEqual(decoder.trailers, { 'x-amz-checksum-crc32': expected.toString('base64') });
  }
});

function send(url: string, method: string, body?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method }, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('presigned URLs from @aws-sdk/s3-request-presigner verify when used over HTTP', async () => {
  for (const Key of KEYS) {
    const getUrl = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'bucket', Key, ResponseContentDisposition: 'attachment; filename="a b.txt"' }), { expiresIn: 300 });
    const get = await last(() => send(getUrl, 'GET'));
    const auth = await verified(get);
    assert.equal(auth.presigned, true);
    assert.deepEqual(auth.payload, { kind: 'unsigned' });

    const putUrl = await getSignedUrl(client, new PutObjectCommand({ Bucket: 'bucket', Key }), { expiresIn: 300 });
    const put = await last(() => send(putUrl, 'PUT', Buffer.from('presigned body')));
    assert.equal((await verified(put)).presigned, true);
  }
  const expiring = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'bucket', Key: 'k' }), { expiresIn: 1 });
  const get = await last(() => send(expiring, 'GET'));
  await assert.rejects(authenticate(get.req, { lookup, now: new Date(Date.now() + 5000) }), { message: 'Request has expired' });
});
