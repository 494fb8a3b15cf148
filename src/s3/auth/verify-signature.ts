/**
 * The last step shared by header and presigned authentication: find the
 * secret, derive the signing key, and compare signatures in constant time.
 */
import { invalidAccessKeyId, signatureDoesNotMatch } from './auth-errors.js';
import { buildStringToSign } from './canonical-request.js';
import type { CredentialScope } from './credential-scope.js';
import { hmacHex, signaturesEqual, type SigningKeyCache } from './signing-key.js';
import type { CredentialLookup, SigningContext } from './types.js';

export interface SignatureCheck {
  credential: CredentialScope;
  amzDate: string;
  canonicalRequest: string;
  /** Lower-case hex as the client sent it. */
  providedSignature: string;
}

export async function verifySignature(
  check: SignatureCheck,
  lookup: CredentialLookup,
  keys: SigningKeyCache,
): Promise<SigningContext> {
  const { credential } = check;
  const found = await lookup(credential.accessKeyId, { date: credential.date, region: credential.region, service: credential.service });
  if (found === undefined) throw invalidAccessKeyId(credential.accessKeyId);
  const signingKey = 'signingKey' in found ? found.signingKey : keys.get(found.secretAccessKey, credential.date, credential.region, credential.service);
  const stringToSign = buildStringToSign(check.amzDate, credential.scope, check.canonicalRequest);
  const expected = hmacHex(signingKey, stringToSign);
  if (!signaturesEqual(expected, check.providedSignature)) {
    throw signatureDoesNotMatch({
      accessKeyId: credential.accessKeyId,
      provided: check.providedSignature,
      stringToSign,
      canonicalRequest: check.canonicalRequest,
    });
  }
  return {
    signingKey,
    scope: credential.scope,
    amzDate: check.amzDate,
    seedSignature: expected,
    region: credential.region,
  };
}
