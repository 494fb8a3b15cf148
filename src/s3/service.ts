/**
 * The S3 protocol entry point: parse, then authenticate, then authorize (policies, ACLs,
 * quotas), then dispatch to the handler named after the AWS operation. Every failure is an
 * S3 XML error carrying x-amz-request-id.
 */
import { isAppError } from '../core/errors.js';
import type { UsageRecorder } from '../metering/model.js';
import { authenticateRequest, checkSigningRegion } from './authenticate-request.js';
import { admitQuotas, authorizeOperation } from './authorize-request.js';
import type { Handler, S3Context, S3Deps } from './context.js';
import { corsHeadersFor, preflight } from './handlers/cors.js';
import { HANDLERS } from './handlers/index.js';
import { parseRequest } from './parse.js';
import { REQUEST_CLASS } from './request-class.js';
import { type ProtocolRequest, type ProtocolResponse } from './request.js';
import { errorResponse } from './respond.js';

export interface S3Service {
  handle(req: ProtocolRequest): Promise<ProtocolResponse>;
}

export function createS3Service(deps: S3Deps): S3Service {
  const now = deps.now ?? (() => new Date());

  async function run(req: ProtocolRequest, seen: { ctx?: S3Context } | undefined): Promise<ProtocolResponse> {
    const { op, query } = parseRequest(req, { domains: deps.domains });
    if (op.name === 'Preflight') return preflight(deps, req, op);
    const at = now();
    const { auth, principal } = await authenticateRequest(req, { credentials: deps.credentials, now: at, maxSkewSeconds: deps.maxSkewSeconds });
    if (!auth.anonymous) checkSigningRegion(auth, deps.regions, deps.region);
    const ctx: S3Context = { deps, req, op, query, auth, principal };
    if (seen) seen.ctx = ctx;
    // A browser form names its signer inside the body: PostObject authorizes once it has read the form.
    if (op.name !== 'PostObject') await authorizeOperation(ctx, at);
    await admitQuotas(ctx);
    const handler: Handler = HANDLERS[op.name];
    return handler(ctx);
  }

  /**
   * Counts the request once, when its response is over, for the bucket's owner (as S3 bills),
   * anonymous and refused requests included. Not counted: requests that named no existing
   * bucket here (ListBuckets, unknown buckets, failed authentication) and free ones (DELETE).
   */
  function meter(usage: UsageRecorder, ctx: S3Context, res: ProtocolResponse): void {
    const bucket = ctx.bucketInfo;
    const cls = REQUEST_CLASS[ctx.op.name];
    if (bucket?.region === undefined || cls === 'free') return;
    const received = ctx.req.bodyBytesReceived;
    res.sent = (bytesOut) => {
      usage.request({
        accountId: bucket.owner, bucket: bucket.name, region: bucket.region, class: cls,
        bytesIn: received ? received() : 0, bytesOut, at: Date.now(),
      });
    };
  }

  /** A request for a bucket held elsewhere may be passed on whole, if nothing of it was read yet. */
  async function forwarded(req: ProtocolRequest, err: unknown): Promise<ProtocolResponse | undefined> {
    if (!deps.forward || !isAppError(err) || err.code !== 'PermanentRedirect') return undefined;
    const bucket = err.details?.['Bucket'];
    if (bucket === undefined || req.body.readableDidRead) return undefined;
    try {
      return await deps.forward(req, bucket);
    } catch {
      // The holder is unreachable from here: the redirect still tells the client where to go.
      return undefined;
    }
  }

  return {
    async handle(req) {
      let res: ProtocolResponse;
      const usage = deps.usage;
      const seen = usage ? ({} as { ctx?: S3Context }) : undefined;
      try {
        res = await run(req, seen);
        if (usage && seen?.ctx) meter(usage, seen.ctx, res);
      } catch (err) {
        // A request passed on whole is counted by the node that serves it.
        const passedOn = await forwarded(req, err);
        res = passedOn ?? errorResponse(err, req.requestId, req.method, deps.onInternalError);
        if (!passedOn && usage && seen?.ctx) meter(usage, seen.ctx, res);
      }
      res.headers['x-amz-request-id'] = req.requestId;
      res.headers['x-amz-id-2'] = req.requestId;
      res.headers['server'] = 'Sovra';
      if (req.headers.origin !== undefined) {
        try {
          Object.assign(res.headers, await corsHeadersFor(deps, req));
        } catch {
          // CORS headers are advisory on actual requests; a lookup failure must not mask the response.
        }
      }
      return res;
    },
  };
}
