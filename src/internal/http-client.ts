/**
 * The signed HTTP client of node-to-node calls. node:http with a keep-alive Agent rather
 * than fetch, so request and response bodies stream with backpressure and nothing is
 * buffered. Failures to reach the peer become AppError 'Unavailable' naming the peer; error
 * responses become the AppError the peer raised.
 */
import http from 'node:http';
import type { Readable } from 'node:stream';
import { EMPTY_SHA256, sha256Hex, SigV4Signer, UNSIGNED_PAYLOAD, uriEncode, type QueryValues } from '../client/sigv4-signer.js';
import { fail, isAppError, type AppError } from '../core/errors.js';
import { nodeCredentials } from './node-credentials.js';
import { decodeHeaderJson, ERROR_HEADER, fromWireError, INTERNAL_PREFIX, INTERNAL_SERVICE, JSON_TYPE, parseJson } from './wire.js';

export const DEFAULT_INTERNAL_TIMEOUT_MS = 30_000;
const MAX_ERROR_BODY = 64 * 1024;

export interface InternalClientOptions {
  /** Base URL of the peer's HTTP endpoint, e.g. http://10.0.0.5:9000 (http only for now). */
  endpoint: string;
  /** This node's id (signs as SOVRANODE-<nodeId>). */
  nodeId: string;
  clusterSecret: string;
  /** How errors name the peer, e.g. "region eu-fra" or "control plane". */
  peerName: string;
  /** A connection idle for this long (connecting, or no byte either way) fails. Default 30 s. */
  timeoutMs?: number;
  /** Default: an own keep-alive agent, destroyed by close(). */
  agent?: http.Agent;
  now?: () => Date;
}

export interface InternalRequest {
  method: string;
  /** Path segments under /_sovra/internal/v1/, NOT encoded. */
  segments: readonly string[];
  query?: QueryValues;
  /** A JSON body, sent with its SHA-256 signed. */
  json?: unknown;
  /** A streamed body, sent as UNSIGNED-PAYLOAD. */
  stream?: Readable;
  contentLength?: number;
  /** Extra headers, signed. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class InternalClient {
  private readonly url: URL;
  private readonly signer: SigV4Signer;
  private readonly agent: http.Agent;
  private readonly ownAgent: boolean;
  private readonly timeoutMs: number;
  private readonly now: () => Date;
  readonly peerName: string;

  constructor(opts: InternalClientOptions) {
    this.url = new URL(opts.endpoint);
    if (this.url.protocol !== 'http:') throw fail('InvalidArgument', `Internal endpoint ${opts.endpoint}: only http: is supported.`);
    this.signer = new SigV4Signer({ credentials: nodeCredentials(opts.clusterSecret, opts.nodeId), region: opts.nodeId, service: INTERNAL_SERVICE });
    this.ownAgent = opts.agent === undefined;
    this.agent = opts.agent ?? new http.Agent({ keepAlive: true, maxSockets: 64 });
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_INTERNAL_TIMEOUT_MS;
    this.now = opts.now ?? (() => new Date());
    this.peerName = opts.peerName;
  }

  private unavailable(why: string, cause?: unknown): AppError {
    return fail('Unavailable', `${this.peerName} (${this.url.origin}) is unavailable: ${why}.`, cause === undefined ? undefined : { cause });
  }

  /**
   * Sends a request; resolves with the response once its status is 2xx (the body is
   * the caller's to consume), rejects with the peer's AppError or 'Unavailable'.
   */
  send(r: InternalRequest): Promise<http.IncomingMessage> {
    const jsonBody = r.json === undefined ? undefined : Buffer.from(JSON.stringify(r.json), 'utf8');
    const headers: Record<string, string> = { ...r.headers };
    if (jsonBody !== undefined) headers['content-type'] = JSON_TYPE;
    const length = jsonBody?.length ?? r.contentLength ?? (r.stream === undefined ? 0 : undefined);
    if (length !== undefined) headers['content-length'] = String(length);
    const signed = this.signer.sign({
      method: r.method,
      host: this.url.host,
      path: INTERNAL_PREFIX + r.segments.map((s) => uriEncode(s)).join('/'),
      pathEncoded: true,
      query: r.query,
      headers,
      payloadHash: r.stream !== undefined ? UNSIGNED_PAYLOAD : jsonBody !== undefined ? sha256Hex(jsonBody) : EMPTY_SHA256,
      date: this.now(),
    });
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (err: unknown, res?: http.IncomingMessage): void => {
        if (settled) return;
        settled = true;
        if (err === undefined) resolve(res!);
        else {
          // The caller's body will not be read any further.
          r.stream?.destroy();
          reject(err);
        }
      };
      const req = http.request({
        protocol: 'http:',
        hostname: this.url.hostname,
        port: this.url.port,
        method: r.method,
        path: signed.path,
        headers: signed.headers,
        agent: this.agent,
        ...(r.signal === undefined ? {} : { signal: r.signal }),
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(this.unavailable(`no progress for ${this.timeoutMs} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (isAppError(err)) return settle(err);
        if (r.signal?.aborted) return settle(r.signal.reason ?? err);
        settle(this.unavailable(err.code ?? err.message, err));
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return settle(undefined, res);
        this.readError(res, status).then(
          (e) => {
            settle(e);
            // An upload refused early: stop sending the rest (the server closes the connection anyway).
            if (r.stream !== undefined) req.destroy();
          },
          (e) => settle(e),
        );
      });
      if (r.stream !== undefined) {
        r.stream.on('error', (e) => req.destroy(e));
        r.stream.pipe(req);
      } else {
        req.end(jsonBody);
      }
    });
  }

  private async readError(res: http.IncomingMessage, status: number): Promise<AppError> {
    const inHeader = res.headers[ERROR_HEADER];
    if (typeof inHeader === 'string') {
      res.resume();
      return fromWireError(decodeHeaderJson(inHeader, 'error header'), this.peerName);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_ERROR_BODY) {
        res.destroy();
        break;
      }
      chunks.push(chunk);
    }
    if (!String(res.headers['content-type'] ?? '').startsWith(JSON_TYPE)) {
      return this.unavailable(`unexpected HTTP ${status} answer (not the internal API?)`);
    }
    try {
      return fromWireError(parseJson(Buffer.concat(chunks), 'error'), this.peerName);
    } catch {
      return this.unavailable(`unreadable HTTP ${status} answer`);
    }
  }

  /** A request whose 2xx answer is JSON (or empty: undefined). */
  async json(r: InternalRequest): Promise<unknown> {
    const res = await this.send(r);
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
    } catch (e) {
      throw this.unavailable('the answer was cut short', e);
    }
    if (chunks.length === 0) return undefined;
    return parseJson(Buffer.concat(chunks), `${this.peerName} answer`);
  }

  /** Closes idle connections of an own agent. */
  close(): void {
    if (this.ownAgent) this.agent.destroy();
  }
}

/** What a client of the control plane is configured with (its endpoint and this node's identity). */
export interface ControlPlaneClientOptions {
  endpoint: string;
  nodeId: string;
  clusterSecret: string;
  timeoutMs?: number;
  agent?: http.Agent;
  now?: () => Date;
}

export function controlPlaneClient(opts: ControlPlaneClientOptions): InternalClient {
  return new InternalClient({
    endpoint: opts.endpoint,
    nodeId: opts.nodeId,
    clusterSecret: opts.clusterSecret,
    peerName: 'control plane',
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    ...(opts.agent === undefined ? {} : { agent: opts.agent }),
    ...(opts.now === undefined ? {} : { now: opts.now }),
  });
}
