/**
 * A minimal AWS Signature V4 signer for the load generator: header auth with UNSIGNED-PAYLOAD
 * (so a 2 GiB body is never hashed on the client) and the signing key cached per day (four
 * HMACs saved per request). The AWS SDK does far more work per request and would measure
 * itself rather than the server.
 */
import { createHash, createHmac } from 'node:crypto';

/** RFC 3986 encoding as SigV4 wants it: encodeURIComponent leaves !'()* alone. */
export function uriEncode(s: string, keepSlash = false): string {
  const e = encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return keepSlash ? e.replace(/%2F/g, '/') : e;
}

export interface Signed {
  path: string;
  headers: Record<string, string>;
}

export class SigV4 {
  private day = '';
  private key: Buffer = Buffer.alloc(0);
  private scopeTail: string;

  constructor(private accessKey: string, private secretKey: string, private region: string, private service = 's3') {
    this.scopeTail = `${region}/${service}/aws4_request`;
  }

  private signingKey(day: string): Buffer {
    if (day !== this.day) {
      const h = (k: string | Buffer, d: string) => createHmac('sha256', k).update(d).digest();
      this.key = h(h(h(h('AWS4' + this.secretKey, day), this.region), this.service), 'aws4_request');
      this.day = day;
    }
    return this.key;
  }

  /**
   * Signs a request. `key` is the raw path after the host ("/bucket/obj"), unencoded;
   * query values are unencoded too. Returns the encoded path (with query) and the headers to send.
   */
  sign(method: string, host: string, rawPath: string, query: Record<string, string> = {}, extra: Record<string, string> = {}): Signed {
    const now = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const day = now.slice(0, 8);
    const canonPath = uriEncode(rawPath, true);
    const canonQuery = Object.entries(query)
      .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const headers: Record<string, string> = { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-date': now };
    for (const [k, v] of Object.entries(extra)) headers[k.toLowerCase()] = v;
    const names = Object.keys(headers).sort();
    const canonHeaders = names.map((n) => `${n}:${headers[n]!.trim()}\n`).join('');
    const signedHeaders = names.join(';');
    const creq = [method, canonPath, canonQuery, canonHeaders, signedHeaders, 'UNSIGNED-PAYLOAD'].join('\n');
    const scope = `${day}/${this.scopeTail}`;
    const sts = `AWS4-HMAC-SHA256\n${now}\n${scope}\n${createHash('sha256').update(creq).digest('hex')}`;
    const sig = createHmac('sha256', this.signingKey(day)).update(sts).digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${this.accessKey}/${scope}, SignedHeaders=${signedHeaders}, Signature=${sig}`;
    return { path: canonPath + (canonQuery ? '?' + canonQuery : ''), headers };
  }
}
