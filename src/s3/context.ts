/**
 * What a handler receives: the parsed operation, the authenticated principal,
 * the dependencies, and helpers to consume the request payload with every
 * integrity claim the client made attached.
 */
import type { Readable } from 'node:stream';
import type { Bucket, StorageEngine, PayloadClaims } from '../engine/types.js';
import type { Placement } from '../placement/regional-storage.js';
import type { KeyStore, Principal } from '../tenancy/index.js';
import type { Anonymous, Authenticated } from './auth/index.js';
import type { S3Op } from './ops.js';
import type { ProtocolRequest, ProtocolResponse } from './request.js';

export interface S3Deps {
  /** Routes each bucket to its region's storage (RegionalStorage implements both). */
  engine: StorageEngine;
  /** Bucket placement and residency across regions. */
  placement: Placement;
  keys: KeyStore;
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
  now?: () => Date;
  onInternalError?: (err: unknown, requestId: string) => void;
}

export interface S3Context {
  deps: S3Deps;
  req: ProtocolRequest;
  op: S3Op;
  query: URLSearchParams;
  auth: Authenticated | Anonymous;
  /** Undefined only for anonymous requests, which reach only PostObject and Preflight. */
  principal: Principal | undefined;
  /** The request's bucket, once the service has checked the caller owns it. */
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
