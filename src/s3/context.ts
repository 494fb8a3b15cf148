/**
 * What a handler receives: the parsed operation, the authenticated principal,
 * the dependencies, and helpers to consume the request payload with every
 * integrity claim the client made attached.
 */
import type { Readable } from 'node:stream';
import type { Bucket, StorageEngine, PayloadClaims } from '../engine/types.js';
import type { UsageRecorder } from '../metering/model.js';
import type { Placement } from '../placement/regional-storage.js';
import type { AccessRecorder, AccountDirectory, CredentialResolver, Principal } from '../tenancy/model.js';
import type { QuotaGuard } from './quotas.js';
import type { Anonymous, Authenticated } from './auth/index.js';
import type { S3Op } from './ops.js';
import type { ProtocolRequest, ProtocolResponse } from './request.js';

export interface S3Deps {
  /** Routes each bucket to its region's storage (RegionalStorage implements both). */
  engine: StorageEngine;
  /** Bucket placement and residency across regions. */
  placement: Placement;
  /** Access keys and the principals behind them. */
  credentials: CredentialResolver;
  /** Accounts (regions a customer may use, default residency); undefined: no account limits. */
  accounts?: AccountDirectory;
  /** Customer quotas (buckets, bytes, request rate); undefined: none enforced. */
  quotas?: QuotaGuard;
  /** Records each use of another account's data (sovereignty log); undefined: not recorded. */
  accessRecorder?: AccessRecorder;
  /** The region named in messages about signing regions (the default region). */
  region: string;
  /** Regions accepted in a request's signing scope (besides us-east-1). */
  regions: readonly string[];
  domains: readonly string[];
  maxSkewSeconds: number;
  /**
   * For a bucket another region holds: pass the request on untouched when that is allowed
   * (undefined: answer PermanentRedirect). Only asked before the body was read.
   */
  forward?: (req: ProtocolRequest, bucket: string) => Promise<ProtocolResponse | undefined>;
  /** Counts each request served for its bucket's owner (metering); undefined: not counted. */
  usage?: UsageRecorder;
  now?: () => Date;
  onInternalError?: (err: unknown, requestId: string) => void;
}

export interface S3Context {
  deps: S3Deps;
  req: ProtocolRequest;
  op: S3Op;
  query: URLSearchParams;
  auth: Authenticated | Anonymous;
  /** Undefined for anonymous requests (allowed only where a bucket policy or ACL grants everyone). */
  principal: Principal | undefined;
  /** The request's bucket, once the service has authorized the request against it. */
  bucketInfo?: Bucket;
}

export interface Payload {
  body: Readable;
  claims: PayloadClaims;
}

export type Handler<Ctx extends S3Context = S3Context> = (ctx: Ctx) => Promise<ProtocolResponse>;

export function requirePrincipal(ctx: S3Context): Principal {
  if (!ctx.principal) throw new Error('handler reached without a principal');
  return ctx.principal;
}

/**
 * The account that owns what a write creates: the bucket's owner (S3's "bucket owner
 * enforced" object ownership), so a granted writer from another account or an anonymous
 * writer never owns objects in someone else's bucket.
 */
export function writeOwner(ctx: S3Context): string {
  return ctx.bucketInfo?.owner ?? requirePrincipal(ctx).accountId;
}

/** The display name S3 shows for an owner: the caller's own name, else the owner's account id. */
export function ownerDisplayName(ctx: S3Context, ownerAccountId: string): string {
  return ctx.principal && ctx.principal.accountId === ownerAccountId ? ctx.principal.displayName : ownerAccountId;
}
