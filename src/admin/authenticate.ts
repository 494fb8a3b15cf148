/**
 * Who is calling the admin API: a SigV4-signed request (the S3 API's keys and rules: the
 * body must be signed, the signing region one this deployment serves) or
 * `Authorization: Bearer <token>` (console sessions; TLS protects the body, so it need not
 * be signed). Both resolve to the tenancy model's Principal.
 */
import { fail } from '../core/errors.js';
import type { PayloadMode } from '../s3/auth/types.js';
import { authenticateRequest, checkSigningRegion } from '../s3/authenticate-request.js';
import type { ProtocolRequest } from '../s3/request.js';
import type { CredentialResolver, Principal } from '../tenancy/model.js';

export interface AdminAuth {
  principal: Principal;
  method: 'sigv4' | 'bearer';
  /** What the signature promised about the body (bearer: nothing). */
  payload: PayloadMode | undefined;
}

export interface AuthOptions {
  credentials: CredentialResolver;
  now: Date;
  maxSkewSeconds: number;
  regions: readonly string[];
  defaultRegion: string;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export async function authenticateAdmin(req: ProtocolRequest, o: AuthOptions): Promise<AdminAuth> {
  const authz = req.headers['authorization'];
  const header = Array.isArray(authz) ? authz.join(',') : authz;
  if (header !== undefined && /^Bearer\b/i.test(header)) {
    const m = BEARER.exec(header);
    if (!m) throw fail('InvalidRequest', 'The Authorization header must be "Bearer <token>".');
    const principal = await o.credentials.lookupToken(m[1] ?? '');
    if (!principal) throw fail('AccessDenied', 'The bearer token is not valid: unknown, deleted or expired.');
    return { principal, method: 'bearer', payload: undefined };
  }
  const { auth, principal } = await authenticateRequest(req, { credentials: o.credentials, now: o.now, maxSkewSeconds: o.maxSkewSeconds });
  if (auth.anonymous || !principal) throw fail('AccessDenied', 'The admin API needs a signed request (AWS Signature V4) or a bearer token.');
  checkSigningRegion(auth, o.regions, o.defaultRegion);
  return { principal, method: 'sigv4', payload: auth.payload };
}
