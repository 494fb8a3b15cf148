/**
 * Test helpers (not exported from index.ts): the real AWS SigV4 signer wired
 * to node:crypto, and an independent aws-chunked body builder that follows
 * the AWS specification rather than our decoder.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, HttpRequest, QueryParameterBag } from '@smithy/types';
import type { Credential, SignableRequest, SigningContext } from './types.js';

export const AKID = 'AKIDSOVRATEST01';
export const SECRET = 'sovra/secret+Key/0123456789abcdefghijklmn';
export const CREDS = { accessKeyId: AKID, secretAccessKey: SECRET } satisfies Credential;
export const lookup = (id: string): Credential | undefined => (id === AKID ? CREDS : undefined);
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The Checksum the smithy signer wants, over node:crypto. */
export class NodeSha256 implements Checksum {
  private hash;
  constructor(private readonly secret?: string | Uint8Array | ArrayBuffer | ArrayBufferView) {
    this.hash = this.make();
  }
  private make() {
    if (this.secret === undefined) return createHash('sha256');
    const key =
      typeof this.secret === 'string'
        ? this.secret
        : ArrayBuffer.isView(this.secret)
          ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
          : Buffer.from(this.secret);
    return createHmac('sha256', key);
  }
  update(data: Uint8Array | string): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.make();
  }
}

/** An S3 signer exactly as @aws-sdk/client-s3 configures it (no path double-encoding). */
export function s3Signer(region = 'us-east-1', creds: { accessKeyId: string; secretAccessKey: string } = CREDS): SignatureV4 {
  return new SignatureV4({ service: 's3', region, credentials: creds, sha256: NodeSha256, uriEscapePath: false });
}

/** The SDK's query serialisation (escapeUri on names and values). */
function sdkEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function queryString(query: QueryParameterBag | undefined): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) parts.push(v === null ? sdkEscape(name) : `${sdkEscape(name)}=${sdkEscape(v)}`);
  }
  return parts.join('&');
}

export interface TestRequest {
  method: string;
  /** Already S3-encoded, as the S3 client serialises keys. */
  path: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  host?: string;
}

function toSmithy(req: TestRequest): HttpRequest {
  const headers: Record<string, string> = { host: req.host ?? 'sovra.test', ...req.headers };
  return { method: req.method, protocol: 'https:', hostname: 'sovra.test', path: req.path, query: req.query ?? {}, headers };
}

export function toSignable(signed: HttpRequest): SignableRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v;
  return { method: signed.method, rawPath: signed.path, rawQuery: queryString(signed.query), headers };
}

/** Signs with the Authorization header, as the SDK does; payload hash from x-amz-content-sha256 or empty body. */
export async function signHeader(req: TestRequest, date: Date, signer = s3Signer()): Promise<SignableRequest> {
  const smithy = toSmithy(req);
  if (smithy.headers['x-amz-content-sha256'] === undefined) smithy.headers['x-amz-content-sha256'] = EMPTY_SHA256;
  return toSignable(await signer.sign(smithy, { signingDate: date }));
}

/** Presigns as the SDK presigner does (x-amz-* headers hoisted into the query). */
export async function presign(
  req: TestRequest,
  date: Date,
  expiresIn = 3600,
  signer = s3Signer(),
): Promise<SignableRequest> {
  const smithy = toSmithy(req);
  smithy.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  return toSignable(await signer.presign(smithy, { signingDate: date, expiresIn }));
}

// ---- aws-chunked, written from the AWS specification -----------------------------------------

const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
const hmacHex = (k: Uint8Array, s: string): string => createHmac('sha256', k).update(s).digest('hex');

export function signingKeyFor(secret: string, date: string, region: string): Buffer {
  let k: Buffer = createHmac('sha256', 'AWS4' + secret).update(date).digest();
  for (const part of [region, 's3', 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
  return k;
}

export interface ChunkedBody {
  body: Buffer;
  signatures: string[];
}

/**
 * Builds an aws-chunked body. With `ctx`, every chunk is signed (and the
 * trailer too, when trailers are given); without, it is the unsigned-trailer form.
 */
export function buildChunkedBody(
  chunks: readonly Buffer[],
  opts: { ctx?: SigningContext; trailers?: Record<string, string> } = {},
): ChunkedBody {
  const out: Buffer[] = [];
  const signatures: string[] = [];
  let previous = opts.ctx?.seedSignature ?? '';
  for (const data of [...chunks, Buffer.alloc(0)]) {
    let header = data.length.toString(16);
    if (opts.ctx) {
      const sts = ['AWS4-HMAC-SHA256-PAYLOAD', opts.ctx.amzDate, opts.ctx.scope, previous, sha(''), sha(data)].join('\n');
      previous = hmacHex(opts.ctx.signingKey, sts);
      signatures.push(previous);
      header += ';chunk-signature=' + previous;
    }
    out.push(Buffer.from(header + '\r\n'), data);
    if (data.length > 0) out.push(Buffer.from('\r\n'));
  }
  if (opts.trailers) {
    let canonical = '';
    for (const [name, value] of Object.entries(opts.trailers)) {
      out.push(Buffer.from(`${name}:${value}\r\n`));
      canonical += `${name}:${value}\n`;
    }
    if (opts.ctx) {
      const sts = ['AWS4-HMAC-SHA256-TRAILER', opts.ctx.amzDate, opts.ctx.scope, previous, sha(canonical)].join('\n');
      const sig = hmacHex(opts.ctx.signingKey, sts);
      signatures.push(sig);
      out.push(Buffer.from(`x-amz-trailer-signature:${sig}\r\n`));
    }
  }
  out.push(Buffer.from('\r\n'));
  return { body: Buffer.concat(out), signatures };
}
