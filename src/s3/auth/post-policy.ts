/**
 * Browser form uploads (POST Object) signed with SigV4: the signature is an
 * HMAC of the base64 policy with the usual signing key, and the policy's
 * conditions then constrain the form fields.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-post-example.html
 */
import { fail, type AppError } from '../../core/errors.js';
import { parseAmzDate } from './amz-date.js';
import { invalidAccessKeyId, signatureDoesNotMatch, unsupportedMechanism } from './auth-errors.js';
import { parseCredential } from './credential-scope.js';
import {
  checkPolicyConditions,
  makePolicyConditions,
  parsePolicyDocument,
  type PostPolicyConditions,
} from './post-policy-conditions.js';
import { ALGORITHM, defaultSigningKeys, hmacHex, signaturesEqual, type SigningKeyCache } from './signing-key.js';
import type { CredentialLookup } from './types.js';

export interface VerifyPostPolicyOptions {
  lookup: CredentialLookup;
  now?: Date;
  /** The bucket the request targets; `bucket` conditions are checked against it. */
  bucket: string;
  signingKeys?: SigningKeyCache;
}

export interface VerifiedPostPolicy {
  accessKeyId: string;
  /** The region named in x-amz-credential; the caller decides if it is valid. */
  region: string;
  conditions: PostPolicyConditions;
}

function invalidField(name: string, message: string): AppError {
  return fail('InvalidArgument', message, { details: { ArgumentName: name } });
}

function required(fields: ReadonlyMap<string, string>, name: string): string {
  const value = fields.get(name);
  if (value === undefined) {
    throw invalidField(
      name,
      `Bucket POST must contain a field named '${name}'. If it is specified, please check the order of the fields.`,
    );
  }
  return value;
}

/** Lower-cases field names (AWS treats them case-insensitively) and refuses duplicates. */
function normalise(fields: Readonly<Record<string, string>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(fields)) {
    const lower = name.toLowerCase();
    if (out.has(lower)) throw invalidField(lower, `The form field '${lower}' appears more than once.`);
    out.set(lower, value);
  }
  return out;
}

/**
 * Verifies a signed POST form. Call it only for forms that carry a policy; a
 * form without policy and signature is an anonymous upload, which the caller
 * decides on. `fields` are the fields that came before the file part.
 */
export async function verifyPostPolicy(
  formFields: Readonly<Record<string, string>>,
  opts: VerifyPostPolicyOptions,
): Promise<VerifiedPostPolicy> {
  const fields = normalise(formFields);
  if (!fields.has('x-amz-signature') && (fields.has('signature') || fields.has('awsaccesskeyid'))) {
    throw unsupportedMechanism();
  }
  required(fields, 'key');
  const policy = required(fields, 'policy');
  const algorithm = required(fields, 'x-amz-algorithm');
  const credentialValue = required(fields, 'x-amz-credential');
  const amzDate = required(fields, 'x-amz-date');
  const signature = required(fields, 'x-amz-signature').toLowerCase();

  if (algorithm !== ALGORITHM) {
    if (algorithm === 'AWS4-ECDSA-P256-SHA256') throw unsupportedMechanism();
    throw invalidField('x-amz-algorithm', `Unsupported x-amz-algorithm "${algorithm}"; use ${ALGORITHM}.`);
  }
  const credential = parseCredential(credentialValue, (m) =>
    invalidField('x-amz-credential', `Error parsing the x-amz-credential field; ${m}`),
  );
  if (parseAmzDate(amzDate) === undefined) {
    throw invalidField('x-amz-date', `x-amz-date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  }
  if (amzDate.slice(0, 8) !== credential.date) {
    throw invalidField('x-amz-credential', 'Invalid credential date. Date is not the same as x-amz-date.');
  }

  const found = await opts.lookup(credential.accessKeyId, { date: credential.date, region: credential.region, service: credential.service });
  if (found === undefined) throw invalidAccessKeyId(credential.accessKeyId);
  const keys = opts.signingKeys ?? defaultSigningKeys;
  const signingKey = 'signingKey' in found ? found.signingKey : keys.get(found.secretAccessKey, credential.date, credential.region);
  const expected = hmacHex(signingKey, policy);
  if (!signaturesEqual(expected, signature)) {
    // For POST the string to sign is the base64 policy itself.
    throw signatureDoesNotMatch({
      accessKeyId: credential.accessKeyId,
      provided: signature,
      stringToSign: policy,
      canonicalRequest: '',
    });
  }

  const doc = parsePolicyDocument(policy);
  const now = opts.now ?? new Date();
  if (now.getTime() > doc.expiration.getTime()) throw fail('AccessDenied', 'Invalid according to Policy: Policy expired.');
  checkPolicyConditions(doc, fields, opts.bucket);
  return { accessKeyId: credential.accessKeyId, region: credential.region, conditions: makePolicyConditions(doc) };
}
