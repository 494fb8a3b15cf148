/**
 * s3/auth — AWS Signature Version 4 for the S3 server, framework-free: request
 * authentication (Authorization header, presigned query, anonymous), the
 * aws-chunked body decoder with chunk and trailer signatures, and signed
 * browser POST forms (policy verification, multipart reader).
 *
 * Allowed imports: core/ and node: built-ins (plus busboy for multipart).
 * Inputs are plain values; the HTTP layer adapts its request to SignableRequest.
 */
export type {
  Anonymous,
  AuthenticateOptions,
  Authenticated,
  Credential,
  CredentialLookup,
  SigningScope,
  PayloadMode,
  SignableRequest,
  SigningContext,
} from './types.js';
export { authenticate } from './authenticate.js';
export { ChunkedDecoder, createChunkedDecoder, type ChunkedDecoderOptions } from './chunked-decoder.js';
export { verifyPostPolicy, type VerifiedPostPolicy, type VerifyPostPolicyOptions } from './post-policy.js';
export type { ContentLengthRange, PostPolicyCondition, PostPolicyConditions } from './post-policy-conditions.js';
export {
  parseMultipartForm,
  type FormFile,
  type MultipartForm,
  type MultipartFormOptions,
} from './multipart-form.js';
export { SigningKeyCache } from './signing-key.js';
export { canonicalPath, parseQuery, type QueryParam } from './uri-encoding.js';
