/**
 * The policy language Sovra evaluates: a subset of AWS IAM JSON (identity policies attached
 * to users, bucket policies attached to buckets). This file is the contract between the
 * parser/evaluator (src/policy) and its callers (the S3 layer, the tenancy service).
 * Pure data: no I/O, no HTTP, no SQLite.
 */

export type Effect = 'Allow' | 'Deny';

/** Who a bucket-policy statement applies to. Identity policies have no Principal. */
export interface PrincipalSpec {
  /** "*" (or {"AWS": "*"}): everyone, including anonymous callers. */
  any: boolean;
  /** Account ids named as `123456789012` or `arn:aws:iam::123456789012:root`. */
  accounts: string[];
  /** Users named as `arn:aws:iam::123456789012:user/name`. */
  users: string[];
}

export interface Condition {
  /** The operator without its IfExists suffix, e.g. 'StringLike', 'IpAddress', 'DateLessThan'. */
  operator: string;
  ifExists: boolean;
  /** The key lower-cased, e.g. 'aws:sourceip', 's3:prefix'. */
  key: string;
  values: string[];
}

export interface Statement {
  sid?: string;
  effect: Effect;
  /** Exactly one of actions / notActions is set. Lower-cased, e.g. 's3:getobject', 's3:*'. */
  actions?: string[];
  notActions?: string[];
  /** Exactly one of resources / notResources is set. ARNs with * and ? wildcards. */
  resources?: string[];
  notResources?: string[];
  /** Required in bucket policies, refused in identity policies. */
  principal?: PrincipalSpec;
  conditions: Condition[];
}

export interface PolicyDocument {
  version: '2012-10-17' | '2008-10-17';
  id?: string;
  statements: Statement[];
}

export type PolicyKind = 'identity' | 'bucket';

/** Values of condition keys for one request; keys lower-cased ('aws:sourceip', 's3:prefix'). */
export type ConditionContext = Record<string, string | readonly string[] | undefined>;

/** The caller, as the evaluator sees it. */
export interface RequestPrincipal {
  anonymous: boolean;
  /** The caller's account (undefined when anonymous). */
  accountId?: string;
  /** `arn:aws:iam::<account>:user/<name>` (undefined when anonymous). */
  userArn?: string;
  /**
   * An administrator of its account: acts with every right within its own account, like an
   * AWS account's root user. Grants nothing in other accounts by itself.
   */
  accountAdmin: boolean;
}

export interface AuthzRequest {
  principal: RequestPrincipal;
  /** e.g. 's3:GetObject' (compared case-insensitively). */
  action: string;
  /** e.g. 'arn:aws:s3:::bucket/key' or 'arn:aws:s3:::bucket' or '*'. */
  resource: string;
  /** The account owning the resource; undefined for actions on no account's resource (ListAllMyBuckets, CreateBucket). */
  resourceOwner?: string;
  identityPolicies: readonly PolicyDocument[];
  resourcePolicy?: PolicyDocument;
  /** The request's condition keys, or what computes them: called only when a statement needs them. */
  context: ConditionContext | (() => ConditionContext);
}

export type Decision =
  | { effect: 'allow'; via: 'admin' | 'identity' | 'resource' | 'identity+resource' }
  | { effect: 'deny'; explicit: boolean; sid?: string };
