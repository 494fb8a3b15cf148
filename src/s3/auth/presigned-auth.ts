/**
 * SigV4 in the query string (presigned URLs):
 *   ?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=...&X-Amz-Date=...
 *    &X-Amz-Expires=...&X-Amz-SignedHeaders=host&X-Amz-Signature=<hex>
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
import { fail } from '../../core/errors.js';
import { parseAmzDate } from './amz-date.js';
import { headersNotSigned, queryParametersError, unsupportedMechanism } from './auth-errors.js';
import { buildCanonicalRequest, headerValue, parseSignedHeaders, unsignedAmzHeaders } from './canonical-request.js';
import { parseCredential } from './credential-scope.js';
import { DEFAULT_MAX_SKEW_SECONDS } from './header-auth.js';
import { UNSIGNED_PAYLOAD, isSignedStreaming, parsePayloadMode } from './payload-mode.js';
import { ALGORITHM, type SigningKeyCache } from './signing-key.js';
import type { AuthenticateOptions, Authenticated, SignableRequest } from './types.js';
import { canonicalPath, canonicalQuery, type QueryParam } from './uri-encoding.js';
import { verifySignature } from './verify-signature.js';

export const MAX_PRESIGNED_EXPIRES = 604800;
const SIGNATURE_PARAM = 'X-Amz-Signature';
const REQUIRED =
  'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, ' +
  'X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.';

/** Whether the query carries SigV4 query authentication at all. */
export function isPresigned(params: readonly QueryParam[]): boolean {
  return params.some((p) => p.name === 'X-Amz-Algorithm' || p.name === SIGNATURE_PARAM || p.name === 'X-Amz-Credential');
}

function single(params: readonly QueryParam[], name: string): string | undefined {
  let found: string | undefined;
  for (const p of params) {
    if (p.name !== name) continue;
    // Two values would let the verifier and the router disagree on which counts.
    if (found !== undefined) throw queryParametersError(`${name} must appear only once.`);
    found = p.value;
  }
  return found;
}

/**
 * The payload hash a presigned request was signed with. The AWS SDK hoists
 * x-amz-content-sha256 into the query, other clients send it as a header;
 * without either it is UNSIGNED-PAYLOAD.
 */
function presignedPayloadHash(req: SignableRequest, params: readonly QueryParam[]): string {
  const header = headerValue(req.headers, 'x-amz-content-sha256')?.trim();
  if (header !== undefined) return header;
  const hoisted = params.find((p) => p.name.toLowerCase() === 'x-amz-content-sha256');
  return hoisted?.value ?? UNSIGNED_PAYLOAD;
}

export async function authenticatePresigned(
  req: SignableRequest,
  params: readonly QueryParam[],
  opts: AuthenticateOptions,
  keys: SigningKeyCache,
): Promise<Authenticated> {
  const algorithm = single(params, 'X-Amz-Algorithm');
  if (algorithm !== undefined && algorithm !== ALGORITHM) {
    if (algorithm === 'AWS4-ECDSA-P256-SHA256') throw unsupportedMechanism();
    throw queryParametersError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  const credentialValue = single(params, 'X-Amz-Credential');
  const amzDate = single(params, 'X-Amz-Date');
  const expiresValue = single(params, 'X-Amz-Expires');
  const signedHeadersValue = single(params, 'X-Amz-SignedHeaders');
  const signature = single(params, SIGNATURE_PARAM);
  if (
    algorithm === undefined ||
    credentialValue === undefined ||
    amzDate === undefined ||
    expiresValue === undefined ||
    signedHeadersValue === undefined ||
    signature === undefined
  ) {
    throw queryParametersError(REQUIRED);
  }

  const credential = parseCredential(credentialValue, (m) =>
    queryParametersError(`Error parsing the X-Amz-Credential parameter; ${m}`),
    opts.service,
  );
  const time = parseAmzDate(amzDate);
  if (time === undefined) {
    throw queryParametersError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  }
  if (amzDate.slice(0, 8) !== credential.date) {
    throw queryParametersError(
      'Error parsing the X-Amz-Credential parameter; Invalid credential date. Date is not the same as X-Amz-Date.',
    );
  }
  if (!/^\d{1,7}$/.test(expiresValue)) throw queryParametersError('X-Amz-Expires should be a number');
  const expires = Number(expiresValue);
  if (expires < 1) throw queryParametersError('X-Amz-Expires must be non-negative');
  if (expires > MAX_PRESIGNED_EXPIRES) {
    throw queryParametersError(
      `X-Amz-Expires must be less than a week (in seconds) that is; the given X-Amz-Expires must be less than ${MAX_PRESIGNED_EXPIRES} seconds`,
    );
  }
  const signedHeaders = parseSignedHeaders(signedHeadersValue);
  if (signedHeaders === undefined || !signedHeaders.includes('host')) {
    throw queryParametersError('X-Amz-SignedHeaders must be a ";"-separated list of header names including "host".');
  }
  if (!/^[0-9a-fA-F]{64}$/.test(signature)) {
    throw queryParametersError('X-Amz-Signature must be 64 hexadecimal characters.');
  }

  const now = opts.now ?? new Date();
  const maxSkew = opts.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  if (time.getTime() - now.getTime() > maxSkew * 1000) throw fail('AccessDenied', 'Request is not valid yet');
  const expiresAt = new Date(time.getTime() + expires * 1000);
  if (now.getTime() > expiresAt.getTime()) {
    throw fail('AccessDenied', 'Request has expired', {
      details: { 'X-Amz-Expires': expiresValue, Expires: expiresAt.toISOString(), ServerTime: now.toISOString() },
    });
  }

  const payloadHash = presignedPayloadHash(req, params);
  const payload = parsePayloadMode(payloadHash);
  if (isSignedStreaming(payload)) {
    throw fail('InvalidRequest', 'A presigned request cannot carry a signed aws-chunked payload.');
  }
  const unsigned = unsignedAmzHeaders(req.headers, signedHeaders);
  if (unsigned.length > 0) throw headersNotSigned(unsigned);

  const canonicalRequest = buildCanonicalRequest({
    method: req.method,
    canonicalPath: canonicalPath(req.rawPath),
    canonicalQuery: canonicalQuery(params, SIGNATURE_PARAM),
    headers: req.headers,
    signedHeaders,
    payloadHash,
  });
  const signing = await verifySignature(
    { credential, amzDate, canonicalRequest, providedSignature: signature.toLowerCase() },
    opts.lookup,
    keys,
  );
  return {
    anonymous: false,
    accessKeyId: credential.accessKeyId,
    presigned: true,
    payload,
    signing,
    region: credential.region,
  };
}
