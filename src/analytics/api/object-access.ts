/**
 * The analytics engine's view of storage for one authenticated caller, built on the S3
 * API's own rules: a glob lists the bucket only if the caller may (s3:ListBucket, with the
 * s3:prefix condition), every object read is s3:GetObject on that object (bucket policies,
 * identity policies, public-read ACLs, exactly as a GET), a result written back is
 * s3:PutObject plus the owner's storage quota, and each use of another account's bucket
 * goes to the sovereignty record.
 */
import type { Readable } from 'node:stream';
import { fail, isAppError } from '../../core/errors.js';
import type { Bucket } from '../../engine/types.js';
import { authorizeObjectAccess, authorizeOperation } from '../../s3/authorize-request.js';
import type { Anonymous, Authenticated } from '../../s3/auth/index.js';
import type { S3Context, S3Deps } from '../../s3/context.js';
import type { S3Op } from '../../s3/ops.js';
import type { ProtocolRequest } from '../../s3/request.js';
import type { Principal } from '../../tenancy/model.js';
import type { BucketPlace, ListedObject, ObjectAccess } from '../ports.js';

const PAGE = 1000;

export interface CallerContext {
  deps: S3Deps;
  req: ProtocolRequest;
  /** The SigV4 authentication, or an anonymous stand-in for a bearer-token caller (no signature conditions apply). */
  auth: Authenticated | Anonymous;
  principal: Principal;
}

export function objectAccess(caller: CallerContext): ObjectAccess {
  const { deps } = caller;
  const buckets = new Map<string, Bucket>();
  // The sovereignty record gets one entry per bucket and action, not one per object.
  const recorded = new Set<string>();
  const objectCtx = (op: S3Op & { key: string }, b: Bucket, action: string): S3Context => {
    const ctx = ctxFor(op);
    if (recorded.has(`${b.name} ${action}`)) ctx.bucketInfo = b;
    recorded.add(`${b.name} ${action}`);
    return ctx;
  };
  const ctxFor = (op: S3Op, query = new URLSearchParams()): S3Context => ({ deps, req: caller.req, op, query, auth: caller.auth, principal: caller.principal });
  const now = () => (deps.now ?? (() => new Date()))();

  async function bucketInfo(name: string): Promise<Bucket> {
    let b = buckets.get(name);
    if (!b) {
      try {
        b = await deps.engine.getBucket(name);
      } catch (e) {
        if (isAppError(e) && e.code === 'PermanentRedirect') {
          const region = e.details?.['Region'] ?? 'another region';
          const endpoint = e.details?.['Endpoint'];
          throw fail('PermanentRedirect', `Bucket '${name}' is held by region ${region}: its data is queried only there${endpoint ? `; send the query to ${endpoint}` : ''}.`, {
            resource: `/${name}`, ...(e.details ? { details: e.details } : {}), ...(e.headers ? { headers: e.headers } : {}),
          });
        }
        throw e;
      }
      buckets.set(name, b);
    }
    return b;
  }

  return {
    async bucket(name): Promise<BucketPlace> {
      const b = await bucketInfo(name);
      const residency = await deps.placement.getResidency(name);
      return { name, owner: b.owner, region: residency.region, zones: residency.zones };
    },

    async *list(bucket, prefix, signal): AsyncIterable<ListedObject> {
      const ctx = ctxFor({ name: 'ListObjectsV2', bucket }, new URLSearchParams({ 'list-type': '2', prefix }));
      await authorizeOperation(ctx, now());
      let after: string | undefined;
      for (;;) {
        signal?.throwIfAborted();
        const page = await deps.engine.listObjects({ bucket, prefix, maxKeys: PAGE, ...(after !== undefined ? { after } : {}) });
        for (const o of page.objects) yield { key: o.key, size: o.size };
        if (!page.isTruncated || page.nextAfter === undefined) return;
        after = page.nextAfter;
      }
    },

    async materialize(bucket, key, path, signal) {
      const b = await bucketInfo(bucket);
      const ctx = objectCtx({ name: 'GetObject', bucket, key }, b, 's3:GetObject');
      await authorizeObjectAccess(ctx, { action: 's3:GetObject', key, bucket: b });
      const { info } = await deps.engine.objectFile({ bucket, key, path, ...(signal ? { signal } : {}) });
      return { size: info.size, version: `${info.versionId} ${info.etag}` };
    },

    async authorizeWrite(bucket, key) {
      const b = await bucketInfo(bucket);
      const ctx = objectCtx({ name: 'PutObject', bucket, key }, b, 's3:PutObject');
      await authorizeObjectAccess(ctx, { action: 's3:PutObject', key, bucket: b });
      if (deps.quotas) await deps.quotas.admitRequest(b.owner);
    },

    async write(bucket, key, body: Readable, size, contentType, signal) {
      const b = await bucketInfo(bucket);
      if (deps.quotas) await deps.quotas.admitBytes(b.owner, size);
      const result = await deps.engine.putObject({
        bucket, key, owner: b.owner, body, claims: { contentLength: size }, headers: { contentType, userMetadata: {} },
        ...(signal ? { signal } : {}),
      });
      return { etag: result.etag, size: result.size };
    },
  };
}
