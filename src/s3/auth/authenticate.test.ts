/**
 * Requests signed by the real AWS signer (@smithy/signature-v4, configured as
 * @aws-sdk/client-s3 configures it) and verified by authenticate().
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authenticate, SigningKeyCache, type Authenticated, type SignableRequest } from './index.js';
import { AKID, CREDS, lookup, s3Signer, signHeader, type TestRequest } from './sigv4-fixtures.js';

const DATE = new Date('2025-01-02T03:04:05Z');

async function verify(req: SignableRequest, now = DATE, maxSkewSeconds?: number): Promise<Authenticated> {
  const auth = await authenticate(req, { lookup, now, ...(maxSkewSeconds === undefined ? {} : { maxSkewSeconds }) });
  assert.equal(auth.anonymous, false);
  return auth as Authenticated;
}

/** Encodes a key the way the S3 client's serializer does. */
function sdkKeyPath(bucket: string, key: string): string {
  const enc = encodeURIComponent(key).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `/${bucket}/${enc.replace(/%2F/g, '/')}`;
}

test('a signed GET verifies and reports key, region, payload and signing context', async () => {
  const req = await signHeader({ method: 'GET', path: '/bucket/key' }, DATE, s3Signer('eu-central-1'));
  const auth = await verify(req);
  assert.equal(auth.accessKeyId, AKID);
  assert.equal(auth.presigned, false);
  assert.equal(auth.region, 'eu-central-1');
  assert.deepEqual(auth.payload, { kind: 'signed', sha256Hex: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' });
  assert.equal(auth.signing.scope, '20250102/eu-central-1/s3/aws4_request');
  assert.equal(auth.signing.amzDate, '20250102T030405Z');
  assert.match(String(req.headers.authorization), new RegExp(`Signature=${auth.signing.seedSignature}$`));
});

test('keys with spaces, plus, unicode, reserved characters and encoded slashes verify', async () => {
  const keys = ['a b', 'a+b', 'a%2Fb', 'ключ/файл €.txt', "!'()*$&,;=@:", 'dir/sub/', '~tilde_.-', '😀 emoji', 'a//b/./c/../d'];
  for (const key of keys) {
    const path = sdkKeyPath('bucket', key);
    await verify(await signHeader({ method: 'PUT', path }, DATE), DATE).catch((e) => assert.fail(`${key}: ${e}`));
  }
  // A client that escapes '/' inside the key signs (and sends) %2F.
  await verify(await signHeader({ method: 'GET', path: '/bucket/a%2Fb%2Fc' }, DATE));
});

test('a client that sends an under-escaped path still verifies against the canonical form', async () => {
  const signed = await signHeader({ method: 'GET', path: '/bucket/a%20b%21%2Bc' }, DATE);
  await verify({ ...signed, rawPath: '/bucket/a b!%2bc' });
});

test('query strings: repeated parameters, empty values, reserved characters', async () => {
  const cases: Record<string, string | string[]>[] = [
    { uploads: '' },
    { 'list-type': '2', prefix: 'a b+c/d', delimiter: '/', 'continuation-token': 'ab+/==', 'max-keys': '10' },
    { k: ['b', 'a', 'c'], other: '' },
    { 'response-content-disposition': 'attachment; filename="r\u00e9sum\u00e9.pdf"' },
    { versionId: '3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo' },
  ];
  for (const query of cases) {
    await verify(await signHeader({ method: 'GET', path: '/bucket', query }, DATE)).catch((e) =>
      assert.fail(`${JSON.stringify(query)}: ${e}`),
    );
  }
});

test('payload modes come from x-amz-content-sha256', async () => {
  const modes: [string, string][] = [
    ['UNSIGNED-PAYLOAD', 'unsigned'],
    ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'streaming-signed'],
    ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', 'streaming-signed-trailer'],
    ['STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'streaming-unsigned-trailer'],
  ];
  for (const [value, kind] of modes) {
    const auth = await verify(await signHeader({ method: 'PUT', path: '/b/k', headers: { 'x-amz-content-sha256': value } }, DATE));
    assert.equal(auth.payload.kind, kind);
  }
  const hash = 'A'.repeat(64);
  const auth = await verify(await signHeader({ method: 'PUT', path: '/b/k', headers: { 'x-amz-content-sha256': hash } }, DATE));
  assert.deepEqual(auth.payload, { kind: 'signed', sha256Hex: 'a'.repeat(64) });

  const bad = await signHeader({ method: 'PUT', path: '/b/k', headers: { 'x-amz-content-sha256': 'nonsense' } }, DATE);
  await assert.rejects(verify(bad), { code: 'InvalidArgument' });
  const missing = await signHeader({ method: 'GET', path: '/b/k' }, DATE, s3Signer());
  delete missing.headers['x-amz-content-sha256'];
  missing.headers.authorization = String(missing.headers.authorization).replace(';x-amz-content-sha256', '');
  await assert.rejects(verify(missing), {
    code: 'InvalidRequest',
    message: 'Missing required header for this request: x-amz-content-sha256',
  });
});

test('unknown keys, wrong secrets and any tampering are refused', async () => {
  const other = s3Signer('us-east-1', { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' });
  await assert.rejects(verify(await signHeader({ method: 'GET', path: '/b/k' }, DATE, other)), {
    code: 'InvalidAccessKeyId',
  });
  const wrongSecret = s3Signer('us-east-1', { accessKeyId: AKID, secretAccessKey: 'not the secret' });
  const err = await verify(await signHeader({ method: 'GET', path: '/b/k' }, DATE, wrongSecret)).then(
    () => assert.fail('accepted'),
    (e: { code: string; details: Record<string, string> }) => e,
  );
  assert.equal(err.code, 'SignatureDoesNotMatch');
  assert.match(err.details.StringToSign!, /^AWS4-HMAC-SHA256\n20250102T030405Z\n20250102\/us-east-1\/s3\/aws4_request\n[0-9a-f]{64}$/);
  assert.match(err.details.CanonicalRequest!, /^GET\n\/b\/k\n\nhost:sovra\.test\n/);

  const base: TestRequest = { method: 'GET', path: '/b/k', query: { a: '1' }, headers: { 'x-amz-meta-m': 'v' } };
  const signed = await signHeader(base, DATE);
  await verify(signed);
  const tampered: SignableRequest[] = [
    { ...signed, method: 'DELETE' },
    { ...signed, rawPath: '/b/k2' },
    { ...signed, rawPath: '/b%2Fk' },
    { ...signed, rawQuery: 'a=2' },
    { ...signed, rawQuery: 'a=1&b=2' },
    { ...signed, headers: { ...signed.headers, host: 'elsewhere' } },
    { ...signed, headers: { ...signed.headers, 'x-amz-meta-m': 'w' } },
  ];
  for (const t of tampered) await assert.rejects(verify(t), { code: 'SignatureDoesNotMatch' }, JSON.stringify(t));
});

test('unsigned x-amz-* headers are refused, other unsigned headers are not', async () => {
  const signed = await signHeader({ method: 'PUT', path: '/b/k' }, DATE);
  await assert.rejects(verify({ ...signed, headers: { ...signed.headers, 'x-amz-acl': 'public-read' } }), {
    code: 'AccessDenied',
    message: 'There were headers present in the request which were not signed',
  });
  await verify({ ...signed, headers: { ...signed.headers, 'user-agent': 'curl', 'content-type': 'text/plain' } });
});

test('header values: trimmed, inner whitespace collapsed, repeated values joined with ","', async () => {
  const signed = await signHeader(
    { method: 'GET', path: '/b/k', headers: { 'x-amz-meta-a': '  one   two\tthree ', 'x-amz-meta-b': 'v1,v2' } },
    DATE,
  );
  await verify(signed);
  await verify({ ...signed, headers: { ...signed.headers, 'x-amz-meta-a': 'one two three', 'x-amz-meta-b': ['v1', ' v2 '] } });
});

test('the Authorization header tolerates spacing and component order', async () => {
  const signed = await signHeader({ method: 'GET', path: '/b/k' }, DATE);
  const value = String(signed.headers.authorization);
  const m = /^AWS4-HMAC-SHA256 (Credential=\S+), (SignedHeaders=\S+), (Signature=\S+)$/.exec(value)!;
  assert.ok(m, value);
  for (const variant of [
    `AWS4-HMAC-SHA256 ${m[1]},${m[2]},${m[3]}`,
    `AWS4-HMAC-SHA256   ${m[3]} , ${m[1]} ,${m[2]}`,
    `AWS4-HMAC-SHA256 ${m[1]} ${m[2]} ${m[3]}`,
  ]) {
    await verify({ ...signed, headers: { ...signed.headers, authorization: variant } });
  }
});

test('malformed or unsupported Authorization headers', async () => {
  const signed = await signHeader({ method: 'GET', path: '/b/k' }, DATE);
  const withAuth = (authorization: string): SignableRequest => ({ ...signed, headers: { ...signed.headers, authorization } });
  const sig = 'Signature=' + '0'.repeat(64);
  const cred = `Credential=${AKID}/20250102/us-east-1/s3/aws4_request`;
  const cases: [string, string, string?][] = [
    ['AWS AKIDEXAMPLE:qgk2+6Sv9/oM7G3qLEjTH1a1l1g=', 'InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.'],
    [`AWS4-ECDSA-P256-SHA256 ${cred}, SignedHeaders=host, ${sig}`, 'InvalidRequest'],
    ['Bearer abc', 'InvalidArgument'],
    [`AWS4-HMAC-SHA256 ${cred}, ${sig}`, 'AuthorizationHeaderMalformed'],
    [`AWS4-HMAC-SHA256 ${cred}, SignedHeaders=host, SignedHeaders=host, ${sig}`, 'AuthorizationHeaderMalformed'],
    [`AWS4-HMAC-SHA256 Credential=${AKID}/20250102/us-east-1/s3, SignedHeaders=host, ${sig}`, 'AuthorizationHeaderMalformed'],
    [`AWS4-HMAC-SHA256 Credential=${AKID}/20250102/us-east-1/ec2/aws4_request, SignedHeaders=host, ${sig}`, 'AuthorizationHeaderMalformed'],
    [`AWS4-HMAC-SHA256 Credential=${AKID}/20250103/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, ${sig}`, 'AuthorizationHeaderMalformed', 'The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.'],
    [`AWS4-HMAC-SHA256 ${cred}, SignedHeaders=x-amz-content-sha256;x-amz-date, ${sig}`, 'AuthorizationHeaderMalformed'],
    [`AWS4-HMAC-SHA256 ${cred}, SignedHeaders=host;;x-amz-date, ${sig}`, 'AuthorizationHeaderMalformed'],
    [`AWS4-HMAC-SHA256 ${cred}, SignedHeaders=host, Signature=xyz`, 'AuthorizationHeaderMalformed'],
  ];
  for (const [authorization, code, message] of cases) {
    await assert.rejects(verify(withAuth(authorization)), { code, ...(message ? { message } : {}) }, authorization);
  }
});

test('clock skew: 15 minutes either way by default, configurable', async () => {
  const signed = await signHeader({ method: 'GET', path: '/b/k' }, DATE);
  const at = (s: number) => new Date(DATE.getTime() + s * 1000);
  await verify(signed, at(900));
  await verify(signed, at(-900));
  await assert.rejects(verify(signed, at(901)), { code: 'RequestTimeTooSkewed' });
  await assert.rejects(verify(signed, at(-901)), { code: 'RequestTimeTooSkewed' });
  await assert.rejects(verify(signed, at(61), 60), { code: 'RequestTimeTooSkewed' });
});

test('the Date header stands in for a missing x-amz-date', async () => {
  const smithyReq = {
    method: 'GET',
    protocol: 'https:',
    hostname: 'sovra.test',
    path: '/b/k',
    query: {},
    headers: { host: 'sovra.test', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  };
  const signed = await s3Signer().sign(smithyReq, { signingDate: DATE, unsignableHeaders: new Set(['x-amz-date']) });
  const headers: Record<string, string> = { ...signed.headers, date: DATE.toUTCString() };
  delete headers['x-amz-date'];
  await verify({ method: 'GET', rawPath: '/b/k', rawQuery: '', headers });
  delete headers.date;
  await assert.rejects(verify({ method: 'GET', rawPath: '/b/k', rawQuery: '', headers }), { code: 'AccessDenied' });
});

test('no credentials at all is anonymous; SigV2 and mixed mechanisms are refused', async () => {
  const anon = await authenticate({ method: 'GET', rawPath: '/b/k', rawQuery: 'x=1', headers: { host: 'h' } }, { lookup });
  assert.deepEqual(anon, { anonymous: true, payload: { kind: 'unsigned' } });
  const trailer = await authenticate(
    { method: 'PUT', rawPath: '/b/k', rawQuery: '', headers: { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' } },
    { lookup },
  );
  assert.deepEqual(trailer, { anonymous: true, payload: { kind: 'streaming-unsigned-trailer' } });
  await assert.rejects(
    authenticate(
      { method: 'PUT', rawPath: '/b/k', rawQuery: '', headers: { 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' } },
      { lookup },
    ),
    { code: 'InvalidRequest' },
  );
  await assert.rejects(
    authenticate({ method: 'GET', rawPath: '/b/k', rawQuery: 'AWSAccessKeyId=A&Expires=1&Signature=x', headers: {} }, { lookup }),
    { code: 'InvalidRequest' },
  );
  const signed = await signHeader({ method: 'GET', path: '/b/k' }, DATE);
  await assert.rejects(verify({ ...signed, rawQuery: 'X-Amz-Signature=' + '0'.repeat(64) }), { code: 'InvalidArgument' });
});

test('derived signing keys are cached per secret, date and region, within a bound', async () => {
  const cache = new SigningKeyCache(2);
  for (const region of ['r1', 'r2', 'r3', 'r1']) {
    const req = await signHeader({ method: 'GET', path: '/b/k' }, DATE, s3Signer(region));
    const auth = await authenticate(req, { lookup, now: DATE, signingKeys: cache });
    assert.equal((auth as Authenticated).region, region);
  }
  assert.equal(cache.size, 2);
  assert.equal(CREDS.accessKeyId, AKID);
});
