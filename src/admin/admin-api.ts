/**
 * The admin API (/admin/v1/...): JSON over HTTP, authenticated with SigV4 (the S3 API's
 * keys) or a bearer token. It serves the topology's regions, residency policies, and the
 * account hierarchy (partners, customers, users, access keys, identity policies, tokens,
 * sovereignty records) through the tenancy service, which enforces who may do what, and
 * billing (usage, price books, invoices, credit notes, margins) through the billing service.
 * The OpenAPI document is at /admin/v1/openapi.json. Every POST honours an
 * Idempotency-Key header; PUT, PATCH and DELETE are idempotent by nature.
 */
import { createHash } from 'node:crypto';
import { fail } from '../core/errors.js';
import type { Placement } from '../placement/regional-storage.js';
import type { ProtocolRequest, ProtocolResponse } from '../s3/request.js';
import type { CredentialResolver, IdempotencyLedger, TenancyService } from '../tenancy/model.js';
import { authenticateAdmin } from './authenticate.js';
import { runIdempotent } from './idempotency.js';
import { jsonError, jsonResponse, parseJson, readBody } from './json.js';
import { openApiDocument } from './openapi.js';
import { compileRoute, paramsOf, type AdminRoute, type Reply } from './route.js';
import type { BillingService } from '../billing/billing-service.js';
import { accountRoutes } from './routes/accounts.js';
import { billingRoutes } from './routes/billing.js';
import { keyRoutes } from './routes/keys.js';
import { policyRoutes } from './routes/policies.js';
import { regionRoutes } from './routes/regions.js';
import { accountResidencyRoutes, bucketResidencyRoutes } from './routes/residency.js';
import { sessionRoutes } from './routes/session.js';
import { usageRoutes } from './routes/usage.js';
import { userRoutes } from './routes/users.js';

export { regionJson } from './routes/regions.js';
export type { AdminCall, AdminRoute, Reply } from './route.js';

export const ADMIN_PREFIX = '/admin/v1/';
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';

export interface AdminDeps {
  /** Request authentication: the principal behind an access key or a bearer token. */
  credentials: CredentialResolver;
  /**
   * Where the accounts are (embedded server, control plane). A region node has neither: it
   * serves regions and its buckets' residency, and passes the rest on to the control plane.
   */
  tenancy?: TenancyService;
  idempotency?: IdempotencyLedger;
  /** Usage, price books, invoices (kept where the accounts are: the control plane). */
  billing?: BillingService;
  placement: Placement;
  maxSkewSeconds: number;
  now?: () => Date;
  onInternalError?: (err: unknown, requestId: string) => void;
  /** Extra routes (e.g. nearest-region recommendations), tried after the built-in ones. */
  extraRoutes?: AdminRoute[];
}

/** The routes an API with these deps serves (the OpenAPI test compares them with the document). */
export function adminRoutes(deps: AdminDeps): AdminRoute[] {
  const { placement, tenancy } = deps;
  return [
    ...regionRoutes(placement),
    ...bucketResidencyRoutes(placement),
    ...(tenancy
      ? [...accountResidencyRoutes(placement, tenancy), ...sessionRoutes(tenancy), ...accountRoutes(tenancy), ...userRoutes(tenancy), ...keyRoutes(tenancy), ...policyRoutes(tenancy)]
      : []),
    ...(deps.billing ? [...usageRoutes(deps.billing), ...billingRoutes(deps.billing)] : []),
    ...(deps.extraRoutes ?? []),
  ];
}

function render(reply: Reply, headers: Record<string, string> = {}): ProtocolResponse {
  if (reply.document) {
    const d = reply.document;
    const disposition: Record<string, string> = d.filename ? { 'content-disposition': `inline; filename="${d.filename}"` } : {};
    return { status: reply.status, headers: { 'content-type': d.contentType, ...disposition, ...headers }, body: d.text };
  }
  if (reply.body === undefined || reply.body === null) return { status: reply.status, headers };
  return jsonResponse(reply.status, reply.body, headers);
}

export function createAdminApi(deps: AdminDeps) {
  const { placement, credentials, idempotency } = deps;
  const now = deps.now ?? (() => new Date());
  const routes = adminRoutes(deps).map(compileRoute);

  async function run(req: ProtocolRequest): Promise<ProtocolResponse> {
    const path = req.rawPath.slice(ADMIN_PREFIX.length);
    // The API description is public, like any published API reference.
    if (path === 'openapi.json' && req.method === 'GET') return jsonResponse(200, openApiDocument());
    const candidates = routes.filter((r) => r.pattern.test(path));
    if (candidates.length === 0) throw fail('InvalidRequest', `No admin API resource at ${req.rawPath}; see ${ADMIN_PREFIX}openapi.json.`);
    const route = candidates.find((r) => r.method === req.method);
    if (!route) throw fail('MethodNotAllowed', `${req.method} is not allowed on ${req.rawPath}.`, { headers: { allow: candidates.map((r) => r.method).join(', ') } });
    const auth = await authenticateAdmin(req, {
      credentials, now: now(), maxSkewSeconds: deps.maxSkewSeconds,
      regions: placement.topology.regions.map((r) => r.id), defaultRegion: placement.topology.defaultRegion,
    });
    const params = paramsOf(route, path);
    const raw = await readBody(req, auth.payload);
    const call = { req, principal: auth.principal, params, query: new URLSearchParams(req.rawQuery), body: async () => parseJson(raw), text: async () => raw.toString('utf8') };

    const key = req.headers[IDEMPOTENCY_HEADER];
    if (key === undefined || route.method !== 'POST' || idempotency === undefined) return render(await route.run(call));
    // The same key with another request is a client bug, refused rather than replayed.
    const fingerprint = `${req.method} ${req.rawPath}?${req.rawQuery} ${createHash('sha256').update(raw).digest('hex')}`;
    const result = await runIdempotent(idempotency, { userId: auth.principal.userId, idempotencyKey: Array.isArray(key) ? key.join(',') : key, fingerprint }, () => route.run(call));
    return render(result, result.replayed ? { [REPLAYED_HEADER]: 'true' } : {});
  }

  return {
    matches: (rawPath: string) => rawPath.startsWith(ADMIN_PREFIX),
    /** Whether this API has a route for the path (any method); the openapi document counts. */
    serves: (rawPath: string) => {
      const path = rawPath.slice(ADMIN_PREFIX.length);
      return path === 'openapi.json' || routes.some((r) => r.pattern.test(path));
    },
    async handle(req: ProtocolRequest): Promise<ProtocolResponse> {
      let res: ProtocolResponse;
      try {
        res = await run(req);
      } catch (e) {
        res = jsonError(e, req.requestId, deps.onInternalError);
      }
      res.headers['x-amz-request-id'] = req.requestId;
      res.headers['server'] = 'Sovra';
      return res;
    },
  };
}
