/** Presigned URLs produced by the real AWS presigner, verified by authenticate(). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authenticate, type Authenticated, type SignableRequest } from './index.js';
import { AKID, lookup, presign, s3Signer, toSignable } from './sigv4-fixtures.js';

const DATE = new Date('2025-03-04T05:06:07Z');
const at = (s: number) => new Date(DATE.getTime() + s * 1000);

async function verify(req: SignableRequest, now = at(10)): Promise<Authenticated> {
  const auth = await authenticate(req, { lookup, now });
  assert.equal(auth.anonymous, false);
  return auth as Authenticated;
}

function setParam(req: SignableRequest, name: string, value: string): SignableRequest {
  const parts = req.rawQuery.split('&').filter((p) => !p.startsWith(name + '='));
  parts.push(`${name}=${value}`);
  return { ...req, rawQuery: parts.join('&') };
}

test('a presigned GET verifies as presigned with an unsigned payload', async () => {
  const req = await presign({ method: 'GET', path: '/bucket/some%20key' }, DATE, 600);
  assert.match(req.rawQuery, /X-Amz-Signature=[0-9a-f]{64}/);
  // The SDK hoists x-amz-content-sha256 into the query.
  assert.match(req.rawQuery, /x-amz-content-sha256=UNSIGNED-PAYLOAD/);
  const auth = await verify(req);
  assert.equal(auth.accessKeyId, AKID);
  assert.equal(auth.presigned, true);
  assert.deepEqual(auth.payload, { kind: 'unsigned' });
  assert.equal(auth.region, 'us-east-1');
});

test('presigned PUT with special keys and extra query parameters', async () => {
  for (const path of ['/b/a%2Bb%20c', '/b/%D0%BA%D0%BB%D1%8E%D1%87/x', '/b/a%2Fb']) {
    const req = await presign(
      { method: 'PUT', path, query: { partNumber: '3', uploadId: 'a/b+c==', empty: '' } },
      DATE,
    );
    await verify(req);
  }
});

test('expiry: valid until X-Amz-Date + X-Amz-Expires, and not before X-Amz-Date (minus skew)', async () => {
  const req = await presign({ method: 'GET', path: '/b/k' }, DATE, 60);
  await verify(req, at(60));
  await assert.rejects(verify(req, at(61)), { code: 'AccessDenied', message: 'Request has expired' });
  await verify(req, at(-900));
  await assert.rejects(verify(req, at(-901)), { code: 'AccessDenied', message: 'Request is not valid yet' });
});

test('tampering with the query, path, method or a signed header is refused', async () => {
  const req = await presign({ method: 'GET', path: '/b/k', query: { 'response-content-type': 'text/plain' } }, DATE);
  await verify(req);
  await assert.rejects(verify(setParam(req, 'response-content-type', 'text/html')), { code: 'SignatureDoesNotMatch' });
  await assert.rejects(verify({ ...req, rawQuery: req.rawQuery + '&extra=1' }), { code: 'SignatureDoesNotMatch' });
  await assert.rejects(verify({ ...req, rawPath: '/b/other' }), { code: 'SignatureDoesNotMatch' });
  await assert.rejects(verify({ ...req, method: 'DELETE' }), { code: 'SignatureDoesNotMatch' });
  await assert.rejects(verify({ ...req, headers: { host: 'evil.test' } }), { code: 'SignatureDoesNotMatch' });
  // Longer validity, even though within a week, breaks the signature.
  await assert.rejects(verify(setParam(req, 'X-Amz-Expires', '7200')), { code: 'SignatureDoesNotMatch' });
  await assert.rejects(verify({ ...req, headers: { ...req.headers, 'x-amz-acl': 'public-read' } }), {
    code: 'AccessDenied',
  });
});

test('X-Amz-Expires must be 1..604800 and every parameter present', async () => {
  const req = await presign({ method: 'GET', path: '/b/k' }, DATE);
  for (const bad of ['604801', '0', '-1', 'abc', '']) {
    await assert.rejects(verify(setParam(req, 'X-Amz-Expires', bad)), { code: 'AuthorizationQueryParametersError' }, bad);
  }
  for (const name of ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Algorithm']) {
    const without = { ...req, rawQuery: req.rawQuery.split('&').filter((p) => !p.startsWith(name + '=')).join('&') };
    await assert.rejects(verify(without), { code: 'AuthorizationQueryParametersError' }, name);
  }
  await assert.rejects(verify(setParam(req, 'X-Amz-Algorithm', 'AWS4-HMAC-SHA1')), { code: 'AuthorizationQueryParametersError' });
  await assert.rejects(verify(setParam(req, 'X-Amz-Date', '2025-03-04')), { code: 'AuthorizationQueryParametersError' });
  await assert.rejects(verify(setParam(req, 'X-Amz-SignedHeaders', 'x-amz-date')), { code: 'AuthorizationQueryParametersError' });
  await assert.rejects(verify(setParam(req, 'X-Amz-Credential', 'AKID%2F20250304%2Fus-east-1%2Fsqs%2Faws4_request')), {
    code: 'AuthorizationQueryParametersError',
  });
  await assert.rejects(verify({ ...req, rawQuery: req.rawQuery + '&X-Amz-Date=20250304T050607Z' }), {
    code: 'AuthorizationQueryParametersError',
  });
});

test('x-amz-content-sha256 decides the payload mode of a presigned request', async () => {
  const hash = 'b'.repeat(64);
  const smithy = {
    method: 'PUT',
    protocol: 'https:',
    hostname: 'sovra.test',
    path: '/b/k',
    query: {},
    headers: { host: 'sovra.test', 'x-amz-content-sha256': hash },
  };
  // Kept as a signed header rather than hoisted into the query, as non-SDK clients do.
  const signed = await s3Signer().presign(smithy, { signingDate: DATE, unhoistableHeaders: new Set(['x-amz-content-sha256']) });
  const req = toSignable(signed);
  assert.equal(req.headers['x-amz-content-sha256'], hash);
  const auth = await verify(req);
  assert.deepEqual(auth.payload, { kind: 'signed', sha256Hex: hash });

  const streaming = await presign({ method: 'PUT', path: '/b/k' }, DATE);
  const chunked = { ...streaming, rawQuery: streaming.rawQuery.replace('UNSIGNED-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD') };
  await assert.rejects(verify(chunked), { code: 'InvalidRequest' });
});
