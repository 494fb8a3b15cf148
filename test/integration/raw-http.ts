/**
 * Wire-level helpers for integration tests that must send requests the AWS SDK
 * refuses to build: hand-signed SigV4 requests (via @smithy/signature-v4),
 * hand-built presigned URLs and aws-chunked bodies, raw sockets, and S3 XML
 * error parsing. Also independent reference checksums (CRC32C, CRC64NVME) so
 * tests never trust the server's own implementation.
 */
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { ACCESS_KEY, REGION, SECRET_KEY } from './harness.js';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function md5Hex(data: Buffer | string): string {
  return createHash('md5').update(data).digest('hex');
}

export function md5Base64(data: Buffer | string): string {
  return createHash('md5').update(data).digest('base64');
}

// ---------------------------------------------------------------------------
// Reference checksums (bitwise-table implementations, independent of src/).

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// CRC-64/NVME: reflected polynomial 0x9a6c9329ac4bc9b5, init and xorout all ones.
// Kept as two uint32 halves so 10+ MiB inputs are fast without BigInt per byte.
const CRC64_LO = new Uint32Array(256);
const CRC64_HI = new Uint32Array(256);
(() => {
  const poly = 0x9a6c9329ac4bc9b5n;
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
    CRC64_LO[i] = Number(c & 0xffffffffn);
    CRC64_HI[i] = Number(c >> 32n);
  }
})();

/** CRC-64/NVME as 8 big-endian bytes (the wire form before base64). */
export function crc64nvme(data: Uint8Array): Buffer {
  let lo = 0xffffffff;
  let hi = 0xffffffff;
  for (let i = 0; i < data.length; i++) {
    const idx = (lo ^ data[i]!) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ CRC64_LO[idx]!;
    hi = (hi >>> 8) ^ CRC64_HI[idx]!;
  }
  const out = Buffer.alloc(8);
  out.writeUInt32BE((hi ^ 0xffffffff) >>> 0, 0);
  out.writeUInt32BE((lo ^ 0xffffffff) >>> 0, 4);
  return out;
}

export function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

// ---------------------------------------------------------------------------
// Raw HTTP.

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface RawRequestOptions {
  method: string;
  /** Already-encoded path plus optional query string, e.g. /bucket/a%20b?uploads= */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** A keep-alive agent to reuse connections across requests; default: a fresh connection. */
  agent?: http.Agent;
  /** Give up (and destroy the socket) after this long; the promise then rejects with 'timeout'. */
  timeoutMs?: number;
}

/** One request, by default over a fresh connection (no keep-alive), fully buffered. */
export function rawRequest(baseUrl: string, opts: RawRequestOptions): Promise<RawResponse> {
  const u = new URL(baseUrl);
  const body = opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body);
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const lower = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
  if (body !== undefined && !lower.has('content-length') && !lower.has('transfer-encoding')) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: Number(u.port),
        method: opts.method,
        path: opts.path,
        headers,
        agent: opts.agent ?? false,
        setHost: !lower.has('host'),
        ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, text: buf.toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`timeout after ${opts.timeoutMs} ms`)));
    req.end(body);
  });
}

/**
 * Writes `data` on a raw TCP socket and collects whatever comes back until the
 * server closes or `waitMs` passes. With `halfClose`, the client ends its side
 * after writing (e.g. a body shorter than its Content-Length).
 */
export function rawSocket(baseUrl: string, data: Buffer, opts: { waitMs?: number; halfClose?: boolean } = {}): Promise<{ raw: Buffer; closedByServer: boolean }> {
  const u = new URL(baseUrl);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const sock = net.connect({ host: u.hostname, port: Number(u.port) });
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ raw: Buffer.concat(chunks), closedByServer });
    };
    const timer = setTimeout(() => finish(false), opts.waitMs ?? 3000);
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('end', () => finish(true));
    sock.on('close', () => finish(true));
    sock.on('error', () => finish(true));
    sock.on('connect', () => {
      sock.write(data, () => {
        if (opts.halfClose) sock.end();
      });
    });
  });
}

/** Parses a raw HTTP/1.1 response (first one in the buffer). */
export function parseRawResponse(raw: Buffer): RawResponse | undefined {
  const sep = raw.indexOf('\r\n\r\n');
  if (sep < 0) return undefined;
  const head = raw.subarray(0, sep).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '');
  if (!m) return undefined;
  const headers: http.IncomingHttpHeaders = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.subarray(sep + 4);
  const cl = headers['content-length'];
  if (typeof cl === 'string') body = body.subarray(0, Number(cl));
  return { status: Number(m[1]), headers, body, text: body.toString('utf8') };
}

// ---------------------------------------------------------------------------
// S3 XML errors.

export interface S3XmlError {
  code?: string;
  message?: string;
  requestId?: string;
  raw: string;
}

function xmlField(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml);
  return m ? m[1] : undefined;
}

export function parseXmlError(text: string): S3XmlError {
  const out: S3XmlError = { raw: text };
  if (!/<Error>/.test(text)) return out;
  const code = xmlField(text, 'Code');
  const message = xmlField(text, 'Message');
  const requestId = xmlField(text, 'RequestId');
  if (code !== undefined) out.code = code;
  if (message !== undefined) out.message = message;
  if (requestId !== undefined) out.requestId = requestId;
  return out;
}

/**
 * Asserts an S3 error response: the status, the XML <Error> with Code,
 * Message and RequestId, and an x-amz-request-id header equal to RequestId.
 * `code` may list several acceptable codes (where AWS itself varies).
 */
export function expectS3Error(res: RawResponse, status: number | readonly number[], code: string | readonly string[]): S3XmlError {
  const statuses = typeof status === 'number' ? [status] : status;
  const codes = typeof code === 'string' ? [code] : code;
  const err = parseXmlError(res.text);
  const ctx = `status ${res.status}, body: ${res.text.slice(0, 600)}`;
  assert.ok(statuses.includes(res.status), `expected HTTP ${statuses.join('/')} ${codes.join('/')}; got ${ctx}`);
  assert.ok(err.code !== undefined && codes.includes(err.code), `expected Code ${codes.join('/')}; got ${ctx}`);
  assertWellFormedError(res);
  return err;
}

/** Every error response: XML with Code, Message, RequestId, and a matching x-amz-request-id header. */
export function assertWellFormedError(res: RawResponse): void {
  const err = parseXmlError(res.text);
  const ctx = `status ${res.status}, headers ${JSON.stringify(res.headers)}, body: ${res.text.slice(0, 600)}`;
  assert.match(String(res.headers['content-type'] ?? ''), /xml/, `error content-type should be XML; ${ctx}`);
  assert.ok(res.text.startsWith('<?xml'), `error body should start with an XML declaration; ${ctx}`);
  assert.ok(err.code, `error body lacks <Code>; ${ctx}`);
  assert.ok(err.message, `error body lacks <Message>; ${ctx}`);
  assert.ok(err.requestId, `error body lacks <RequestId>; ${ctx}`);
  assert.equal(res.headers['x-amz-request-id'], err.requestId, `x-amz-request-id header must equal <RequestId>; ${ctx}`);
}

// ---------------------------------------------------------------------------
// SigV4 signing.

/** node:crypto SHA-256 / HMAC-SHA-256 in the shape @smithy/signature-v4 wants. */
export class Sha256 {
  private h: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = this.fresh();
  }
  private fresh() {
    if (this.secret === undefined) return createHash('sha256');
    const key =
      typeof this.secret === 'string'
        ? Buffer.from(this.secret)
        : ArrayBuffer.isView(this.secret)
          ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
          : Buffer.from(this.secret);
    return createHmac('sha256', key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    const b =
      typeof data === 'string' ? Buffer.from(data) : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
    this.h.update(b);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.h.digest());
  }
  reset(): void {
    this.h = this.fresh();
  }
}

/** RFC 3986 encoding as SigV4 wants it. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** Encodes an object key for a path: every segment encoded, '/' kept. */
export function encodeKey(key: string): string {
  return key.split('/').map(uriEncode).join('/');
}

export function buildQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${uriEncode(k)}=${uriEncode(query[k]!)}`)
    .join('&');
}

export interface SignOptions {
  method: string;
  /** Already-encoded path, e.g. /bucket/a%20b */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** x-amz-content-sha256; defaults to the SHA-256 of the body. */
  payloadHash?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  region?: string;
  date?: Date;
}

export interface SignedRequest {
  /** Path plus query string, ready for rawRequest. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  amzDate: string;
  /** The hex signature from the Authorization header (the seed for aws-chunked). */
  signature: string;
  scope: string;
}

/** Signs a request with @smithy/signature-v4 (header auth), the way the SDK does. */
export async function signRequest(baseUrl: string, o: SignOptions): Promise<SignedRequest> {
  const u = new URL(baseUrl);
  const body = o.body === undefined ? undefined : Buffer.isBuffer(o.body) ? o.body : Buffer.from(o.body);
  const headers: Record<string, string> = {
    host: u.host,
    'x-amz-content-sha256': o.payloadHash ?? sha256Hex(body ?? Buffer.alloc(0)),
    ...(o.headers ?? {}),
  };
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) headers['content-length'] = String(body.length);
  const region = o.region ?? REGION;
  const signer = new SignatureV4({
    credentials: { accessKeyId: o.accessKeyId ?? ACCESS_KEY, secretAccessKey: o.secretAccessKey ?? SECRET_KEY },
    region,
    service: 's3',
    sha256: Sha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    { method: o.method, protocol: u.protocol, hostname: u.hostname, port: Number(u.port), path: o.path, query: o.query ?? {}, headers },
    o.date ? { signingDate: o.date } : {},
  );
  const outHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) outHeaders[k] = String(v);
  const auth = outHeaders['authorization'] ?? '';
  const sig = /Signature=([0-9a-f]{64})/.exec(auth)?.[1] ?? '';
  const amzDate = outHeaders['x-amz-date'] ?? '';
  const qs = o.query && Object.keys(o.query).length > 0 ? '?' + buildQuery(o.query) : '';
  const out: SignedRequest = { path: o.path + qs, headers: outHeaders, amzDate, signature: sig, scope: `${amzDate.slice(0, 8)}/${region}/s3/aws4_request` };
  if (body !== undefined) out.body = body;
  return out;
}

export async function signedRequest(baseUrl: string, o: SignOptions): Promise<RawResponse> {
  const s = await signRequest(baseUrl, o);
  return rawRequest(baseUrl, { method: o.method, path: s.path, headers: s.headers, ...(s.body !== undefined ? { body: s.body } : {}) });
}

export function signingKey(secret: string, date: string, region: string, service = 's3'): Buffer {
  const kDate = createHmac('sha256', 'AWS4' + secret).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

export function toAmzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A presigned URL computed by hand (no SDK limits, e.g. X-Amz-Expires above a
 * week). Signs only the host header with UNSIGNED-PAYLOAD.
 */
export function presignByHand(baseUrl: string, o: { method: string; path: string; expires: number; date?: Date; query?: Record<string, string>; secretAccessKey?: string }): string {
  const u = new URL(baseUrl);
  const date = o.date ?? new Date();
  const amzDate = toAmzDate(date);
  const scope = `${amzDate.slice(0, 8)}/${REGION}/s3/aws4_request`;
  const query: Record<string, string> = {
    ...(o.query ?? {}),
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${ACCESS_KEY}/${scope}`,
    'X-Amz-Date': amzDate,
    'X-Amz-Expires': String(o.expires),
    'X-Amz-SignedHeaders': 'host',
  };
  const canonicalQuery = buildQuery(query);
  const canonicalRequest = [o.method, o.path, canonicalQuery, `host:${u.host}`, '', 'host', 'UNSIGNED-PAYLOAD'].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const sig = createHmac('sha256', signingKey(o.secretAccessKey ?? SECRET_KEY, amzDate.slice(0, 8), REGION)).update(stringToSign).digest('hex');
  return `${baseUrl}${o.path}?${canonicalQuery}&X-Amz-Signature=${sig}`;
}

/**
 * Encodes `chunks` as a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body, chaining
 * chunk signatures from the seed signature. `corrupt` lets a test break one
 * chunk's signature (index) after signing.
 */
export function signedChunkedBody(o: { seedSignature: string; amzDate: string; scope: string; secretAccessKey?: string; chunks: Buffer[]; corruptSignatureOf?: number }): Buffer {
  const key = signingKey(o.secretAccessKey ?? SECRET_KEY, o.amzDate.slice(0, 8), o.scope.split('/')[1] ?? REGION);
  let prev = o.seedSignature;
  const parts: Buffer[] = [];
  const all = [...o.chunks, Buffer.alloc(0)];
  all.forEach((chunk, i) => {
    const sts = ['AWS4-HMAC-SHA256-PAYLOAD', o.amzDate, o.scope, prev, EMPTY_SHA256, sha256Hex(chunk)].join('\n');
    let sig = createHmac('sha256', key).update(sts).digest('hex');
    prev = sig;
    if (o.corruptSignatureOf === i) sig = (sig[0] === '0' ? '1' : '0') + sig.slice(1);
    parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${sig}\r\n`), chunk, Buffer.from('\r\n'));
  });
  return Buffer.concat(parts);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
