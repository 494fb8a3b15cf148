/**
 * The analytics HTTP API on the S3 endpoint (/analytics/v1/...): POST a SQL query, read a
 * query's status, cancel it. Authenticated like the rest of the API: AWS SigV4 (service s3,
 * the same keys; body signed or UNSIGNED-PAYLOAD) or `Authorization: Bearer <token>`.
 * Results stream as JSON lines, CSV, Arrow IPC or Parquet, with the query id and columns in
 * headers and the bytes scanned, time and row count in HTTP trailers. Errors are JSON
 * {code, message, position?, requestId}. The OpenAPI document is at /analytics/v1/openapi.json.
 */
import { readJsonApiBody } from '../../admin/json.js';
import { fail, isAppError, type AppError } from '../../core/errors.js';
import { authenticateRequest, checkSigningRegion } from '../../s3/authenticate-request.js';
import type { S3Deps } from '../../s3/context.js';
import { S3_ERRORS } from '../../s3/errors.js';
import type { ProtocolRequest, ProtocolResponse } from '../../s3/request.js';
import { POSITION } from '../errors.js';
import { QUERY_ID, RESULT_FORMATS, type AnalyticsService, type ResultFormat } from '../query-service.js';
import { objectAccess, type CallerContext } from './object-access.js';
import { analyticsOpenApi } from './openapi.js';

export const ANALYTICS_PREFIX = '/analytics/v1/';
export const TRAILERS = ['x-sovra-bytes-scanned', 'x-sovra-elapsed-ms', 'x-sovra-rows'] as const;
const MAX_BODY = 1024 * 1024;
const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The routes served (the OpenAPI test compares them with the document). */
export const ANALYTICS_ROUTES = [
  { method: 'POST', path: '/query' },
  { method: 'GET', path: '/queries/{id}' },
  { method: 'DELETE', path: '/queries/{id}' },
] as const;

export interface AnalyticsApiDeps {
  s3: S3Deps;
  service: AnalyticsService;
  /** Regions accepted in a signing scope (as the S3 API). */
  regions: readonly string[];
  defaultRegion: string;
}

/** JSON with every non-ASCII character escaped, for header values. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): ProtocolResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value, null, 2) + '\n' };
}

export function analyticsError(err: unknown, requestId: string, onInternal?: (e: unknown, id: string) => void): ProtocolResponse {
  if (!isAppError(err) || err.code === 'Internal') onInternal?.(err, requestId);
  const e: AppError | undefined = isAppError(err) ? err : undefined;
  const code = e?.code ?? 'Internal';
  const body: Record<string, unknown> = { code, message: e && code !== 'Internal' ? e.message : 'We encountered an internal error. Please try again.' };
  const position = e?.details?.[POSITION];
  if (position !== undefined) body['position'] = Number(position);
  const details = e?.details ? Object.fromEntries(Object.entries(e.details).filter(([k]) => k !== POSITION)) : {};
  if (Object.keys(details).length > 0) body['details'] = details;
  body['requestId'] = requestId;
  return json(S3_ERRORS[code].status, body, e?.headers ?? {});
}

interface QueryBody {
  sql: string;
  id?: string;
  format: ResultFormat;
  output?: { bucket: string; key: string };
}

function parseQueryBody(buf: Buffer): QueryBody {
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw fail('InvalidRequest', `The body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw fail('InvalidRequest', 'The body must be a JSON object: {"sql": "SELECT ...", "format"?: "jsonl"|"csv"|"arrow"|"parquet", "output"?: {"bucket", "key"}}.');
  const o = v as Record<string, unknown>;
  if (typeof o['sql'] !== 'string' || o['sql'].trim() === '') throw fail('InvalidArgument', '"sql" must be a non-empty string.');
  const format = o['format'] ?? 'jsonl';
  if (typeof format !== 'string' || !RESULT_FORMATS.includes(format as ResultFormat)) throw fail('InvalidArgument', `"format" must be one of ${RESULT_FORMATS.join(', ')}.`);
  const out: QueryBody = { sql: o['sql'], format: format as ResultFormat };
  if (o['id'] !== undefined) {
    if (typeof o['id'] !== 'string' || !QUERY_ID.test(o['id'])) throw fail('InvalidArgument', '"id" must be 8 to 64 letters, digits, "-" or "_".');
    out.id = o['id'];
  }
  const output = o['output'];
  if (output !== undefined && output !== null) {
    const t = output as Record<string, unknown>;
    if (typeof t !== 'object' || typeof t['bucket'] !== 'string' || typeof t['key'] !== 'string' || t['bucket'] === '' || t['key'] === '') {
      throw fail('InvalidArgument', '"output" must be {"bucket": "...", "key": "..."}.');
    }
    out.output = { bucket: t['bucket'], key: t['key'] };
  }
  return out;
}

export function createAnalyticsApi(deps: AnalyticsApiDeps) {
  const { s3, service } = deps;
  const now = () => (s3.now ?? (() => new Date()))();

  async function authenticate(req: ProtocolRequest): Promise<{ caller: CallerContext; signedHash: string | undefined }> {
    const authz = req.headers['authorization'];
    const header = Array.isArray(authz) ? authz.join(',') : authz;
    if (header !== undefined && /^Bearer\b/i.test(header)) {
      const m = BEARER.exec(header);
      if (!m) throw fail('InvalidRequest', 'The Authorization header must be "Bearer <token>".');
      const principal = await s3.credentials.lookupToken(m[1] ?? '');
      if (!principal) throw fail('AccessDenied', 'The bearer token is not valid: unknown, deleted or expired.');
      return { caller: { deps: s3, req, auth: { anonymous: true, payload: { kind: 'unsigned' } }, principal }, signedHash: undefined };
    }
    const { auth, principal } = await authenticateRequest(req, { credentials: s3.credentials, now: now(), maxSkewSeconds: s3.maxSkewSeconds });
    if (auth.anonymous || !principal) throw fail('AccessDenied', 'Queries need a signed request (AWS Signature V4) or a bearer token.');
    checkSigningRegion(auth, deps.regions, deps.defaultRegion);
    if (auth.payload.kind === 'streaming-signed') throw fail('InvalidRequest', 'Send the query body whole: signed (x-amz-content-sha256) or UNSIGNED-PAYLOAD, not aws-chunked.');
    return { caller: { deps: s3, req, auth, principal }, signedHash: auth.payload.kind === 'signed' ? auth.payload.sha256Hex : undefined };
  }

  async function query(req: ProtocolRequest): Promise<ProtocolResponse> {
    const { caller, signedHash } = await authenticate(req);
    // A query is a request of the caller's account, within its request rate like any other.
    if (s3.quotas) await s3.quotas.admitRequest(caller.principal.accountId);
    // Its analytics quotas (concurrency, time, memory, threads, result size) narrow the server's limits.
    const limits = await s3.quotas?.queryLimits(caller.principal.accountId);
    const body = parseQueryBody(await readJsonApiBody(req, MAX_BODY, signedHash));
    const result = await service.run({
      sql: body.sql, format: body.format, ...(body.output ? { output: body.output } : {}), ...(body.id ? { id: body.id } : {}),
      accountId: caller.principal.accountId, ...(limits ? { limits } : {}), access: objectAccess(caller), signal: req.signal,
    });
    if (result.kind === 'stored') {
      return json(200, { id: result.id, bucket: result.bucket, key: result.key, etag: result.etag, size: result.size, rows: result.rows, bytesScanned: result.bytesScanned, elapsedMs: result.elapsedMs, columns: result.columns }, { 'x-sovra-query-id': result.id });
    }
    return {
      status: 200,
      headers: {
        'content-type': result.contentType,
        'x-sovra-query-id': result.id,
        'x-sovra-columns': asciiJson(result.columns),
        trailer: TRAILERS.join(', '),
        'cache-control': 'no-store',
      },
      body: result.body,
      trailers: () => {
        const s = result.stats();
        return { 'x-sovra-bytes-scanned': String(s.bytesScanned), 'x-sovra-elapsed-ms': String(s.elapsedMs), 'x-sovra-rows': String(s.rows) };
      },
    };
  }

  async function run(req: ProtocolRequest): Promise<ProtocolResponse> {
    const path = req.rawPath.slice(ANALYTICS_PREFIX.length - 1);
    if (path === '/openapi.json' && req.method === 'GET') return json(200, analyticsOpenApi());
    if (path === '/query') {
      if (req.method !== 'POST') throw fail('MethodNotAllowed', `${req.method} is not allowed on ${req.rawPath}; POST a query.`, { headers: { allow: 'POST' } });
      return query(req);
    }
    const m = /^\/queries\/([A-Za-z0-9_-]+)$/.exec(path);
    if (!m) throw fail('InvalidRequest', `No analytics API resource at ${req.rawPath}; see ${ANALYTICS_PREFIX}openapi.json.`);
    const id = m[1] ?? '';
    if (req.method !== 'GET' && req.method !== 'DELETE') throw fail('MethodNotAllowed', `${req.method} is not allowed on ${req.rawPath}.`, { headers: { allow: 'GET, DELETE' } });
    const { caller } = await authenticate(req);
    if (req.method === 'GET') return json(200, await service.status(id, caller.principal.accountId));
    await service.cancel(id, caller.principal.accountId);
    return { status: 204, headers: {} };
  }

  return {
    /** Path-style requests to /analytics/v1/ (a virtual-hosted bucket request is the S3 API's). */
    matches(req: ProtocolRequest): boolean {
      if (!req.rawPath.startsWith(ANALYTICS_PREFIX)) return false;
      const host = String(req.headers['host'] ?? '').replace(/:\d+$/, '').toLowerCase();
      return !s3.domains.some((d) => host.endsWith(`.${d.toLowerCase()}`));
    },
    async handle(req: ProtocolRequest): Promise<ProtocolResponse> {
      let res: ProtocolResponse;
      try {
        res = await run(req);
      } catch (e) {
        res = analyticsError(e, req.requestId, s3.onInternalError);
      }
      res.headers['x-amz-request-id'] = req.requestId;
      res.headers['server'] = 'Sovra';
      return res;
    },
  };
}
