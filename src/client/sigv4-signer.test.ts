/**
 * The client signer against the server's verifier (src/s3/auth) and against the AWS SDK's
 * own signer (@smithy/signature-v4): same Authorization header byte for byte.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { authenticate, type Authenticated } from '../s3/auth/index.js';
import { NodeSha256 } from '../s3/auth/sigv4-fixtures.js';
import { EMPTY_SHA256, sha256Hex, SigV4Signer, UNSIGNED_PAYLOAD, uriEncode, type QueryValues } from './sigv4-signer.js';

const CREDS = { accessKeyId: 'AKIDCLIENTTEST', secretAccessKey: 'client/secret+key/0123456789abcdefghij' };
const DATE = new Date('2025-03-04T05:06:07Z');
const lookup = (id: string) => (id === CREDS.accessKeyId ? CREDS : undefined);

function splitPath(p: string): { rawPath: string; rawQuery: string } {
  const q = p.indexOf('?');
  return q < 0 ? { rawPath: p, rawQuery: '' } : { rawPath: p.slice(0, q), rawQuery: p.slice(q + 1) };
}

async function verify(method: string, signed: { path: string; headers: Record<string, string> }, service?: string): Promise<Authenticated> {
  const auth = await authenticate({ method, ...splitPath(signed.path), headers: signed.headers }, { lookup, now: DATE, ...(service ? { service } : {}) });
  assert.equal(auth.anonymous, false);
  return auth as Authenticated;
}

const CASES: { method: string; path: string; query?: QueryValues; headers?: Record<string, string>; payloadHash: string }[] = [
  { method: 'GET', path: '/bucket/key', payloadHash: EMPTY_SHA256 },
  { method: 'PUT', path: '/bucket/dir/a b+c (1)!*\'.txt', payloadHash: UNSIGNED_PAYLOAD, headers: { 'Content-Type': 'text/plain', 'x-amz-meta-Note': '  two  spaces  ' } },
  { method: 'GET', path: '/bucket', query: { 'list-type': '2', prefix: 'a b+c/d', delimiter: '/', 'continuation-token': 'ab+/==', empty: '' }, payloadHash: EMPTY_SHA256 },
  { method: 'GET', path: '/bucket', query: { k: ['b', 'a', 'c'] }, payloadHash: EMPTY_SHA256 },
  { method: 'POST', path: '/_sovra/internal/v1/directory/buckets', payloadHash: sha256Hex('{"name":"x"}'), headers: { 'content-type': 'application/json' } },
  { method: 'GET', path: '/bucket/ключ/файл €.txt', query: { versionId: '3/L4kq+tJ', 'response-content-disposition': 'attachment; filename="r\u00e9sum\u00e9.pdf"' }, payloadHash: EMPTY_SHA256 },
];

test('requests signed by the client signer verify with the server verifier (s3 and another service)', async () => {
  for (const service of ['s3', 'sovra-internal']) {
    const signer = new SigV4Signer({ credentials: CREDS, region: 'eu-fra', service });
    for (const c of CASES) {
      const signed = signer.sign({ ...c, host: 'sovra.test:9000', date: DATE });
      const auth = await verify(c.method, signed, service === 's3' ? undefined : service).catch((e) => assert.fail(`${c.method} ${c.path}: ${e}`));
      assert.equal(auth.accessKeyId, CREDS.accessKeyId);
      assert.equal(auth.region, 'eu-fra');
      assert.equal(auth.signing.scope, `20250304/eu-fra/${service}/aws4_request`);
      assert.deepEqual(auth.payload, c.payloadHash === UNSIGNED_PAYLOAD ? { kind: 'unsigned' } : { kind: 'signed', sha256Hex: c.payloadHash });
    }
  }
});

test('the verifier refuses a signature for another service, a changed header, path or query', async () => {
  const signer = new SigV4Signer({ credentials: CREDS, region: 'eu-fra', service: 'sovra-internal' });
  const signed = signer.sign({ method: 'GET', host: 'h', path: '/a/b', query: { x: '1' }, headers: { 'x-amz-meta-a': 'v' }, payloadHash: EMPTY_SHA256, date: DATE });
  await assert.rejects(verify('GET', signed), (e: { code?: string }) => e.code === 'AuthorizationHeaderMalformed');
  await assert.rejects(verify('GET', signed, 'sovra-internal2'), (e: { code?: string }) => e.code === 'AuthorizationHeaderMalformed');
  await assert.rejects(verify('GET', { ...signed, path: '/a/c?x=1' }, 'sovra-internal'), (e: { code?: string }) => e.code === 'SignatureDoesNotMatch');
  await assert.rejects(verify('GET', { ...signed, path: '/a/b?x=2' }, 'sovra-internal'), (e: { code?: string }) => e.code === 'SignatureDoesNotMatch');
  await assert.rejects(verify('GET', { ...signed, headers: { ...signed.headers, 'x-amz-meta-a': 'w' } }, 'sovra-internal'), (e: { code?: string }) => e.code === 'SignatureDoesNotMatch');
  await assert.rejects(verify('PUT', signed, 'sovra-internal'), (e: { code?: string }) => e.code === 'SignatureDoesNotMatch');
});

test('the Authorization header equals the one @smithy/signature-v4 computes', async () => {
  for (const service of ['s3', 'sovra-internal']) {
    // As @aws-sdk/client-s3 configures it: the path arrives encoded and is not encoded again.
    const smithy = new SignatureV4({ service, region: 'eu-fra', credentials: CREDS, sha256: NodeSha256, uriEscapePath: false });
    const ours = new SigV4Signer({ credentials: CREDS, region: 'eu-fra', service });
    for (const c of CASES) {
      const mine = ours.sign({ ...c, host: 'sovra.test:9000', date: DATE });
      const headers: Record<string, string> = { host: 'sovra.test:9000', 'x-amz-content-sha256': c.payloadHash };
      for (const [k, v] of Object.entries(c.headers ?? {})) headers[k.toLowerCase()] = v;
      const query: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(c.query ?? {})) if (v !== undefined) query[k] = typeof v === 'string' ? v : [...v];
      const theirs = await smithy.sign(
        { method: c.method, protocol: 'https:', hostname: 'sovra.test', port: 9000, path: uriEncode(c.path, true), query, headers },
        { signingDate: DATE },
      );
      assert.equal(mine.headers.authorization, theirs.headers.authorization, `${service} ${c.method} ${c.path}`);
      assert.equal(mine.headers['x-amz-date'], theirs.headers['x-amz-date']);
    }
  }
});

test('the signing key is cached per day and changes with the day', async () => {
  const signer = new SigV4Signer({ credentials: CREDS, region: 'eu-fra' });
  const next = new Date(DATE.getTime() + 86_400_000);
  for (const date of [DATE, next, DATE]) {
    const signed = signer.sign({ method: 'GET', host: 'h', path: '/b', payloadHash: EMPTY_SHA256, date });
    const auth = await authenticate({ method: 'GET', ...splitPath(signed.path), headers: signed.headers }, { lookup, now: date });
    assert.equal(auth.anonymous, false);
  }
});
