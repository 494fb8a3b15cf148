/**
 * Authenticating a request against the key store, and the signing-region rule, shared by
 * the S3 API and the admin API (the same keys and SigV4 work for both).
 */
import { fail } from '../core/errors.js';
import { authenticate, type Anonymous, type Authenticated } from './auth/index.js';
import type { ProtocolRequest } from './request.js';
import type { KeyStore } from '../tenancy/index.js';

export function authenticateRequest(
  req: ProtocolRequest,
  o: { keys: KeyStore; now: Date; maxSkewSeconds: number },
): Promise<Authenticated | Anonymous> {
  return authenticate(
    { method: req.method, rawPath: req.rawPath, rawQuery: req.rawQuery, headers: req.headersDistinct },
    {
      lookup: async (akid) => {
        const rec = await o.keys.lookup(akid);
        return rec && !rec.disabled ? { accessKeyId: akid, secretAccessKey: rec.secretAccessKey } : undefined;
      },
      now: o.now,
      maxSkewSeconds: o.maxSkewSeconds,
    },
  );
}

/**
 * The signing region must be one this deployment serves, or us-east-1 (what clients such as
 * rclone and s3cmd default to when no region is configured).
 */
export function checkSigningRegion(auth: Authenticated, regions: readonly string[], expected: string): void {
  if (auth.region === 'us-east-1' || regions.includes(auth.region)) return;
  throw fail(
    auth.presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed',
    `The authorization header is malformed; the region '${auth.region}' is wrong; expecting '${expected}'`,
    { details: { Region: expected } },
  );
}
