/**
 * What a handler receives: the parsed operation, the authenticated principal,
 * the dependencies, and helpers to consume the request payload with every
 * integrity claim the client made attached.
 */
import type { Readable } from 'node:stream';
import type { Bucket, StorageEngine, PayloadClaims } from '../engine/types.js';
import type { KeyStore, Principal } from '../tenancy/index.js';
import type { Anonymous, Authenticated } from './auth/index.js';
import type { S3Op } from './ops.js';
import type { ProtocolRequest, ProtocolResponse } from './request.js';

export interface S3Deps {
  engine: StorageEngine;
  keys: KeyStore;
  /** The region buckets are created in when the request names none. */
  region: string;
  /** Regions this server accepts as LocationConstraint. */
  regions: readonly string[];
  domains: readonly string[];
  maxSkewSeconds: number;
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
