/**
 * The internal (node-to-node) API every Sovra process serves beside S3, under
 * /_sovra/internal/v1/. It only transports: the directory routes map onto a
 * BucketDirectory, the region routes onto a RegionAccess (which does the residency
 * checks). Every request must carry a node signature:
 *
 * - SigV4, Authorization header only (no presigned URLs), service 'sovra-internal',
 *   credential-scope region = the calling node's own id (and it must match the key's
 *   node id, so a scope cannot claim another identity).
 * - Replay window = allowed clock skew (maxSkewSeconds, default 300 s); inside it a
 *   recorded request could be replayed, which is why production links run over TLS.
 * - JSON bodies must be signed by hash (the body is checked against it before use);
 *   UNSIGNED-PAYLOAD is accepted only for the streamed replica body, whose integrity the
 *   receiving region checks against the replica's size, etag and checksum.
 *
 * Errors are JSON {code, message, resource?, details?, headers?} with the S3 status of the
 * code, so the client rebuilds the very AppError the remote side raised. Routing misses
 * (unknown route, a region or directory this node does not serve) answer 404 with code
 * 'Unavailable': for the caller that peer cannot serve the request.
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { fail, isAppError, type AppError } from '../core/errors.js';
import type { BucketDirectory, RegionAccess } from '../placement/ports.js';
import { authenticate, parseQuery, type Authenticated } from '../s3/auth/index.js';
import type { ProtocolRequest, ProtocolResponse } from '../s3/request.js';
import { nodeIdOfAccessKey, nodeKeyLookup } from './node-credentials.js';
import { tenancyRoute, type TenancyRouteDeps } from './tenancy-routes.js';
import {
  encodeHeaderJson,
  ERROR_HEADER,
  INTERNAL_PREFIX,
  INTERNAL_SERVICE,
  JSON_TYPE,
  MAX_JSON_BODY,
  OBJECT_HEADER,
  parseJson,
  REPLICA_HEADER,
  decodeHeaderJson,
  reviveBucketEntry,
  reviveReadForCopyInput,
  reviveReplicaMeta,
  reviveResidency,
  reviveUsageBatch,
  reviveUsageQuery,
  serializeUsage,
  statusOf,
  toWireError,
} from './wire.js';

export const DEFAULT_INTERNAL_MAX_SKEW_SECONDS = 300;

export interface InternalApiDeps {
  clusterSecret: string;
  /** Node ids allowed to call: region ids and 'control-plane'. */
  knownNodes: string[];
  /** Served by the control plane. */
  directory?: BucketDirectory;
  /** The regions this node serves, by id. */
  regions?: Map<string, RegionAccess>;
  /** Served by the control plane: principals and signing keys, accounts, the sovereignty log. */
  tenancy?: TenancyRouteDeps;
  now?: () => Date;
  maxSkewSeconds?: number;
  /** Errors that are not AppErrors (bugs, I/O failures), for the log. */
  onInternalError?: (err: unknown, requestId: string) => void;
}

export interface InternalApi {
  matches(path: string): boolean;
  handle(req: ProtocolRequest): Promise<ProtocolResponse>;
}

/** The authenticated call: the route's decoded path segments and query. */
interface Call {
  req: ProtocolRequest;
  auth: Authenticated;
  segments: string[];
  query: Map<string, string>;
}

function jsonResponse(status: number, value: unknown): ProtocolResponse {
  return { status, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(value) };
}

const NO_CONTENT: () => ProtocolResponse = () => ({ status: 204, headers: {} });

/** Errors that mean "not served here": answered 404 whatever their code's S3 status. */
const routeMisses = new WeakSet<AppError>();

function routeMiss(message: string): AppError {
  const e = fail('Unavailable', message);
  routeMisses.add(e);
  return e;
}

export function errorToResponse(err: unknown, requestId: string, onInternal?: (e: unknown, id: string) => void): ProtocolResponse {
  const app: AppError = isAppError(err) ? err : fail('Internal', 'We encountered an internal error. Please try again.');
  if (!isAppError(err) || err.code === 'Internal') onInternal?.(err, requestId);
  const wire = toWireError(app);
  const status = routeMisses.has(app) ? 404 : statusOf(app.code);
  // 304 cannot carry a body: the error then travels in a header.
  if (status === 304) return { status, headers: { [ERROR_HEADER]: encodeHeaderJson(wire) } };
  return jsonResponse(status, wire);
}

/** Reads a small body whole and checks it against the signed hash. */
async function readSignedBody(call: Call): Promise<Buffer> {
  const { payload } = call.auth;
  if (payload.kind !== 'signed') {
    throw fail('AccessDenied', 'This internal route requires a signed payload hash (x-amz-content-sha256 = hex SHA-256 of the body).');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of call.req.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY) throw fail('EntityTooLarge', `Internal JSON bodies are limited to ${MAX_JSON_BODY} bytes.`);
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  if (createHash('sha256').update(body).digest('hex') !== payload.sha256Hex) throw tampered();
  return body;
}

function tampered(): AppError {
  return fail('SignatureDoesNotMatch', 'The request body does not match the signed x-amz-content-sha256.');
}

/** A streamed body: unsigned passes through; a signed hash is checked at the end of the stream. */
function streamBody(call: Call): Readable {
  const { payload } = call.auth;
  if (payload.kind === 'unsigned') return call.req.body;
  if (payload.kind !== 'signed') throw fail('AccessDenied', 'Internal routes accept only UNSIGNED-PAYLOAD or a hex SHA-256 payload hash.');
  const hash = createHash('sha256');
  const check = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      cb(hash.digest('hex') === payload.sha256Hex ? null : tampered());
    },
  });
  call.req.body.on('error', (e) => check.destroy(e));
  return call.req.body.pipe(check);
}

async function readJson(call: Call, what: string): Promise<unknown> {
  return parseJson(await readSignedBody(call), what);
}

export function createInternalApi(deps: InternalApiDeps): InternalApi {
  const lookup = nodeKeyLookup(deps.clusterSecret, deps.knownNodes);
  const now = deps.now ?? (() => new Date());
  const maxSkewSeconds = deps.maxSkewSeconds ?? DEFAULT_INTERNAL_MAX_SKEW_SECONDS;

  async function authenticateNode(req: ProtocolRequest): Promise<Authenticated> {
    const auth = await authenticate(
      { method: req.method, rawPath: req.rawPath, rawQuery: req.rawQuery, headers: req.headersDistinct },
      { lookup, now: now(), maxSkewSeconds, service: INTERNAL_SERVICE },
    );
    if (auth.anonymous) throw fail('AccessDenied', 'The internal API requires a node signature.');
    if (auth.presigned) throw fail('AccessDenied', 'The internal API does not accept presigned requests.');
    const caller = nodeIdOfAccessKey(auth.accessKeyId);
    if (caller === undefined || auth.region !== caller) {
      throw fail('AccessDenied', `A node signature must be scoped to the signing node's own id (got '${auth.region}').`);
    }
    if (auth.payload.kind !== 'signed' && auth.payload.kind !== 'unsigned') {
      throw fail('AccessDenied', 'The internal API does not accept aws-chunked payloads.');
    }
    return auth;
  }

  function directory(): BucketDirectory {
    if (deps.directory === undefined) throw routeMiss('This node does not hold the bucket directory.');
    return deps.directory;
  }

  function region(id: string): RegionAccess {
    const r = deps.regions?.get(id);
    if (r === undefined) throw routeMiss(`This node does not serve region '${id}'.`);
    return r;
  }

  async function directoryRoute(call: Call, rest: string[]): Promise<ProtocolResponse> {
    const m = call.req.method;
    const [kind, id, sub, ...extra] = rest;
    if (extra.length > 0) throw routeMiss('Unknown internal route.');
    if (kind === 'buckets') {
      if (id === undefined && m === 'POST') {
        await directory().reserve(reviveBucketEntry(await readJson(call, 'bucket entry')));
        return NO_CONTENT();
      }
      if (id === undefined && m === 'GET') {
        const owner = call.query.get('owner');
        return jsonResponse(200, { buckets: await directory().list(owner === undefined || owner === '' ? undefined : owner) });
      }
      if (id !== undefined && sub === undefined && m === 'GET') {
        return jsonResponse(200, { entry: (await directory().lookup(id)) ?? null });
      }
      if (id !== undefined && sub === undefined && m === 'DELETE') {
        const r = call.query.get('region');
        if (r === undefined || r === '') throw fail('InvalidArgument', 'Releasing a bucket name requires ?region=.');
        await directory().release(id, r);
        return NO_CONTENT();
      }
      if (id !== undefined && sub === 'residency' && m === 'PUT') {
        await directory().setResidency(id, reviveResidency(await readJson(call, 'residency')));
        return NO_CONTENT();
      }
    }
    if (kind === 'accounts' && id !== undefined && sub === 'residency') {
      if (m === 'GET') return jsonResponse(200, { zones: (await directory().getAccountResidency(id)) ?? null });
      if (m === 'PUT') {
        const body = await readJson(call, 'account residency');
        const zones = (body as { zones?: unknown } | null)?.zones;
        if (zones !== null && (!Array.isArray(zones) || zones.some((z) => typeof z !== 'string'))) {
          throw fail('InvalidRequest', 'zones must be an array of strings or null.');
        }
        await directory().setAccountResidency(id, zones === null ? undefined : (zones as string[]));
        return NO_CONTENT();
      }
    }
    throw routeMiss('Unknown internal route.');
  }

  async function regionRoute(call: Call, rest: string[]): Promise<ProtocolResponse> {
    const [id, action, ...extra] = rest;
    if (id === undefined || extra.length > 0) throw routeMiss('Unknown internal route.');
    if (action === 'read-for-copy' && call.req.method === 'POST') {
      const target = region(id);
      const input = reviveReadForCopyInput(await readJson(call, 'read-for-copy input'));
      const out = await target.readForCopy({ ...input, signal: call.req.signal });
      const length = out.range === undefined ? out.info.size : out.range.end - out.range.start + 1;
      const meta = { info: out.info, tags: out.tags, ...(out.range === undefined ? {} : { range: out.range }) };
      return {
        status: 200,
        headers: { 'content-type': 'application/octet-stream', 'content-length': length, [OBJECT_HEADER]: encodeHeaderJson(meta) },
        body: out.body,
      };
    }
    if (action === 'usage' && call.req.method === 'GET') {
      const target = region(id);
      const owner = call.query.get('owner');
      if (owner === undefined || owner === '') throw fail('InvalidArgument', 'Usage requires ?owner=.');
      const u = await target.usageByOwner(owner);
      // Totals only: nothing about keys or buckets crosses the border.
      return jsonResponse(200, { bytes: u.bytes, objects: u.objects, buckets: u.buckets });
    }
    // Metering: a peer's recorder flushes the counts of this region's buckets here; usage
    // readers fan out here. Rows name account, bucket, region, meter and hour only.
    if (action === 'usage-records' && call.req.method === 'POST') {
      await region(id).recordUsage(reviveUsageBatch(await readJson(call, 'usage batch')));
      return NO_CONTENT();
    }
    if (action === 'usage-query' && call.req.method === 'POST') {
      const rows = await region(id).readUsage(reviveUsageQuery(await readJson(call, 'usage query')));
      return jsonResponse(200, { rows: serializeUsage(rows) });
    }
    if (action === 'replicas' && call.req.method === 'PUT') {
      const target = region(id);
      const meta = reviveReplicaMeta(decodeHeaderJson(headerOf(call.req, REPLICA_HEADER), `${REPLICA_HEADER} header`));
      if (meta.deleteMarker) {
        await readSignedBody(call);
        await target.putReplica({ ...meta, signal: call.req.signal });
      } else {
        await target.putReplica({ ...meta, body: streamBody(call), signal: call.req.signal });
      }
      return NO_CONTENT();
    }
    throw routeMiss('Unknown internal route.');
  }

  async function run(req: ProtocolRequest): Promise<ProtocolResponse> {
    const auth = await authenticateNode(req);
    const segments = req.rawPath
      .slice(INTERNAL_PREFIX.length)
      .split('/')
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          throw fail('InvalidURI', 'Could not parse the specified URI.');
        }
      });
    const query = new Map(parseQuery(req.rawQuery).map((p) => [p.name, p.value] as const));
    const call: Call = { req, auth, segments, query };
    const [area, ...rest] = segments;
    if (area === 'directory') return directoryRoute(call, rest);
    if (area === 'regions') return regionRoute(call, rest);
    if (area === 'tenancy') {
      if (deps.tenancy === undefined) throw routeMiss('This node does not hold the accounts.');
      const out = await tenancyRoute(deps.tenancy, req.method, rest, () => readJson(call, 'tenancy request'));
      if (out === undefined) throw routeMiss('Unknown internal route.');
      return out.json === undefined ? { status: out.status, headers: {} } : jsonResponse(out.status, out.json);
    }
    throw routeMiss('Unknown internal route.');
  }

  return {
    matches: (path) => path.startsWith(INTERNAL_PREFIX) || path === INTERNAL_PREFIX.slice(0, -1),
    async handle(req) {
      let res: ProtocolResponse;
      try {
        res = await run(req);
      } catch (err) {
        res = errorToResponse(err, req.requestId, deps.onInternalError);
      }
      res.headers['x-amz-request-id'] = req.requestId;
      res.headers['server'] = 'Sovra';
      return res;
    },
  };
}

function headerOf(req: ProtocolRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}
