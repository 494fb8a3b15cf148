/**
 * SigV4 with the Authorization header:
 *   AWS4-HMAC-SHA256 Credential=AKID/20250101/region/s3/aws4_request,
 *     SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=<hex>
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-auth-using-authorization-header.html
 */
import { fail } from '../../core/errors.js';
import { parseAmzDate, parseHttpDate, toAmzDate } from './amz-date.js';
import { headerMalformed, headersNotSigned, requestTimeTooSkewed, unsupportedMechanism } from './auth-errors.js';
import {
  buildCanonicalRequest,
  headerValue,
  parseSignedHeaders,
  unsignedAmzHeaders,
} from './canonical-request.js';
import { parseCredential } from './credential-scope.js';
import { parsePayloadMode } from './payload-mode.js';
import { ALGORITHM, type SigningKeyCache } from './signing-key.js';
import type { AuthenticateOptions, Authenticated, SignableRequest } from './types.js';
import { canonicalPath, canonicalQuery, type QueryParam } from './uri-encoding.js';
import { verifySignature } from './verify-signature.js';

export const DEFAULT_MAX_SKEW_SECONDS = 900;
const SIGNATURE_HEX = /^[0-9a-fA-F]{64}$/;
const MALFORMED = 'The authorization header is malformed; ';

export interface AuthorizationFields {
  credential: string;
  signedHeaders: string;
  signature: string;
}

/**
 * Splits the header into its three components. Components may be separated
 * by commas and/or whitespace in any order (no value can contain either).
 */
export function parseAuthorizationHeader(value: string): AuthorizationFields {
  const trimmed = value.trim();
  const space = trimmed.search(/\s/);
  const algorithm = space === -1 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== ALGORITHM) {
    // SigV2 ("AWS AKID:sig") and SigV4a are real S3 schemes we do not offer.
    if (algorithm === 'AWS' || algorithm === 'AWS4-ECDSA-P256-SHA256') throw unsupportedMechanism();
    throw fail('InvalidArgument', 'Unsupported Authorization Type', {
      details: { ArgumentName: 'Authorization', ArgumentValue: value },
    });
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(algorithm.length).split(/[\s,]+/)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq > 0 ? part.slice(0, eq) : '';
    if (name === '' || fields.has(name)) {
      throw headerMalformed(`${MALFORMED}the authorization component "${part}" is malformed.`);
    }
    fields.set(name, part.slice(eq + 1));
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined || fields.size !== 3) {
    throw headerMalformed(
      `${MALFORMED}the authorization header requires three components: Credential, SignedHeaders, and Signature.`,
    );
  }
  return { credential, signedHeaders, signature };
}

/** The request time from x-amz-date, else from Date, in both forms. */
function requestTime(req: SignableRequest): { amzDate: string; time: Date } {
  const amz = headerValue(req.headers, 'x-amz-date')?.trim();
  if (amz !== undefined) {
    const time = parseAmzDate(amz);
    if (time !== undefined) return { amzDate: amz, time };
  } else {
    const date = headerValue(req.headers, 'date');
    const time = date === undefined ? undefined : parseHttpDate(date);
    if (time !== undefined) return { amzDate: toAmzDate(time), time };
  }
  throw fail('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
}

export async function authenticateHeader(
  req: SignableRequest,
  authorization: string,
  params: readonly QueryParam[],
  opts: AuthenticateOptions,
  keys: SigningKeyCache,
): Promise<Authenticated> {
  const fields = parseAuthorizationHeader(authorization);
  const credential = parseCredential(fields.credential, (m) => headerMalformed(MALFORMED + m), opts.service);
  const signedHeaders = parseSignedHeaders(fields.signedHeaders);
  if (signedHeaders === undefined) {
    throw headerMalformed(`${MALFORMED}the SignedHeaders component "${fields.signedHeaders}" is malformed.`);
  }
  if (!signedHeaders.includes('host')) {
    throw headerMalformed(`${MALFORMED}the SignedHeaders component must include "host".`);
  }
  if (!SIGNATURE_HEX.test(fields.signature)) {
    throw headerMalformed(`${MALFORMED}the Signature component must be 64 hexadecimal characters.`);
  }

  const { amzDate, time } = requestTime(req);
  if (amzDate.slice(0, 8) !== credential.date) {
    throw headerMalformed(`${MALFORMED}Invalid credential date. Date is not the same as X-Amz-Date.`);
  }
  const now = opts.now ?? new Date();
  const maxSkew = opts.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  if (Math.abs(now.getTime() - time.getTime()) > maxSkew * 1000) throw requestTimeTooSkewed(time, now, maxSkew);

  const contentSha256 = headerValue(req.headers, 'x-amz-content-sha256')?.trim();
  if (contentSha256 === undefined) {
    throw fail('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  }
  const payload = parsePayloadMode(contentSha256);
  const unsigned = unsignedAmzHeaders(req.headers, signedHeaders);
  if (unsigned.length > 0) throw headersNotSigned(unsigned);

  const canonicalRequest = buildCanonicalRequest({
    method: req.method,
    canonicalPath: canonicalPath(req.rawPath),
    canonicalQuery: canonicalQuery(params),
    headers: req.headers,
    signedHeaders,
    payloadHash: contentSha256,
  });
  const signing = await verifySignature(
    { credential, amzDate, canonicalRequest, providedSignature: fields.signature.toLowerCase() },
    opts.lookup,
    keys,
  );
  return {
    anonymous: false,
    accessKeyId: credential.accessKeyId,
    presigned: false,
    payload,
    signing,
    region: credential.region,
  };
}
