/**
 * Authorization of S3 requests: each operation names the IAM action and resource AWS uses
 * for it (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html),
 * and the policy evaluator decides with the caller's identity policies, the bucket's policy
 * and its canned ACLs, as AWS does. Cross-account access is how an operator or partner
 * reaches a customer's data: only through a grant in the customer's bucket policy, and
 * every such use is recorded.
 */
import { fail } from '../core/errors.js';
import type { Bucket } from '../engine/types.js';
import { evaluate, parsePolicy, type ConditionContext, type Decision, type PolicyDocument, type Statement } from '../policy/index.js';
import type { Principal } from '../tenancy/model.js';
import type { S3Context } from './context.js';
import type { S3Op, S3OpName } from './ops.js';
import { header } from './request.js';

/** The IAM action an operation needs; `versioned` is used when the request names a versionId. */
interface ActionRule {
  action: string;
  versioned?: string;
}

const A = (action: string, versioned?: string): ActionRule => (versioned ? { action, versioned } : { action });

/** Sub-resources Sovra does not configure yet: reading them needs the matching Get action. */
const UNSET_CONFIG_ACTIONS: Record<string, string> = {
  lifecycle: 's3:GetLifecycleConfiguration',
  encryption: 's3:GetEncryptionConfiguration',
  tagging: 's3:GetBucketTagging',
  website: 's3:GetBucketWebsite',
  'object-lock': 's3:GetBucketObjectLockConfiguration',
  ownershipControls: 's3:GetBucketOwnershipControls',
  publicAccessBlock: 's3:GetBucketPublicAccessBlock',
  logging: 's3:GetBucketLogging',
  notification: 's3:GetBucketNotification',
  accelerate: 's3:GetAccelerateConfiguration',
  requestPayment: 's3:GetBucketRequestPayment',
  policyStatus: 's3:GetBucketPolicyStatus',
};

export const ACTIONS: Record<Exclude<S3OpName, 'Preflight' | 'GetBucketUnsetConfig'>, ActionRule> = {
  ListBuckets: A('s3:ListAllMyBuckets'),
  CreateBucket: A('s3:CreateBucket'),
  DeleteBucket: A('s3:DeleteBucket'),
  HeadBucket: A('s3:ListBucket'),
  GetBucketLocation: A('s3:GetBucketLocation'),
  GetBucketVersioning: A('s3:GetBucketVersioning'),
  PutBucketVersioning: A('s3:PutBucketVersioning'),
  GetBucketCors: A('s3:GetBucketCORS'),
  PutBucketCors: A('s3:PutBucketCORS'),
  DeleteBucketCors: A('s3:PutBucketCORS'),
  GetBucketTagging: A('s3:GetBucketTagging'),
  PutBucketTagging: A('s3:PutBucketTagging'),
  // As on S3: deleting the tag set is a PutBucketTagging permission.
  DeleteBucketTagging: A('s3:PutBucketTagging'),
  GetBucketReplication: A('s3:GetReplicationConfiguration'),
  PutBucketReplication: A('s3:PutReplicationConfiguration'),
  DeleteBucketReplication: A('s3:PutReplicationConfiguration'),
  GetBucketAcl: A('s3:GetBucketAcl'),
  PutBucketAcl: A('s3:PutBucketAcl'),
  GetBucketPolicy: A('s3:GetBucketPolicy'),
  PutBucketPolicy: A('s3:PutBucketPolicy'),
  DeleteBucketPolicy: A('s3:DeleteBucketPolicy'),
  // Sovra's own: residency is set by whoever may configure the bucket.
  GetBucketResidency: A('s3:GetBucketResidency'),
  PutBucketResidency: A('s3:PutBucketResidency'),
  DeleteBucketResidency: A('s3:PutBucketResidency'),
  ListObjects: A('s3:ListBucket'),
  ListObjectsV2: A('s3:ListBucket'),
  ListObjectVersions: A('s3:ListBucketVersions'),
  ListMultipartUploads: A('s3:ListBucketMultipartUploads'),
  // Checked per key by the handler, as AWS does.
  DeleteObjects: A('s3:DeleteObject'),
  PostObject: A('s3:PutObject'),
  PutObject: A('s3:PutObject'),
  GetObject: A('s3:GetObject', 's3:GetObjectVersion'),
  HeadObject: A('s3:GetObject', 's3:GetObjectVersion'),
  // S3 Select reads the object: the same permission as GetObject (the API takes no version).
  SelectObjectContent: A('s3:GetObject'),
  DeleteObject: A('s3:DeleteObject', 's3:DeleteObjectVersion'),
  CopyObject: A('s3:PutObject'),
  GetObjectTagging: A('s3:GetObjectTagging', 's3:GetObjectVersionTagging'),
  // S3 also wants s3:GetObject(Version) for it: the handler checks that second permission.
  GetObjectAttributes: A('s3:GetObjectAttributes', 's3:GetObjectVersionAttributes'),
  PutObjectTagging: A('s3:PutObjectTagging', 's3:PutObjectVersionTagging'),
  DeleteObjectTagging: A('s3:DeleteObjectTagging', 's3:DeleteObjectVersionTagging'),
  GetObjectAcl: A('s3:GetObjectAcl', 's3:GetObjectVersionAcl'),
  PutObjectAcl: A('s3:PutObjectAcl', 's3:PutObjectVersionAcl'),
  CreateMultipartUpload: A('s3:PutObject'),
  UploadPart: A('s3:PutObject'),
  UploadPartCopy: A('s3:PutObject'),
  CompleteMultipartUpload: A('s3:PutObject'),
  AbortMultipartUpload: A('s3:AbortMultipartUpload'),
  ListParts: A('s3:ListMultipartUploadParts'),
};

/** What READ on a public-read bucket or object grants everyone (S3's ACL-to-permission mapping). */
const PUBLIC_BUCKET_ACTIONS = ['s3:listbucket', 's3:listbucketversions', 's3:listbucketmultipartuploads'];
const PUBLIC_OBJECT_ACTIONS = new Set(['s3:getobject', 's3:getobjectversion']);

export function actionFor(op: S3Op, query: URLSearchParams): string {
  if (op.name === 'Preflight') throw new Error('preflight requests are not authorized by policy');
  if (op.name === 'GetBucketUnsetConfig') return UNSET_CONFIG_ACTIONS[op.subresource] ?? `s3:GetBucket${op.subresource[0]?.toUpperCase() ?? ''}${op.subresource.slice(1)}`;
  const rule = ACTIONS[op.name];
  return query.has('versionId') && rule.versioned ? rule.versioned : rule.action;
}

export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}
export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}

/** The ARN an operation acts on: the object for object operations, else the bucket (or '*'). */
export function resourceFor(op: S3Op): string {
  if (!('bucket' in op) || op.bucket === undefined) return '*';
  return 'key' in op && op.key !== undefined ? objectArn(op.bucket, op.key) : bucketArn(op.bucket);
}

/** Condition keys of a request (lower-cased, as the evaluator expects). */
export function conditionContext(ctx: Pick<S3Context, 'req' | 'query' | 'auth'>, principal: Principal | undefined, now: Date, op?: S3Op): ConditionContext {
  const h = ctx.req.headers;
  const c: Record<string, string | undefined> = {
    'aws:currenttime': now.toISOString(),
    'aws:epochtime': String(Math.floor(now.getTime() / 1000)),
    'aws:securetransport': ctx.req.secure ? 'true' : 'false',
    'aws:sourceip': ctx.req.remoteAddress,
    'aws:useragent': header(h, 'user-agent'),
    'aws:referer': header(h, 'referer'),
    'aws:principaltype': principal ? 'User' : 'Anonymous',
    's3:x-amz-acl': header(h, 'x-amz-acl'),
    's3:x-amz-content-sha256': header(h, 'x-amz-content-sha256'),
    's3:versionid': ctx.query.get('versionId') ?? undefined,
  };
  if (principal) {
    c['aws:username'] = principal.userName;
    c['aws:userid'] = principal.userId;
    c['aws:principalaccount'] = principal.accountId;
    c['aws:principalarn'] = principal.userArn;
  }
  if (!ctx.auth.anonymous) {
    c['s3:signatureversion'] = 'AWS4-HMAC-SHA256';
    c['s3:authtype'] = ctx.auth.presigned ? 'REST-QUERY-STRING' : 'REST-HEADER';
  } else if (op?.name === 'PostObject') {
    c['s3:authtype'] = 'POST';
  }
  if (op && (op.name === 'ListObjects' || op.name === 'ListObjectsV2' || op.name === 'ListObjectVersions')) {
    // s3:prefix is present (possibly empty) on every listing, as on AWS.
    c['s3:prefix'] = ctx.query.get('prefix') ?? '';
    c['s3:delimiter'] = ctx.query.get('delimiter') ?? undefined;
    c['s3:max-keys'] = ctx.query.get('max-keys') ?? undefined;
  }
  const out: ConditionContext = {};
  for (const [k, v] of Object.entries(c)) if (v !== undefined) out[k] = v;
  return out;
}

/** Parsed bucket policies, keyed by their text (a bucket's policy changes rarely). */
const parsedPolicies = new Map<string, PolicyDocument>();
function parsedBucketPolicy(text: string): PolicyDocument {
  let doc = parsedPolicies.get(text);
  if (!doc) {
    doc = parsePolicy(text, 'bucket');
    if (parsedPolicies.size >= 512) parsedPolicies.delete(parsedPolicies.keys().next().value as string);
    parsedPolicies.set(text, doc);
  }
  return doc;
}

/** The bucket policy with the bucket's canned ACL folded in as a statement for everyone. */
export function effectiveResourcePolicy(bucket: Pick<Bucket, 'name' | 'policy' | 'acl'>): PolicyDocument | undefined {
  const doc = bucket.policy ? parsedBucketPolicy(bucket.policy) : undefined;
  if (bucket.acl !== 'public-read') return doc;
  const acl: Statement = {
    sid: 'canned-acl:public-read', effect: 'Allow', actions: PUBLIC_BUCKET_ACTIONS, resources: [bucketArn(bucket.name)],
    principal: { any: true, accounts: [], users: [] }, conditions: [],
  };
  return { version: '2012-10-17', statements: [...(doc?.statements ?? []), acl] };
}

export interface AccessCheck {
  principal: Principal | undefined;
  action: string;
  resource: string;
  /** The bucket acted on (undefined for ListAllMyBuckets and CreateBucket). */
  bucket?: Pick<Bucket, 'name' | 'owner' | 'policy' | 'acl'>;
  /** The condition keys, or what computes them when a statement needs them. */
  context: ConditionContext | (() => ConditionContext);
}

export function decide(check: AccessCheck): Decision {
  const p = check.principal;
  return evaluate({
    principal: p
      ? { anonymous: false, accountId: p.accountId, userArn: p.userArn, accountAdmin: p.admin }
      : { anonymous: true, accountAdmin: false },
    action: check.action,
    resource: check.resource,
    ...(check.bucket ? { resourceOwner: check.bucket.owner } : {}),
    identityPolicies: p?.policies ?? [],
    ...(check.bucket ? withPolicy(effectiveResourcePolicy(check.bucket)) : {}),
    context: check.context,
  });
}

function withPolicy(doc: PolicyDocument | undefined): { resourcePolicy?: PolicyDocument } {
  return doc ? { resourcePolicy: doc } : {};
}

/** Whether an object's own public-read ACL grants what a policy did not. */
export function objectAclGrants(action: string, objectAcl: string | undefined): boolean {
  return objectAcl === 'public-read' && PUBLIC_OBJECT_ACTIONS.has(action.toLowerCase());
}

export function accessDenied(resource: string, decision?: Decision): Error {
  const why = decision && decision.effect === 'deny' && decision.explicit ? ' (explicitly denied by a policy)' : '';
  return fail('AccessDenied', `Access Denied${why}`, { resource });
}
