/**
 * The wire format of the internal (node-to-node) API, shared by server and clients: the
 * route prefix, header names, JSON shapes, and the round trip of errors. Dates travel as
 * ISO strings; JSON in a header travels as base64url so any key or value survives.
 */
import { AppError, ErrorCodes, fail, type ErrorCode } from '../core/errors.js';
import type { CannedAcl, HourlyUsage, ObjectInfo, OwnerUsage, Preconditions, UsageBatch, UsageHoursQuery } from '../engine/types.js';
import type { BucketEntry, ReadForCopyInput, ReplicaInput } from '../placement/ports.js';
import type { ResidencyPolicy } from '../residency/policy.js';
import { S3_ERRORS } from '../s3/errors.js';

export const INTERNAL_PREFIX = '/_sovra/internal/v1/';
/** SigV4 service name of node signatures, so they cannot be mistaken for S3 ones. */
export const INTERNAL_SERVICE = 'sovra-internal';
/** Replica metadata on PUT replicas. An x-amz-* name, so the verifier refuses it unsigned. */
export const REPLICA_HEADER = 'x-amz-sovra-replica';
/** Object info, tags and range on a read-for-copy response. */
export const OBJECT_HEADER = 'x-sovra-object';
/** The error, for statuses that cannot carry a body (304). */
export const ERROR_HEADER = 'x-sovra-error';
export const JSON_TYPE = 'application/json';
/** JSON bodies are small (entries, policies, inputs); anything larger is refused unread. */
export const MAX_JSON_BODY = 1024 * 1024;

export function encodeHeaderJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeHeaderJson(value: string | undefined, what: string): unknown {
  if (value === undefined) throw fail('InvalidRequest', `Missing ${what}.`);
  try {
    return JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    throw fail('InvalidRequest', `Malformed ${what}.`);
  }
}

export function parseJson(buf: Buffer, what: string): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    throw fail('InvalidRequest', `Malformed JSON in ${what}.`);
  }
}

// ---- shape checks and revival of values that arrived as JSON ----------------------------------

type Obj = Record<string, unknown>;

function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw fail('InvalidRequest', `${what} must be a JSON object.`);
  return v as Obj;
}

function str(o: Obj, name: string, what: string): string {
  const v = o[name];
  if (typeof v !== 'string') throw fail('InvalidRequest', `${what}.${name} must be a string.`);
  return v;
}

function optStr(o: Obj, name: string, what: string): string | undefined {
  return o[name] === undefined || o[name] === null ? undefined : str(o, name, what);
}

function date(o: Obj, name: string, what: string): Date {
  const d = new Date(str(o, name, what));
  if (Number.isNaN(d.getTime())) throw fail('InvalidRequest', `${what}.${name} must be an ISO date.`);
  return d;
}

function optDate(o: Obj, name: string, what: string): Date | undefined {
  return o[name] === undefined || o[name] === null ? undefined : date(o, name, what);
}

function strings(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.some((z) => typeof z !== 'string')) throw fail('InvalidRequest', `${what} must be an array of strings.`);
  return v as string[];
}

function stringMap(v: unknown, what: string): Record<string, string> {
  const o = obj(v, what);
  for (const [k, x] of Object.entries(o)) if (typeof x !== 'string') throw fail('InvalidRequest', `${what}.${k} must be a string.`);
  return o as Record<string, string>;
}

export function reviveResidency(v: unknown): ResidencyPolicy {
  const o = obj(v, 'residency');
  if (typeof o.explicit !== 'boolean') throw fail('InvalidRequest', 'residency.explicit must be a boolean.');
  return { zones: strings(o.zones, 'residency.zones'), explicit: o.explicit };
}

export function reviveBucketEntry(v: unknown): BucketEntry {
  const o = obj(v, 'bucket entry');
  return {
    name: str(o, 'name', 'entry'),
    region: str(o, 'region', 'entry'),
    owner: str(o, 'owner', 'entry'),
    createdAt: date(o, 'createdAt', 'entry'),
    residency: reviveResidency(o.residency),
  };
}

export function revivePreconditions(v: unknown): Preconditions {
  const o = obj(v, 'conditions');
  const out: Preconditions = {};
  const ifMatch = optStr(o, 'ifMatch', 'conditions');
  const ifNoneMatch = optStr(o, 'ifNoneMatch', 'conditions');
  const ifModifiedSince = optDate(o, 'ifModifiedSince', 'conditions');
  const ifUnmodifiedSince = optDate(o, 'ifUnmodifiedSince', 'conditions');
  if (ifMatch !== undefined) out.ifMatch = ifMatch;
  if (ifNoneMatch !== undefined) out.ifNoneMatch = ifNoneMatch;
  if (ifModifiedSince !== undefined) out.ifModifiedSince = ifModifiedSince;
  if (ifUnmodifiedSince !== undefined) out.ifUnmodifiedSince = ifUnmodifiedSince;
  return out;
}

function range(v: unknown, what: string): { start: number; end: number } {
  const o = obj(v, what);
  if (!Number.isSafeInteger(o.start) || !Number.isSafeInteger(o.end)) throw fail('InvalidRequest', `${what} must have integer start and end.`);
  return { start: o.start as number, end: o.end as number };
}

/** ReadForCopyInput without its signal, as the server receives it. */
export function reviveReadForCopyInput(v: unknown): Omit<ReadForCopyInput, 'signal'> {
  const o = obj(v, 'read-for-copy input');
  const s = obj(o.source, 'source');
  const source: ReadForCopyInput['source'] = { bucket: str(s, 'bucket', 'source'), key: str(s, 'key', 'source') };
  const versionId = optStr(s, 'versionId', 'source');
  if (versionId !== undefined) source.versionId = versionId;
  const out: Omit<ReadForCopyInput, 'signal'> = {
    source,
    requester: { accountId: str(obj(o.requester, 'requester'), 'accountId', 'requester') },
    dest: { bucket: str(obj(o.dest, 'dest'), 'bucket', 'dest') },
    action: str(o, 'action', 'input'),
  };
  if (o.range !== undefined && o.range !== null) out.range = range(o.range, 'range');
  if (o.conditions !== undefined && o.conditions !== null) out.conditions = revivePreconditions(o.conditions);
  return out;
}

export function serializeReadForCopyInput(input: ReadForCopyInput): unknown {
  const { signal: _signal, ...rest } = input;
  return rest;
}

/** What travels in OBJECT_HEADER. */
export interface ObjectHeaderValue {
  info: ObjectInfo;
  tags: Record<string, string>;
  range?: { start: number; end: number };
}

export function reviveObjectHeader(v: unknown): ObjectHeaderValue {
  const o = obj(v, 'object header');
  const info = obj(o.info, 'info') as unknown as ObjectInfo;
  const out: ObjectHeaderValue = {
    info: { ...info, lastModified: date(o.info as Obj, 'lastModified', 'info') },
    tags: stringMap(o.tags ?? {}, 'tags'),
  };
  if (o.range !== undefined && o.range !== null) out.range = range(o.range, 'range');
  return out;
}

/** ReplicaInput without body and signal: what travels in REPLICA_HEADER. */
export type ReplicaMeta = Omit<ReplicaInput, 'body' | 'signal'>;

export function serializeReplicaMeta(input: ReplicaInput): unknown {
  const { body: _body, signal: _signal, ...meta } = input;
  return meta;
}

export function reviveReplicaMeta(v: unknown): ReplicaMeta {
  const o = obj(v, 'replica');
  if (typeof o.deleteMarker !== 'boolean') throw fail('InvalidRequest', 'replica.deleteMarker must be a boolean.');
  const out: ReplicaMeta = {
    sourceBucket: str(o, 'sourceBucket', 'replica'),
    destBucket: str(o, 'destBucket', 'replica'),
    key: str(o, 'key', 'replica'),
    versionId: str(o, 'versionId', 'replica'),
    lastModified: date(o, 'lastModified', 'replica'),
    deleteMarker: o.deleteMarker,
  };
  if (o.headers !== undefined && o.headers !== null) {
    const h = obj(o.headers, 'replica.headers');
    out.headers = { ...(h as object), userMetadata: stringMap(h.userMetadata ?? {}, 'replica.headers.userMetadata') } as ReplicaMeta['headers'];
  }
  if (o.tags !== undefined && o.tags !== null) out.tags = stringMap(o.tags, 'replica.tags');
  const etag = optStr(o, 'etag', 'replica');
  if (etag !== undefined) out.etag = etag;
  if (o.checksum !== undefined && o.checksum !== null) {
    const c = obj(o.checksum, 'replica.checksum');
    out.checksum = { algorithm: str(c, 'algorithm', 'checksum'), type: str(c, 'type', 'checksum'), value: str(c, 'value', 'checksum') } as NonNullable<ReplicaMeta['checksum']>;
  }
  if (o.size !== undefined && o.size !== null) {
    if (!Number.isSafeInteger(o.size) || (o.size as number) < 0) throw fail('InvalidRequest', 'replica.size must be a non-negative integer.');
    out.size = o.size as number;
  }
  if (o.acl !== undefined && o.acl !== null) out.acl = cannedAcl(o.acl, 'replica.acl');
  return out;
}

function cannedAcl(v: unknown, what: string): CannedAcl {
  if (v !== 'private' && v !== 'public-read') throw fail('InvalidRequest', `${what} must be 'private' or 'public-read'.`);
  return v;
}

function count(o: Obj, name: string, what: string): number {
  const v = o[name];
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw fail('InvalidRequest', `${what}.${name} must be a non-negative integer.`);
  return v as number;
}

/** A region's usage totals for one owner (the answer of GET regions/{id}/usage?owner=). */
export function reviveOwnerUsage(v: unknown): OwnerUsage {
  const o = obj(v, 'usage');
  return { bytes: count(o, 'bytes', 'usage'), objects: count(o, 'objects', 'usage'), buckets: count(o, 'buckets', 'usage') };
}

// ---- usage: account, bucket, region, meter, hour and quantity only (never an object key) -------

/** An hourly figure on the wire: the quantity as a decimal string (a bigint). */
export interface WireUsage {
  accountId: string;
  bucket: string;
  region: string;
  meter: string;
  hour: number;
  quantity: string;
}

export function serializeUsage(rows: readonly HourlyUsage[]): WireUsage[] {
  return rows.map((r) => ({ accountId: r.accountId, bucket: r.bucket, region: r.region, meter: r.meter, hour: r.hour, quantity: r.quantity.toString() }));
}

export function reviveUsageRows(v: unknown, what: string): HourlyUsage[] {
  if (!Array.isArray(v)) throw fail('InvalidRequest', `${what} must be an array.`);
  return v.map((item) => {
    const o = obj(item, what);
    const q = str(o, 'quantity', what);
    if (!/^-?\d{1,20}$/.test(q)) throw fail('InvalidRequest', `${what}.quantity must be a decimal integer.`);
    return {
      accountId: str(o, 'accountId', what), bucket: str(o, 'bucket', what), region: str(o, 'region', what),
      meter: str(o, 'meter', what), hour: count(o, 'hour', what), quantity: BigInt(q),
    };
  });
}

export function reviveUsageBatch(v: unknown): UsageBatch {
  const o = obj(v, 'usage batch');
  return { id: str(o, 'id', 'usage batch'), rows: reviveUsageRows(o.rows, 'usage batch.rows') };
}

export function serializeUsageQuery(q: UsageHoursQuery): Obj {
  return { ...q, ...(q.accountIds ? { accountIds: [...q.accountIds] } : {}), ...(q.meters ? { meters: [...q.meters] } : {}) };
}

export function reviveUsageQuery(v: unknown): UsageHoursQuery {
  const o = obj(v, 'usage query');
  const q: UsageHoursQuery = { fromHour: count(o, 'fromHour', 'usage query'), toHour: count(o, 'toHour', 'usage query'), now: count(o, 'now', 'usage query') };
  if (o.accountIds !== undefined) q.accountIds = strings(o.accountIds, 'usage query.accountIds');
  if (o.meters !== undefined) q.meters = strings(o.meters, 'usage query.meters');
  const bucket = optStr(o, 'bucket', 'usage query');
  if (bucket !== undefined) q.bucket = bucket;
  return q;
}

// ---- errors -----------------------------------------------------------------------------------

export interface WireError {
  code: ErrorCode;
  message: string;
  resource?: string;
  details?: Record<string, string>;
  /** Headers the S3 response for this error must carry (x-amz-bucket-region, Last-Modified...). */
  headers?: Record<string, string>;
}

export function toWireError(e: AppError): WireError {
  const w: WireError = { code: e.code, message: e.message };
  if (e.resource !== undefined) w.resource = e.resource;
  if (e.details !== undefined) w.details = e.details;
  if (e.headers !== undefined) w.headers = e.headers;
  return w;
}

/** Rebuilds the AppError a peer raised: same code, message, resource, details and headers. */
export function fromWireError(v: unknown, peer: string): AppError {
  if (typeof v === 'object' && v !== null) {
    const o = v as Obj;
    if (typeof o.code === 'string' && Object.hasOwn(ErrorCodes, o.code) && typeof o.message === 'string') {
      const opts: ConstructorParameters<typeof AppError>[2] = {};
      if (typeof o.resource === 'string') opts.resource = o.resource;
      if (typeof o.details === 'object' && o.details !== null) opts.details = o.details as Record<string, string>;
      if (typeof o.headers === 'object' && o.headers !== null) opts.headers = o.headers as Record<string, string>;
      return new AppError(o.code as ErrorCode, o.message, opts);
    }
  }
  return fail('Unavailable', `${peer} answered with an unrecognised error.`);
}

export function statusOf(code: ErrorCode): number {
  return S3_ERRORS[code].status;
}
