/**
 * The worked examples AWS publishes for S3 SigV4, as exact vectors:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { test } from 'node:test';
import { AppError } from '../../core/errors.js';
import { authenticate, createChunkedDecoder, type Authenticated, type SignableRequest } from './index.js';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const lookup = (id: string) => (id === AKID ? { accessKeyId: AKID, secretAccessKey: SECRET } : undefined);
const NOW = new Date('2013-05-24T00:00:00Z');
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const HOST = 'examplebucket.s3.amazonaws.com';

function authHeader(signedHeaders: string, signature: string): string {
  return `AWS4-HMAC-SHA256 Credential=${AKID}/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signedHeaders},Signature=${signature}`;
}

async function verify(req: SignableRequest, now = NOW): Promise<Authenticated> {
  const auth = await authenticate(req, { lookup, now });
  assert.equal(auth.anonymous, false);
  return auth as Authenticated;
}

test('GET Object with a Range header verifies (f0e8bdb8…)', async () => {
  const headers = {
    host: HOST,
    range: 'bytes=0-9',
    'x-amz-content-sha256': EMPTY,
    'x-amz-date': '20130524T000000Z',
    authorization: authHeader(
      'host;range;x-amz-content-sha256;x-amz-date',
      'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    ),
  };
  const auth = await verify({ method: 'GET', rawPath: '/test.txt', rawQuery: '', headers });
  assert.equal(auth.accessKeyId, AKID);
  assert.equal(auth.region, 'us-east-1');
  assert.deepEqual(auth.payload, { kind: 'signed', sha256Hex: EMPTY });

  // With the wrong secret the error carries AWS's canonical request and string to sign.
  const wrong = () => ({ accessKeyId: AKID, secretAccessKey: 'nope' });
  const err = await authenticate({ method: 'GET', rawPath: '/test.txt', rawQuery: '', headers }, { lookup: wrong, now: NOW }).then(
    () => assert.fail('expected SignatureDoesNotMatch'),
    (e: unknown) => e as AppError,
  );
  assert.equal(err.code, 'SignatureDoesNotMatch');
  assert.equal(
    err.details?.CanonicalRequest,
    [
      'GET',
      '/test.txt',
      '',
      `host:${HOST}`,
      'range:bytes=0-9',
      `x-amz-content-sha256:${EMPTY}`,
      'x-amz-date:20130524T000000Z',
      '',
      'host;range;x-amz-content-sha256;x-amz-date',
      EMPTY,
    ].join('\n'),
  );
  assert.equal(
    err.details?.StringToSign,
    'AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972',
  );
});

test('PUT Object with a $ in the key verifies whether or not the client escaped it (98ad7217…)', async () => {
  const body = 'Welcome to Amazon S3.';
  const bodyHash = createHash('sha256').update(body).digest('hex');
  assert.equal(bodyHash, '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
  const headers = {
    host: HOST,
    date: 'Fri, 24 May 2013 00:00:00 GMT',
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    'x-amz-content-sha256': bodyHash,
    authorization: authHeader(
      'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
      '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
    ),
  };
  for (const rawPath of ['/test%24file.text', '/test$file.text', '/test%24file%2etext']) {
    const auth = await verify({ method: 'PUT', rawPath, rawQuery: '', headers });
    assert.deepEqual(auth.payload, { kind: 'signed', sha256Hex: bodyHash }, rawPath);
  }
});

test('GET Bucket lifecycle: a query parameter without a value (fea454ca…)', async () => {
  const headers = {
    host: HOST,
    'x-amz-date': '20130524T000000Z',
    'x-amz-content-sha256': EMPTY,
    authorization: authHeader(
      'host;x-amz-content-sha256;x-amz-date',
      'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
    ),
  };
  await verify({ method: 'GET', rawPath: '/', rawQuery: 'lifecycle', headers });
  await verify({ method: 'GET', rawPath: '/', rawQuery: 'lifecycle=', headers });
});

test('GET Bucket (List Objects): parameters sorted whatever the wire order (34b48302…)', async () => {
  const headers = {
    host: HOST,
    'x-amz-date': '20130524T000000Z',
    'x-amz-content-sha256': EMPTY,
    authorization: authHeader(
      'host;x-amz-content-sha256;x-amz-date',
      '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
    ),
  };
  for (const rawQuery of ['max-keys=2&prefix=J', 'prefix=J&max-keys=2', 'prefix=%4A&max-keys=2']) {
    await verify({ method: 'GET', rawPath: '/', rawQuery, headers });
  }
  await assert.rejects(verify({ method: 'GET', rawPath: '/', rawQuery: 'prefix=K&max-keys=2', headers }), {
    code: 'SignatureDoesNotMatch',
  });
});

test('presigned GET Object URL (aeeed9bb…) until it expires a day later', async () => {
  const rawQuery =
    'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request' +
    '&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host' +
    '&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';
  const req = { method: 'GET', rawPath: '/test.txt', rawQuery, headers: { host: HOST } };
  const auth = await verify(req, new Date('2013-05-24T12:00:00Z'));
  assert.equal(auth.presigned, true);
  assert.deepEqual(auth.payload, { kind: 'unsigned' });
  await verify(req, new Date('2013-05-25T00:00:00Z'));
  await assert.rejects(verify(req, new Date('2013-05-25T00:00:01Z')), { code: 'AccessDenied', message: 'Request has expired' });
});

const CHUNKED_PATH = '/examplebucket/chunkObject.txt';
const A64K = Buffer.alloc(65536, 'a');
const A1K = Buffer.alloc(1024, 'a');

function chunkedBody(signatures: readonly string[], trailer: string): Buffer {
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${signatures[0]}\r\n`),
    A64K,
    Buffer.from(`\r\n400;chunk-signature=${signatures[1]}\r\n`),
    A1K,
    Buffer.from(`\r\n0;chunk-signature=${signatures[2]}\r\n${trailer}\r\n`),
  ]);
}

test('chunked upload example: seed 4f232c43…, chunks ad80c730…, 0055627c…, b6c6ea8a…', async () => {
  const signatures = [
    'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
    '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
    'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
  ];
  const body = chunkedBody(signatures, '');
  assert.equal(body.length, 66824, 'the documented Content-Length');
  const headers = {
    host: 's3.amazonaws.com',
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '66560',
    'content-length': '66824',
    authorization: authHeader(
      'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class',
      '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
    ),
  };
  const auth = await verify({ method: 'PUT', rawPath: CHUNKED_PATH, rawQuery: '', headers });
  assert.deepEqual(auth.payload, { kind: 'streaming-signed' });
  assert.equal(auth.signing.seedSignature, '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9');

  const decoded = await text(
    Readable.from([body]).pipe(
      createChunkedDecoder({ mode: auth.payload, signing: auth.signing, decodedContentLength: 66560 }),
    ),
  );
  assert.equal(decoded, 'a'.repeat(66560));

  // A different first chunk signature is refused.
  const bad = chunkedBody(['0'.repeat(64), signatures[1]!, signatures[2]!], '');
  await assert.rejects(
    text(Readable.from([bad]).pipe(createChunkedDecoder({ mode: auth.payload, signing: auth.signing }))),
    { code: 'SignatureDoesNotMatch' },
  );
});

test('chunked upload with a trailer example: seed 106e2a8a…, trailer signature d81f82fc…', async () => {
  const headers = {
    host: 's3.amazonaws.com',
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '66560',
    'x-amz-trailer': 'x-amz-checksum-crc32c',
    authorization: authHeader(
      'content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer',
      '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e',
    ),
  };
  const auth = await verify({ method: 'PUT', rawPath: CHUNKED_PATH, rawQuery: '', headers });
  assert.deepEqual(auth.payload, { kind: 'streaming-signed-trailer' });
  const body = chunkedBody(
    [
      'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
      '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
      '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
    ],
    'x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n',
  );
  const decoder = createChunkedDecoder({ mode: auth.payload, signing: auth.signing, decodedContentLength: 66560 });
  assert.equal((await text(Readable.from([body]).pipe(decoder))).length, 66560);
  assert.deepEqual(decoder.trailers, { 'x-amz-checksum-crc32c': 'sOO8/Q==' });
});
