/**
 * Broken requests the SDK will not send, over raw HTTP and raw sockets, signed
 * by hand where the server must get past authentication first. Each must be
 * refused with a well-formed S3 XML error, and none may damage stored data:
 * the last test checks every object seeded at the start is byte-identical.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { bodyBytes, startTestServer, uniqueBucket, type TestServer } from './harness.js';
import {
  assertWellFormedError,
  encodeKey,
  expectS3Error,
  md5Base64,
  md5Hex,
  parseRawResponse,
  rawRequest,
  rawSocket,
  sha256Hex,
  signRequest,
  signedChunkedBody,
  signedRequest,
  sleep,
  type RawResponse,
} from './raw-http.js';

let srv: TestServer;
let s3: S3Client;
let bucket: string;
let uploadId: string;
const MP_KEY = 'bad/multipart-target';

/** Every object that must exist at the end, with its exact bytes. */
const expected = new Map<string, Buffer>();
const SEEDS: Record<string, Buffer> = {
  'seed/small.txt': Buffer.from('small seed object'),
  'seed/binary.bin': randomBytes(256 * 1024),
  'seed/victim-short-body': randomBytes(4096),
  'seed/victim-chunked': randomBytes(100_000),
  'seed/victim-sha': Buffer.from('victim of a payload hash mismatch'),
  'seed/victim-decoded-length': randomBytes(20_000),
  'seed/delete-me-not': Buffer.from('DeleteObjects with bad XML must not delete me'),
};

before(async () => {
  srv = await startTestServer();
  s3 = srv.client;
  bucket = uniqueBucket('bad');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const [key, body] of Object.entries(SEEDS)) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    expected.set(key, body);
  }
  uploadId = (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: MP_KEY }))).UploadId!;
});

after(async () => {
  await srv?.stop();
});

function objPath(key: string): string {
  return `/${bucket}/${encodeKey(key)}`;
}

async function stored(key: string): Promise<Buffer | undefined> {
  try {
    return await bodyBytes((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body);
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchKey') return undefined;
    throw e;
  }
}

async function assertAbsent(key: string): Promise<void> {
  assert.equal(await stored(key), undefined, `${key} must not exist`);
}

async function assertUnchanged(key: string): Promise<void> {
  const got = await stored(key);
  assert.ok(got, `${key} must still exist`);
  assert.equal(sha256Hex(got), sha256Hex(expected.get(key)!), `${key} must be byte-identical`);
}

describe('malformed XML', () => {
  const BAD_DOCS = [
    '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>',
    'this is not xml at all',
    '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"x"</ETag></Part></Wrong>',
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&lol2;</ETag></Part></CompleteMultipartUpload>',
  ];

  for (const [i, doc] of BAD_DOCS.entries()) {
    test(`CompleteMultipartUpload with malformed XML #${i + 1} is MalformedXML 400`, async () => {
      const res = await signedRequest(srv.url, { method: 'POST', path: objPath(MP_KEY), query: { uploadId }, body: doc });
      expectS3Error(res, 400, 'MalformedXML');
    });
  }

  test('CompleteMultipartUpload with an empty body is MalformedXML 400', async () => {
    const res = await signedRequest(srv.url, { method: 'POST', path: objPath(MP_KEY), query: { uploadId }, body: '' });
    expectS3Error(res, 400, 'MalformedXML');
  });

  test('the upload survives malformed Completes (ListParts still works) and nothing was stored', async () => {
    const res = await signedRequest(srv.url, { method: 'GET', path: objPath(MP_KEY), query: { uploadId } });
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /<ListPartsResult/);
    await assertAbsent(MP_KEY);
  });

  async function deleteObjects(doc: string, withMd5 = true): Promise<RawResponse> {
    return signedRequest(srv.url, {
      method: 'POST',
      path: `/${bucket}`,
      query: { delete: '' },
      body: doc,
      headers: withMd5 ? { 'content-md5': md5Base64(doc), 'content-type': 'application/xml' } : { 'content-type': 'application/xml' },
    });
  }

  test('DeleteObjects with unclosed XML is MalformedXML 400 and deletes nothing', async () => {
    const res = await deleteObjects('<Delete><Object><Key>seed/delete-me-not</Key></Object>');
    expectS3Error(res, 400, 'MalformedXML');
    await assertUnchanged('seed/delete-me-not');
  });

  test('DeleteObjects with garbage is MalformedXML 400', async () => {
    expectS3Error(await deleteObjects('{"Objects":[{"Key":"seed/delete-me-not"}]}'), 400, 'MalformedXML');
    await assertUnchanged('seed/delete-me-not');
  });

  test('DeleteObjects with no Object elements is MalformedXML 400', async () => {
    expectS3Error(await deleteObjects('<Delete></Delete>'), 400, 'MalformedXML');
  });

  test('DeleteObjects with more than 1000 keys is MalformedXML 400 and deletes nothing', async () => {
    const objects = Array.from({ length: 1001 }, (_, i) => `<Object><Key>${i === 0 ? 'seed/delete-me-not' : `nope-${i}`}</Key></Object>`).join('');
    expectS3Error(await deleteObjects(`<Delete>${objects}</Delete>`), 400, 'MalformedXML');
    await assertUnchanged('seed/delete-me-not');
  });

  test('DeleteObjects without Content-MD5 or a checksum is InvalidRequest 400', async () => {
    const res = await deleteObjects('<Delete><Object><Key>seed/delete-me-not</Key></Object></Delete>', false);
    expectS3Error(res, 400, 'InvalidRequest');
    await assertUnchanged('seed/delete-me-not');
  });

  test('DeleteObjects with a wrong Content-MD5 is BadDigest 400', async () => {
    const doc = '<Delete><Object><Key>seed/delete-me-not</Key></Object></Delete>';
    const res = await signedRequest(srv.url, { method: 'POST', path: `/${bucket}`, query: { delete: '' }, body: doc, headers: { 'content-md5': md5Base64('other') } });
    expectS3Error(res, 400, 'BadDigest');
    await assertUnchanged('seed/delete-me-not');
  });
});

describe('body shorter than Content-Length', () => {
  async function shortPut(key: string, declared: number, sent: Buffer, how: 'half-close' | 'destroy'): Promise<RawResponse | undefined> {
    const signed = await signRequest(srv.url, { method: 'PUT', path: objPath(key), payloadHash: 'UNSIGNED-PAYLOAD', headers: { 'content-length': String(declared) } });
    const head = [`PUT ${signed.path} HTTP/1.1`, ...Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
    const { raw } = await rawSocket(srv.url, Buffer.concat([Buffer.from(head), sent]), { halfClose: how === 'half-close', waitMs: how === 'destroy' ? 300 : 3000 });
    await sleep(300); // let the server notice the disconnect and clean up
    return parseRawResponse(raw);
  }

  test('a new key: client half-closes after half the body; no object appears', async () => {
    const key = 'bad/short-new';
    const res = await shortPut(key, 1000, randomBytes(500), 'half-close');
    // If the server answers at all, it must be AWS's IncompleteBody.
    if (res) expectS3Error(res, 400, 'IncompleteBody');
    await assertAbsent(key);
  });

  test('an existing key: client half-closes after half the body; the previous version is intact', async () => {
    const key = 'seed/victim-short-body';
    const res = await shortPut(key, 8192, randomBytes(4096), 'half-close');
    if (res) expectS3Error(res, 400, 'IncompleteBody');
    await assertUnchanged(key);
  });

  test('an existing key: client drops the connection mid-body; the previous version is intact', async () => {
    const key = 'seed/victim-short-body';
    await shortPut(key, 1024 * 1024, randomBytes(300_000), 'destroy');
    await assertUnchanged(key);
    const again = await stored(key);
    assert.ok(again, 'the server still serves requests after the aborted upload');
  });
});

describe('aws-chunked with signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)', () => {
  const CHUNKS = [randomBytes(64 * 1024), randomBytes(64 * 1024), randomBytes(1000)];
  const DECODED = Buffer.concat(CHUNKS);

  async function chunkedPut(key: string, opts: { corruptSignatureOf?: number; corruptDataOf?: number; decodedLength?: number } = {}): Promise<RawResponse> {
    // The encoded length does not depend on the signature values, so measure it with a dummy seed.
    const encodedLength = signedChunkedBody({ seedSignature: '0'.repeat(64), amzDate: '20250101T000000Z', scope: '20250101/x/s3/aws4_request', chunks: CHUNKS }).length;
    const signed = await signRequest(srv.url, {
      method: 'PUT',
      path: objPath(key),
      payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      headers: {
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': String(opts.decodedLength ?? DECODED.length),
        'content-length': String(encodedLength),
      },
    });
    const body = signedChunkedBody({
      seedSignature: signed.signature,
      amzDate: signed.amzDate,
      scope: signed.scope,
      chunks: CHUNKS,
      ...(opts.corruptSignatureOf !== undefined ? { corruptSignatureOf: opts.corruptSignatureOf } : {}),
    });
    assert.equal(body.length, encodedLength);
    if (opts.corruptDataOf !== undefined) {
      // Flip one byte inside the given chunk's data, after signing.
      const headerLen = (n: number) => `${n.toString(16)};chunk-signature=${'0'.repeat(64)}\r\n`.length;
      let off = 0;
      for (let i = 0; i < opts.corruptDataOf; i++) off += headerLen(CHUNKS[i]!.length) + CHUNKS[i]!.length + 2;
      const dataStart = off + headerLen(CHUNKS[opts.corruptDataOf]!.length);
      body[dataStart + 10] = body[dataStart + 10]! ^ 0xff;
    }
    return rawRequest(srv.url, { method: 'PUT', path: signed.path, headers: signed.headers, body });
  }

  test('control: a correctly signed chunked upload stores exactly the decoded bytes', async () => {
    const key = 'bad/chunked-ok';
    const res = await chunkedPut(key);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['etag'], `"${md5Hex(DECODED)}"`);
    const got = await stored(key);
    assert.equal(sha256Hex(got!), sha256Hex(DECODED));
    expected.set(key, DECODED);
  });

  test('a corrupted middle chunk signature is SignatureDoesNotMatch 403; nothing stored', async () => {
    const key = 'bad/chunked-badsig';
    expectS3Error(await chunkedPut(key, { corruptSignatureOf: 1 }), 403, 'SignatureDoesNotMatch');
    await assertAbsent(key);
  });

  test('a corrupted final (zero-length) chunk signature is SignatureDoesNotMatch 403; the previous object is intact', async () => {
    const key = 'seed/victim-chunked';
    expectS3Error(await chunkedPut(key, { corruptSignatureOf: CHUNKS.length }), 403, 'SignatureDoesNotMatch');
    await assertUnchanged(key);
  });

  test('a corrupted first chunk signature on an existing key leaves it intact', async () => {
    const key = 'seed/victim-chunked';
    expectS3Error(await chunkedPut(key, { corruptSignatureOf: 0 }), 403, 'SignatureDoesNotMatch');
    await assertUnchanged(key);
  });

  test('chunk data altered after signing is SignatureDoesNotMatch 403; nothing stored', async () => {
    const key = 'bad/chunked-baddata';
    expectS3Error(await chunkedPut(key, { corruptDataOf: 1 }), 403, 'SignatureDoesNotMatch');
    await assertAbsent(key);
  });

  test('x-amz-decoded-content-length larger than the data is refused (400); nothing stored', async () => {
    const key = 'bad/decoded-too-large';
    const res = await chunkedPut(key, { decodedLength: DECODED.length + 10 });
    expectS3Error(res, 400, ['IncompleteBody', 'InvalidRequest', 'InvalidArgument']);
    await assertAbsent(key);
  });

  test('x-amz-decoded-content-length smaller than the data is refused (400); the previous object is intact', async () => {
    const key = 'seed/victim-decoded-length';
    const res = await chunkedPut(key, { decodedLength: DECODED.length - 10 });
    expectS3Error(res, 400, ['IncompleteBody', 'InvalidRequest', 'InvalidArgument']);
    await assertUnchanged(key);
  });
});

describe('x-amz-content-sha256', () => {
  test('a signed payload whose body does not match x-amz-content-sha256 is XAmzContentSHA256Mismatch 400; previous object intact', async () => {
    const key = 'seed/victim-sha';
    const res = await signedRequest(srv.url, { method: 'PUT', path: objPath(key), body: 'the real body', payloadHash: sha256Hex('a different body') });
    expectS3Error(res, 400, 'XAmzContentSHA256Mismatch');
    await assertUnchanged(key);
  });

  test('the same on a new key stores nothing', async () => {
    const key = 'bad/sha-new';
    const res = await signedRequest(srv.url, { method: 'PUT', path: objPath(key), body: randomBytes(100_000), payloadHash: sha256Hex('nope') });
    expectS3Error(res, 400, 'XAmzContentSHA256Mismatch');
    await assertAbsent(key);
  });

  test('control: a matching signed payload is stored', async () => {
    const key = 'bad/sha-ok';
    const body = randomBytes(10_000);
    const res = await signedRequest(srv.url, { method: 'PUT', path: objPath(key), body });
    assert.equal(res.status, 200, res.text);
    expected.set(key, body);
    await assertUnchanged(key);
  });

  test('an x-amz-content-sha256 that is neither a hash nor a known mode is InvalidArgument 400', async () => {
    const res = await signedRequest(srv.url, { method: 'PUT', path: objPath('bad/sha-garbage'), body: 'x', payloadHash: 'not-a-sha256' });
    expectS3Error(res, 400, 'InvalidArgument');
    await assertAbsent('bad/sha-garbage');
  });
});

describe('oversized request headers', () => {
  async function sendHeaders(extra: string): Promise<RawResponse> {
    const u = new URL(srv.url);
    const req = `GET /${bucket}/seed/small.txt HTTP/1.1\r\nHost: ${u.host}\r\n${extra}\r\n`;
    const { raw } = await rawSocket(srv.url, Buffer.from(req), { waitMs: 3000 });
    const res = parseRawResponse(raw);
    assert.ok(res, `expected an HTTP response, got ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`);
    return res;
  }

  test('one header over 16 KB is 400 with an S3 XML error', async () => {
    const res = await sendHeaders(`x-amz-meta-big: ${'a'.repeat(20_000)}\r\n`);
    expectS3Error(res, 400, 'RequestHeaderSectionTooLarge');
  });

  test('many headers totalling over 16 KB is 400 with an S3 XML error', async () => {
    const many = Array.from({ length: 300 }, (_, i) => `x-custom-${i}: ${'b'.repeat(80)}\r\n`).join('');
    const res = await sendHeaders(many);
    expectS3Error(res, 400, 'RequestHeaderSectionTooLarge');
  });

  test('the server still answers normally afterwards', async () => {
    await assertUnchanged('seed/small.txt');
  });
});

describe('invalid parameters', () => {
  for (const n of ['0', '10001', '-1', '1.5', 'abc', '', '99999999999999999999']) {
    test(`UploadPart partNumber=${JSON.stringify(n)} is InvalidArgument 400`, async () => {
      const res = await signedRequest(srv.url, { method: 'PUT', path: objPath(MP_KEY), query: { partNumber: n, uploadId }, body: 'part data' });
      expectS3Error(res, 400, 'InvalidArgument');
    });
  }

  test('no part was recorded by the invalid UploadParts', async () => {
    const res = await signedRequest(srv.url, { method: 'GET', path: objPath(MP_KEY), query: { uploadId } });
    assert.equal(res.status, 200, res.text);
    assert.doesNotMatch(res.text, /<Part>/);
  });

  for (const [name, query] of [
    ['ListObjectsV2 max-keys=abc', { 'list-type': '2', 'max-keys': 'abc' }],
    ['ListObjectsV2 max-keys=-1', { 'list-type': '2', 'max-keys': '-1' }],
    ['ListObjects (v1) max-keys=abc', { 'max-keys': 'abc' }],
    ['ListMultipartUploads max-uploads=abc', { uploads: '', 'max-uploads': 'abc' }],
    ['ListObjectVersions max-keys=1x', { versions: '', 'max-keys': '1x' }],
  ] as Array<[string, Record<string, string>]>) {
    test(`${name} is InvalidArgument 400`, async () => {
      expectS3Error(await signedRequest(srv.url, { method: 'GET', path: `/${bucket}`, query }), 400, 'InvalidArgument');
    });
  }

  test('ListParts max-parts=abc is InvalidArgument 400', async () => {
    expectS3Error(await signedRequest(srv.url, { method: 'GET', path: objPath(MP_KEY), query: { uploadId, 'max-parts': 'abc' } }), 400, 'InvalidArgument');
  });

  test('ListObjectsV2 with an invalid continuation-token is InvalidArgument 400', async () => {
    const res = await signedRequest(srv.url, { method: 'GET', path: `/${bucket}`, query: { 'list-type': '2', 'continuation-token': '!!!not-a-token!!!' } });
    expectS3Error(res, 400, 'InvalidArgument');
  });

  test('ListObjectsV2 with encoding-type=bogus is InvalidArgument 400', async () => {
    expectS3Error(await signedRequest(srv.url, { method: 'GET', path: `/${bucket}`, query: { 'list-type': '2', 'encoding-type': 'bogus' } }), 400, 'InvalidArgument');
  });
});

describe('unsupported and invalid requests', () => {
  for (const sub of ['lifecycle', 'encryption', 'website']) {
    test(`PUT bucket ?${sub} is NotImplemented 501`, async () => {
      const body = `<?xml version="1.0" encoding="UTF-8"?><Configuration><Rule/></Configuration>`;
      const res = await signedRequest(srv.url, { method: 'PUT', path: `/${bucket}`, query: { [sub]: '' }, body, headers: { 'content-md5': md5Base64(body) } });
      expectS3Error(res, 501, 'NotImplemented');
    });
  }

  test('PUT bucket ?policy that is not valid JSON is MalformedPolicy 400 with the line, and leaves no policy', async () => {
    const body = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    { "Effect": "Allow" "Action": "s3:GetObject" }\n  ]\n}';
    const res = await signedRequest(srv.url, { method: 'PUT', path: `/${bucket}`, query: { policy: '' }, body, headers: { 'content-md5': md5Base64(body) } });
    expectS3Error(res, 400, 'MalformedPolicy');
    assert.match(res.text, /line 4/);
    expectS3Error(await signedRequest(srv.url, { method: 'GET', path: `/${bucket}`, query: { policy: '' } }), 404, 'NoSuchBucketPolicy');
  });

  test('PUT bucket ?policy naming another bucket is MalformedPolicy 400', async () => {
    const body = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::someone-elses-bucket/*' }] });
    const res = await signedRequest(srv.url, { method: 'PUT', path: `/${bucket}`, query: { policy: '' }, body, headers: { 'content-md5': md5Base64(body) } });
    expectS3Error(res, 400, 'MalformedPolicy');
    assert.match(res.text, /outside bucket/);
  });

  test('a path with invalid percent-encoding is InvalidURI 400', async () => {
    const res = await signedRequest(srv.url, { method: 'GET', path: `/${bucket}/bad%ZZkey` });
    expectS3Error(res, 400, 'InvalidURI');
  });

  test('a key longer than 1024 bytes is KeyTooLongError 400', async () => {
    const key = 'k'.repeat(1025);
    const res = await signedRequest(srv.url, { method: 'PUT', path: objPath(key), body: 'x' });
    expectS3Error(res, 400, 'KeyTooLongError');
  });

  test('user metadata over 2 KB is MetadataTooLarge 400', async () => {
    const res = await signedRequest(srv.url, { method: 'PUT', path: objPath('bad/meta'), body: 'x', headers: { 'x-amz-meta-big': 'm'.repeat(2100) } });
    expectS3Error(res, 400, 'MetadataTooLarge');
    await assertAbsent('bad/meta');
  });

  test('an unsatisfiable Range is InvalidRange 416', async () => {
    const res = await signedRequest(srv.url, { method: 'GET', path: objPath('seed/small.txt'), headers: { range: 'bytes=5000-6000' } });
    expectS3Error(res, 416, 'InvalidRange');
  });

  test('an unknown HTTP method on an object is MethodNotAllowed 405', async () => {
    const res = await signedRequest(srv.url, { method: 'PATCH', path: objPath('seed/small.txt'), body: 'x' });
    expectS3Error(res, 405, 'MethodNotAllowed');
  });

  test('an invalid bucket name is InvalidBucketName 400', async () => {
    const res = await signedRequest(srv.url, { method: 'PUT', path: '/Invalid_Bucket..Name' });
    expectS3Error(res, 400, 'InvalidBucketName');
  });

  test('GET on a missing key is NoSuchKey 404 with the same XML error shape', async () => {
    const res = await signedRequest(srv.url, { method: 'GET', path: objPath('bad/never-existed') });
    const e = expectS3Error(res, 404, 'NoSuchKey');
    assert.ok(e.message);
  });

  test('a HEAD error carries no body but still an x-amz-request-id', async () => {
    const res = await signedRequest(srv.url, { method: 'HEAD', path: objPath('bad/never-existed') });
    assert.equal(res.status, 404);
    assert.equal(res.body.length, 0);
    assert.ok(res.headers['x-amz-request-id']);
  });

  test('request ids are unique per request', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await signedRequest(srv.url, { method: 'GET', path: objPath('bad/never-existed') });
      assertWellFormedError(res);
      ids.add(String(res.headers['x-amz-request-id']));
    }
    assert.equal(ids.size, 5);
  });
});

test('after all of this, every stored object is byte-identical and nothing extra exists', async () => {
  for (const key of expected.keys()) await assertUnchanged(key);
  const listed: string[] = [];
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const c of r.Contents ?? []) listed.push(c.Key!);
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  assert.deepEqual(listed.sort(), [...expected.keys()].sort());
  const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  for (const c of r.Contents ?? []) assert.equal(c.Size, expected.get(c.Key!)!.length, `listed size of ${c.Key}`);
});
