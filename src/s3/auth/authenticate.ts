/**
 * Entry point for request authentication: picks header auth, presigned query
 * auth or anonymous, and refuses mixtures and schemes we do not support.
 */
import { fail } from '../../core/errors.js';
import { unsupportedMechanism } from './auth-errors.js';
import { headerValue } from './canonical-request.js';
import { authenticateHeader } from './header-auth.js';
import { isSignedStreaming, parsePayloadMode } from './payload-mode.js';
import { authenticatePresigned, isPresigned } from './presigned-auth.js';
import { defaultSigningKeys, type SigningKeyCache } from './signing-key.js';
import type { Anonymous, AuthenticateOptions, Authenticated, SignableRequest } from './types.js';
import { parseQuery, type QueryParam } from './uri-encoding.js';

function isSigV2Query(params: readonly QueryParam[]): boolean {
  return params.some((p) => p.name === 'AWSAccessKeyId') && params.some((p) => p.name === 'Signature');
}

function anonymous(req: SignableRequest): Anonymous {
  const contentSha256 = headerValue(req.headers, 'x-amz-content-sha256')?.trim();
  if (contentSha256 === undefined) return { anonymous: true, payload: { kind: 'unsigned' } };
  const payload = parsePayloadMode(contentSha256);
  // Chunk signatures chain from a request signature an anonymous request lacks.
  if (isSignedStreaming(payload)) {
    throw fail('InvalidRequest', 'A signed aws-chunked payload requires a signed request.');
  }
  return { anonymous: true, payload };
}

export async function authenticate(
  req: SignableRequest,
  opts: AuthenticateOptions & { signingKeys?: SigningKeyCache },
): Promise<Authenticated | Anonymous> {
  const keys = opts.signingKeys ?? defaultSigningKeys;
  const params = parseQuery(req.rawQuery);
  const authorization = headerValue(req.headers, 'authorization');
  const presigned = isPresigned(params);
  if (authorization !== undefined) {
    if (presigned || isSigV2Query(params)) {
      throw fail(
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
        { details: { ArgumentName: 'Authorization', ArgumentValue: authorization } },
      );
    }
    return authenticateHeader(req, authorization, params, opts, keys);
  }
  if (presigned) return authenticatePresigned(req, params, opts, keys);
  if (isSigV2Query(params)) throw unsupportedMechanism();
  return anonymous(req);
}
