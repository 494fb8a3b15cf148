import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProtocolRequest } from '../s3/request.js';
import { acceptForwardedFor, FORWARDED_FOR_HEADER, forwardedForHeaders } from './forwarded-for.js';

const SECRET = 'forwarded-for-unit-secret-0123456789abcdef';

function request(over: Partial<ProtocolRequest> = {}): ProtocolRequest {
  return {
    method: 'GET', rawPath: '/b/k', rawQuery: '', headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AK/20261123/eu/s3/aws4_request, SignedHeaders=host, Signature=aa', 'x-amz-date': '20261123T220000Z' },
    headersDistinct: {}, body: undefined as never, secure: false, requestId: 'r', signal: new AbortController().signal, remoteAddress: '::1', ...over,
  };
}

/** The request as the receiving node sees it: from the forwarder's address, with the claim added. */
function received(claim: Record<string, string>, over: Partial<ProtocolRequest> = {}): ProtocolRequest {
  const r = request({ remoteAddress: '10.0.0.2', ...over });
  r.headers = { ...r.headers, ...claim };
  return r;
}

describe('forwarded-for: the client address a forwarding node proves', () => {
  it('is accepted from the node that proved it, for that request, and taken off the headers', () => {
    const claim = forwardedForHeaders(SECRET, 'de-fra', request());
    const r = received(claim);
    acceptForwardedFor(SECRET, 'de-fra', r);
    assert.equal(r.remoteAddress, '::1');
    assert.equal(r.headers[FORWARDED_FOR_HEADER], undefined);
  });

  it('is refused for another request, another node, another cluster or another address', () => {
    const claim = forwardedForHeaders(SECRET, 'de-fra', request());
    const cases: Array<[string, () => void]> = [];
    const check = (what: string, r: ProtocolRequest, by: string, secret = SECRET) => cases.push([what, () => {
      acceptForwardedFor(secret, by, r);
      assert.equal(r.remoteAddress, '10.0.0.2', what);
    }]);
    check('another path', received(claim, { rawPath: '/b/other' }), 'de-fra');
    check('another signature', received({ ...claim, authorization: 'AWS4-HMAC-SHA256 Credential=AK/20261123/eu/s3/aws4_request, SignedHeaders=host, Signature=bb' }), 'de-fra');
    check('another method', received(claim, { method: 'DELETE' }), 'de-fra');
    check('another node', received(claim), 'de-ber');
    check('not a node id', received(claim), '../x');
    check('another cluster', received(claim), 'de-fra', 'another-cluster-secret-0123456789abcdef');
    check('another address', received({ ...claim, [FORWARDED_FOR_HEADER]: '192.0.2.7' }), 'de-fra');
    check('no forwarding node', received(claim), undefined as unknown as string);
    for (const [, run] of cases) run();
  });
});
