/**
 * A client of the analytics API (/analytics/v1/ on a region's S3 endpoint): sends a query
 * signed with SigV4 (or a bearer token), and hands back the streamed result with its query
 * id, columns and, once the body is read, the trailers with bytes scanned, time and rows.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { AdminConnectionError, DEFAULT_SIGNING_REGION, parseEndpoint, type AdminClientOptions } from './admin-client.js';
import { EMPTY_SHA256, sha256Hex, SigV4Signer } from './sigv4-signer.js';

export const ANALYTICS_API_PREFIX = '/analytics/v1/';

export type QueryFormat = 'jsonl' | 'csv' | 'arrow' | 'parquet';

export interface QueryRequest {
  sql: string;
  /** Your own id (8-64 of A-Z a-z 0-9 - _), to poll or cancel the query before its result starts. */
  id?: string;
  format?: QueryFormat;
  output?: { bucket: string; key: string };
}

export interface ResultColumn {
  name: string;
  type: string;
}

export interface QueryStats {
  bytesScanned: number;
  elapsedMs: number;
  rows: number;
}

/** A streamed result: read `body` to its end, then `stats()` has the trailers. */
export interface StreamedQuery {
  kind: 'stream';
  id: string;
  columns: ResultColumn[];
  contentType: string;
  body: Readable;
  /** Resolves when the body has ended (rejects if it was cut short). */
  stats(): Promise<QueryStats>;
}

export interface StoredQuery extends QueryStats {
  kind: 'stored';
  id: string;
  bucket: string;
  key: string;
  etag: string;
  size: number;
  columns: ResultColumn[];
}

export interface QueryStatus extends QueryStats {
  id: string;
  state: 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: number | null;
  /** The limits it runs under: the server's, narrowed by the account's analytics quotas. */
  limits: { timeoutMs: number; memoryBytes: number; threads: number; maxResultBytes: number };
  error?: { code: string; message: string; position?: number };
}

/** The server refused: {code, message, position?} with a non-2xx status. */
export class AnalyticsApiError extends Error {
  override readonly name = 'AnalyticsApiError';
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly position: number | undefined,
    readonly requestId: string | undefined,
    readonly details?: Record<string, string>,
  ) {
    super(message);
  }
}

function apiError(status: number, text: string, requestId: string | undefined, endpoint: string): AnalyticsApiError {
  try {
    const doc = JSON.parse(text) as { code?: unknown; message?: unknown; position?: unknown; details?: unknown };
    if (typeof doc.code === 'string' && typeof doc.message === 'string') {
      return new AnalyticsApiError(doc.code, status, doc.message, typeof doc.position === 'number' ? doc.position : undefined, requestId, typeof doc.details === 'object' && doc.details !== null ? (doc.details as Record<string, string>) : undefined);
    }
  } catch {
    // Not our JSON: described below.
  }
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 120);
  return new AnalyticsApiError(`Http${status}`, status, `The server at ${endpoint} answered ${status}${snippet ? `: ${snippet}` : ''}; is it a Sovra region endpoint?`, undefined, requestId);
}

export class AnalyticsClient {
  private readonly url: URL;
  private readonly signer: SigV4Signer | undefined;
  private readonly token: string | undefined;
  readonly endpoint: string;

  constructor(opts: Omit<AdminClientOptions, 'timeoutMs'>) {
    this.url = parseEndpoint(opts.endpoint);
    this.endpoint = this.url.origin;
    if (opts.token !== undefined) {
      this.token = opts.token;
    } else {
      if (opts.accessKeyId === undefined || opts.secretAccessKey === undefined) throw new TypeError('AnalyticsClient needs accessKeyId and secretAccessKey, or a token');
      this.signer = new SigV4Signer({ credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey }, region: opts.region ?? DEFAULT_SIGNING_REGION });
    }
  }

  /** Sends a request; resolves with the response once its headers arrived (the body unread). */
  private send(method: string, path: string, body: Buffer | undefined, signal?: AbortSignal): Promise<http.IncomingMessage> {
    const headers: Record<string, string> = body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {};
    const signed = this.signer
      ? this.signer.sign({ method, host: this.url.host, path, pathEncoded: true, headers, payloadHash: body ? sha256Hex(body) : EMPTY_SHA256 })
      : { path, headers: { ...headers, host: this.url.host, authorization: `Bearer ${this.token ?? ''}` } };
    const transport = this.url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request({
        protocol: this.url.protocol,
        hostname: this.url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: this.url.port === '' ? undefined : Number(this.url.port),
        method,
        path: signed.path,
        headers: signed.headers,
        ...(signal ? { signal } : {}),
      }, resolve);
      req.on('error', (e) => reject(signal?.aborted ? e : new AdminConnectionError(this.endpoint, e.message)));
      req.end(body);
    });
  }

  private async readAll(res: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  private async json<T>(res: http.IncomingMessage): Promise<T> {
    const text = await this.readAll(res);
    const status = res.statusCode ?? 0;
    const requestId = typeof res.headers['x-amz-request-id'] === 'string' ? res.headers['x-amz-request-id'] : undefined;
    if (status < 200 || status >= 300) throw apiError(status, text, requestId, this.endpoint);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async query(q: QueryRequest, opts: { signal?: AbortSignal } = {}): Promise<StreamedQuery | StoredQuery> {
    const res = await this.send('POST', `${ANALYTICS_API_PREFIX}query`, Buffer.from(JSON.stringify(q), 'utf8'), opts.signal);
    const status = res.statusCode ?? 0;
    const contentType = String(res.headers['content-type'] ?? '');
    if (status !== 200 || (q.output && contentType.startsWith('application/json'))) {
      const stored = await this.json<Omit<StoredQuery, 'kind'>>(res);
      return { kind: 'stored', ...stored };
    }
    const id = String(res.headers['x-sovra-query-id'] ?? '');
    const columns = JSON.parse(String(res.headers['x-sovra-columns'] ?? '[]')) as ResultColumn[];
    const ended = new Promise<QueryStats>((resolve, reject) => {
      res.once('end', () => resolve({
        bytesScanned: Number(res.trailers['x-sovra-bytes-scanned'] ?? NaN),
        elapsedMs: Number(res.trailers['x-sovra-elapsed-ms'] ?? NaN),
        rows: Number(res.trailers['x-sovra-rows'] ?? NaN),
      }));
      res.once('aborted', () => reject(new Error('the result was cut short')));
      res.once('error', reject);
    });
    // Observed here so an unread failure is not an unhandled rejection; callers await stats().
    ended.catch(() => undefined);
    return { kind: 'stream', id, columns, contentType, body: res, stats: () => ended };
  }

  async status(id: string): Promise<QueryStatus> {
    return this.json<QueryStatus>(await this.send('GET', `${ANALYTICS_API_PREFIX}queries/${encodeURIComponent(id)}`, undefined));
  }

  async cancel(id: string): Promise<void> {
    await this.json<void>(await this.send('DELETE', `${ANALYTICS_API_PREFIX}queries/${encodeURIComponent(id)}`, undefined));
  }
}
