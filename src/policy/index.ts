/**
 * The policy language: parse IAM-style JSON policies (identity and bucket) and decide
 * requests against them. The module's only public entry. Supported subset: README.md.
 */
export { parsePolicy, DEFAULT_MAX_BYTES, type ParsePolicyOptions } from './parse.js';
export { PolicyError, isPolicyError } from './errors.js';
export { evaluate, grantees, withPrincipalKeys } from './evaluate.js';
export { S3_ACTIONS, isKnownS3Action } from './actions.js';
export { CONDITION_KEYS, OPERATORS } from './keys.js';
export type * from './types.js';
