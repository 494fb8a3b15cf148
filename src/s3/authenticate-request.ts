/**
 * Authenticating a request against the account store, and the signing-region rule, shared by
 * the S3 API and the admin API (the same keys and SigV4 work for both).
 */
import { fail } from '../core/errors.js';
import { authenticate, type Anonymous, type Authenticated, type CredentialLookup } from './auth/index.js';
import type { ProtocolRequest } from './request.js';
import type { CredentialResolver, Principal } from '../tenancy/model.js';

export type Authentication =
  | { auth: Authenticated; principal: Principal }
  | { auth: Anonymous; principal: undefined };

/**
 * A SigV4 credential lookup over the resolver that also remembers the principal it found, so
 * one lookup serves both the signature check and authorization. A disabled key (or a
 * suspended user or account) is refused with its own message.
 */
export function principalLookup(credentials: CredentialResolver): { lookup: CredentialLookup; principal(): Principal | undefined } {
  let found: Principal | undefined;
  return {
    lookup: async (akid, scope) => {
      const rec = await credentials.lookupKey(akid, scope);
      if (!rec) return undefined;
      if (rec.disabled) throw fail('InvalidAccessKeyId', 'The AWS Access Key Id you provided is disabled (or its user or account is suspended).');
      found = rec.principal;
      return 'signingKey' in rec ? { accessKeyId: akid, signingKey: rec.signingKey } : { accessKeyId: akid, secretAccessKey: rec.secretAccessKey };
    },
    principal: () => found,
  };
}

export async function authenticateRequest(
  req: ProtocolRequest,
  o: { credentials: CredentialResolver; now: Date; maxSkewSeconds: number },
): Promise<Authentication> {
  const keys = principalLookup(o.credentials);
  const auth = await authenticate(
    { method: req.method, rawPath: req.rawPath, rawQuery: req.rawQuery, headers: req.headersDistinct },
    { lookup: keys.lookup, now: o.now, maxSkewSeconds: o.maxSkewSeconds },
  );
  if (auth.anonymous) return { auth, principal: undefined };
  const principal = keys.principal();
  if (!principal) throw fail('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  return { auth, principal };
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
