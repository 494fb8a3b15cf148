/**
 * The admin API (/admin/v1/...): JSON over HTTP, SigV4-authenticated like the S3 API (any
 * S3 tool's credentials work; the same keys). This first part serves the regions of the
 * topology and residency policies of buckets and accounts; the tenancy work adds accounts,
 * users and keys under the same prefix. The OpenAPI document is at /admin/v1/openapi.json.
 */
import { fail } from '../core/errors.js';
import type { Placement } from '../placement/regional-storage.js';
import { authenticateRequest, checkSigningRegion } from '../s3/authenticate-request.js';
import type { ProtocolRequest, ProtocolResponse } from '../s3/request.js';
import type { KeyStore, Principal } from '../tenancy/index.js';
import { parseLocation, parseRttList, recommendRegions } from '../topology/index.js';
import type { Region } from '../topology/types.js';
import { jsonError, jsonResponse, readJsonBody, zonesField } from './json.js';
import { openApiDocument } from './openapi.js';

export const ADMIN_PREFIX = '/admin/v1/';

export interface AdminDeps {
  keys: KeyStore;
  placement: Placement;
  /** The operator's account: may manage any account's mandatory policy. */
  operatorAccountId: string;
  maxSkewSeconds: number;
  now?: () => Date;
  onInternalError?: (err: unknown, requestId: string) => void;
  /** Extra routes (e.g. nearest-region recommendations), tried before 404. */
  extraRoutes?: AdminRoute[];
}

export interface AdminCall {
  req: ProtocolRequest;
  principal: Principal;
  params: string[];
  query: URLSearchParams;
  body(): Promise<unknown>;
}

export interface AdminRoute {
  method: string;
  pattern: RegExp;
  run(call: AdminCall): Promise<ProtocolResponse>;
}

export function regionJson(r: Region): Record<string, unknown> {
  return {
    id: r.id, name: r.name, city: r.city, country: r.country, zones: r.zones,
    ...(r.endpoint ? { endpoint: r.endpoint } : {}),
    ...(r.location ? { location: r.location } : {}),
  };
}

export function createAdminApi(deps: AdminDeps) {
  const { placement } = deps;
  const now = deps.now ?? (() => new Date());

  async function ownedBucket(call: AdminCall, name: string): Promise<void> {
    const entry = await placement.lookupBucket(name);
    if (entry.owner !== call.principal.accountId && call.principal.accountId !== deps.operatorAccountId) {
      throw fail('AccessDenied', 'Access Denied', { resource: `/${name}` });
    }
  }

  function mayManageAccount(call: AdminCall, accountId: string): void {
    if (call.principal.accountId !== deps.operatorAccountId && call.principal.accountId !== accountId) throw fail('AccessDenied', 'Access Denied');
  }

  const routes: AdminRoute[] = [
    {
      method: 'GET', pattern: /^regions$/,
      run: async () => jsonResponse(200, { defaultRegion: placement.topology.defaultRegion, regions: placement.topology.regions.map(regionJson) }),
    },
    {
      method: 'GET', pattern: /^regions\/nearest$/,
      run: async (c) => {
        const q = c.query;
        const given = ['from', 'location', 'rtt'].filter((k) => q.has(k));
        if (given.length !== 1) throw fail('InvalidArgument', 'Give exactly one of from=<region>, location=<lat,lon> or rtt=<region=ms,...>.');
        const from = q.has('from') ? { region: q.get('from') ?? '' } : q.has('location') ? { location: parseLocation(q.get('location') ?? '') } : { rttMs: parseRttList(q.get('rtt') ?? '') };
        const zones = q.get('zones');
        const ranked = recommendRegions(placement.topology, { from, ...(zones ? { zones: zones.split(',') } : {}) });
        return jsonResponse(200, {
          recommended: ranked[0]?.region.id ?? null,
          candidates: ranked.map((r) => ({ region: r.region.id, rttMs: r.rttMs ?? null, basis: r.basis })),
        });
      },
    },
    {
      method: 'GET', pattern: /^buckets\/([^/]+)\/residency$/,
      run: async (c) => {
        const name = c.params[0] ?? '';
        await ownedBucket(c, name);
        return jsonResponse(200, await placement.getResidency(name));
      },
    },
    {
      method: 'PUT', pattern: /^buckets\/([^/]+)\/residency$/,
      run: async (c) => {
        const name = c.params[0] ?? '';
        const zones = zonesField(await c.body());
        await ownedBucket(c, name);
        return jsonResponse(200, await placement.putResidency(name, zones ?? undefined));
      },
    },
    {
      method: 'GET', pattern: /^accounts\/([^/]+)\/residency$/,
      run: async (c) => {
        const id = c.params[0] ?? '';
        mayManageAccount(c, id);
        return jsonResponse(200, { account: id, mandatory: (await placement.getAccountResidency(id)) ?? null });
      },
    },
    {
      method: 'PUT', pattern: /^accounts\/([^/]+)\/residency$/,
      run: async (c) => {
        const id = c.params[0] ?? '';
        const zones = zonesField(await c.body());
        // Placing a mandatory policy is the operator's (later: the partner's or customer admin's) act.
        if (c.principal.accountId !== deps.operatorAccountId) throw fail('AccessDenied', 'Only the operator may set an account\'s mandatory residency policy.');
        return jsonResponse(200, { account: id, mandatory: (await placement.putAccountResidency(id, zones ?? undefined)) ?? null });
      },
    },
    ...(deps.extraRoutes ?? []),
  ];

  async function run(req: ProtocolRequest): Promise<ProtocolResponse> {
    const path = req.rawPath.slice(ADMIN_PREFIX.length);
    // The API description is public, like any published API reference.
    if (path === 'openapi.json' && req.method === 'GET') return jsonResponse(200, openApiDocument());
    const candidates = routes.filter((r) => r.pattern.test(path));
    if (candidates.length === 0) throw fail('InvalidRequest', `No admin API resource at ${req.rawPath}; see ${ADMIN_PREFIX}openapi.json.`);
    const route = candidates.find((r) => r.method === req.method);
    if (!route) throw fail('MethodNotAllowed', `${req.method} is not allowed on ${req.rawPath}.`, { headers: { allow: candidates.map((r) => r.method).join(', ') } });
    const auth = await authenticateRequest(req, { keys: deps.keys, now: now(), maxSkewSeconds: deps.maxSkewSeconds });
    if (auth.anonymous) throw fail('AccessDenied', 'The admin API needs a signed request (AWS Signature V4).');
    checkSigningRegion(auth, placement.topology.regions.map((r) => r.id), placement.topology.defaultRegion);
    const principal = (await deps.keys.lookup(auth.accessKeyId))?.principal;
    if (!principal) throw fail('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    const params = (route.pattern.exec(path) ?? []).slice(1).map((p) => decodeURIComponent(p));
    return route.run({ req, principal, params, query: new URLSearchParams(req.rawQuery), body: () => readJsonBody(req, auth.payload) });
  }

  return {
    matches: (rawPath: string) => rawPath.startsWith(ADMIN_PREFIX),
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
