/**
 * The client's address on a request one node passes on whole to another (forward.ts). The
 * node that holds the bucket would otherwise see the forwarding node's address, and a bucket
 * policy's aws:SourceIp condition would judge the wrong one. The forwarding node states the
 * address it saw and proves it with an HMAC under its node key (from the cluster secret),
 * bound to the request's method, target and the client's own signature, so a client cannot
 * claim an address and a proof cannot be moved to another request. A claim whose proof does
 * not verify is dropped: the connection's own address stands.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ProtocolRequest } from '../s3/request.js';
import { nodeCredentials } from './node-credentials.js';

export const FORWARDED_FOR_HEADER = 'x-sovra-forwarded-for';
export const FORWARDED_PROOF_HEADER = 'x-sovra-forwarded-proof';

const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? v.join(',') : (v ?? ''));

/** What the proof is bound to: the request as the client signed it. */
function binding(req: ProtocolRequest): string {
  const h = req.headers;
  return [req.method, req.rawPath, req.rawQuery, first(h['authorization']), first(h['x-amz-date']), first(h['date'])].join('\n');
}

function proof(clusterSecret: string, via: string, address: string, req: ProtocolRequest): Buffer {
  const key = nodeCredentials(clusterSecret, via).secretAccessKey;
  return createHmac('sha256', key).update(`sovra-forwarded-for\n${via}\n${address}\n${binding(req)}`).digest();
}

/** The headers a forwarding node `via` adds for the address it saw the request come from. */
export function forwardedForHeaders(clusterSecret: string, via: string, req: ProtocolRequest): Record<string, string> {
  if (req.remoteAddress === undefined) return {};
  return { [FORWARDED_FOR_HEADER]: req.remoteAddress, [FORWARDED_PROOF_HEADER]: proof(clusterSecret, via, req.remoteAddress, req).toString('hex') };
}

/**
 * On the receiving node: takes the claim off the request and, when another node of the
 * cluster (`forwardedBy`, from forward.ts) proved it, makes it the request's remote address.
 */
export function acceptForwardedFor(clusterSecret: string, forwardedBy: string | undefined, req: ProtocolRequest): void {
  const address = req.headers[FORWARDED_FOR_HEADER];
  const given = req.headers[FORWARDED_PROOF_HEADER];
  delete req.headers[FORWARDED_FOR_HEADER];
  delete req.headers[FORWARDED_PROOF_HEADER];
  if (typeof address !== 'string' || typeof given !== 'string' || forwardedBy === undefined || !/^[0-9a-f]{64}$/.test(given)) return;
  let expected: Buffer;
  try {
    expected = proof(clusterSecret, forwardedBy, address, req);
  } catch {
    return; // not a valid node id: no node of the cluster sent it
  }
  if (timingSafeEqual(expected, Buffer.from(given, 'hex'))) req.remoteAddress = address;
}
