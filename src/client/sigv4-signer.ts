/**
 * A client-side AWS Signature V4 signer (Authorization header form) for our own HTTP
 * clients: the load generator and node-to-node calls. Small and allocation-light on
 * purpose: the AWS SDK does far more work per request. The signing key is cached per
 * day, so a request costs one HMAC for the key-less part plus one for the signature.
 *
 * The payload hash is the caller's choice: UNSIGNED-PAYLOAD for streamed bodies (never
 * hashed on the client), the hex SHA-256 of a small body (the server then checks the
 * body against it), EMPTY_SHA256 for no body.
 */
import { createHmac, hash } from 'node:crypto';
import { canonicalRequestSha256 } from '../core/canonical-hash.js';

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const ALGORITHM = 'AWS4-HMAC-SHA256';

export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

/** AWS UriEncode (RFC 3986 unreserved set kept): encodeURIComponent also leaves !'()* alone. */
export function uriEncode(s: string, keepSlash = false): string {
  const e = encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return keepSlash ? e.replace(/%2F/g, '/') : e;
}

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SigV4SignerOptions {
  credentials: SigV4Credentials;
  /** The credential-scope region, e.g. 'eu-fra'. */
  region: string;
  /** The credential-scope service. Default 's3'. */
  service?: string;
}

export type QueryValues = Record<string, string | readonly string[] | undefined>;

export interface SignRequestInput {
  method: string;
  /** The Host header value to send (host[:port]). */
  host: string;
  /** The path, NOT encoded ('/bucket/my key'); it is encoded here, '/' kept. */
  path: string;
  /** True when `path` is already AWS-encoded (segments holding '/' as %2F): sent and signed as is. */
  pathEncoded?: boolean;
  /** Query parameters, NOT encoded; undefined values are dropped, arrays repeat the name. */
  query?: QueryValues;
  /** Further headers to send and sign (names any case). */
  headers?: Record<string, string>;
  /** x-amz-content-sha256: UNSIGNED_PAYLOAD, EMPTY_SHA256 or the body's hex SHA-256. */
  payloadHash: string;
  /** Signing time; default now. */
  date?: Date;
}

export interface SignedRequest {
  /** Encoded path plus '?query' when there is one: exactly what goes on the request line. */
  path: string;
  /** Every header to send, lower-case names, including host, x-amz-date and authorization. */
  headers: Record<string, string>;
}

function toAmzDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** Trimall as in the SigV4 canonical header value. */
function canonicalValue(v: string): string {
  return v.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').trim();
}

function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The canonical query string, which is also what is sent on the request line. */
export function canonicalQueryString(query: QueryValues | undefined): string {
  if (query === undefined) return '';
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const v of typeof value === 'string' ? [value] : value) pairs.push([uriEncode(name), uriEncode(v)]);
  }
  pairs.sort((a, b) => compareAscii(a[0], b[0]) || compareAscii(a[1], b[1]));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

export class SigV4Signer {
  private readonly credentials: SigV4Credentials;
  readonly region: string;
  readonly service: string;
  private keyDay = '';
  private key: Buffer = Buffer.alloc(0);

  constructor(opts: SigV4SignerOptions) {
    this.credentials = opts.credentials;
    this.region = opts.region;
    this.service = opts.service ?? 's3';
  }

  private signingKey(day: string): Buffer {
    if (day !== this.keyDay) {
      const h = (k: string | Buffer, d: string): Buffer => createHmac('sha256', k).update(d).digest();
      this.key = h(h(h(h('AWS4' + this.credentials.secretAccessKey, day), this.region), this.service), 'aws4_request');
      this.keyDay = day;
    }
    return this.key;
  }

  sign(input: SignRequestInput): SignedRequest {
    const amzDate = toAmzDate(input.date ?? new Date());
    const day = amzDate.slice(0, 8);
    const path = input.path === '' ? '/' : input.path;
    const canonPath = input.pathEncoded === true ? path : uriEncode(path, true);
    const canonQuery = canonicalQueryString(input.query);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = v;
    headers.host = input.host;
    headers['x-amz-content-sha256'] = input.payloadHash;
    headers['x-amz-date'] = amzDate;
    delete headers.authorization;
    const names = Object.keys(headers).sort();
    let canonHeaders = '';
    for (const n of names) canonHeaders += `${n}:${canonicalValue(headers[n]!)}\n`;
    const signedHeaders = names.join(';');
    const creq = `${input.method}\n${canonPath}\n${canonQuery}\n${canonHeaders}\n${signedHeaders}\n${input.payloadHash}`;
    const scope = `${day}/${this.region}/${this.service}/aws4_request`;
    const sts = `${ALGORITHM}\n${amzDate}\n${scope}\n${canonicalRequestSha256(creq)}`;
    const signature = createHmac('sha256', this.signingKey(day)).update(sts).digest('hex');
    headers.authorization = `${ALGORITHM} Credential=${this.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return { path: canonPath + (canonQuery === '' ? '' : '?' + canonQuery), headers };
  }
}
