/**
 * A TCP-level recording proxy for border tests: put one in front of each region and the
 * control plane, route all node-to-node traffic through them, then search what crossed each
 * link for object keys and contents. It records raw bytes (HTTP framing included), so
 * nothing a node sends can slip past a parser.
 */
import net from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';

export interface RecordingProxy {
  label: string;
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Every byte, both directions, in arrival order. */
  recorded(): Buffer;
  /** Bytes from clients to the target. */
  requestBytes(): Buffer;
  /** Bytes from the target to clients. */
  responseBytes(): Buffer;
  /** Stops listening and cuts every open connection. */
  close(): Promise<void>;
}

class Tap extends Transform {
  constructor(private readonly sink: (chunk: Buffer) => void) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.sink(chunk);
    cb(null, chunk);
  }
}

export async function startRecordingProxy(target: { host: string; port: number }, label: string): Promise<RecordingProxy> {
  const all: Buffer[] = [];
  const requests: Buffer[] = [];
  const responses: Buffer[] = [];
  const sockets = new Set<net.Socket>();

  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ host: target.host, port: target.port, allowHalfOpen: true });
    sockets.add(client).add(upstream);
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut).on('close', () => sockets.delete(client));
    upstream.on('error', cut).on('close', () => sockets.delete(upstream));
    // pipe() keeps backpressure and forwards each half-close to the other side.
    client.pipe(new Tap((c) => (all.push(c), requests.push(c)))).pipe(upstream);
    upstream.pipe(new Tap((c) => (all.push(c), responses.push(c)))).pipe(client);
    client.on('close', () => upstream.end());
    upstream.on('close', () => client.end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    label,
    url: `http://127.0.0.1:${port}`,
    port,
    recorded: () => Buffer.concat(all),
    requestBytes: () => Buffer.concat(requests),
    responseBytes: () => Buffer.concat(responses),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

// ---- searching recordings -------------------------------------------------------------------

/** RFC 3986 / SigV4 style: everything but A-Z a-z 0-9 - _ . ~ escaped. */
function awsEncode(s: string, keepSlash: boolean): string {
  const e = encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return keepSlash ? e.replace(/%2F/g, '/') : e;
}

/**
 * The base64 text of `bytes` wherever it sits inside a larger base64-encoded blob: its
 * characters depend on the offset modulo 3, so there are three forms; characters shared
 * with neighbouring bytes are cut off. Meaningful for needles of 6 bytes or more.
 */
function embeddedBase64(bytes: Buffer): string[] {
  const out: string[] = [];
  for (const k of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(k), bytes]).toString('base64');
    const from = k === 0 ? 0 : k === 1 ? 2 : 3;
    const to = Math.floor((k + bytes.length) / 3) * 4;
    if (to - from >= 4) out.push(encoded.slice(from, to));
  }
  return out;
}

/** Every form in which a needle may appear on the wire, with a name for diagnostics. */
export function needleForms(needle: string): { form: string; bytes: Buffer }[] {
  const forms = new Map<string, string>();
  const add = (form: string, text: string): void => {
    if (text !== '' && !forms.has(text)) forms.set(text, form);
  };
  const utf8 = Buffer.from(needle, 'utf8');
  add('raw', needle);
  add('json-escaped', JSON.stringify(needle).slice(1, -1));
  for (const [form, text] of [
    ['percent', encodeURIComponent(needle)],
    ['percent (sigv4)', awsEncode(needle, false)],
    ['percent (sigv4 path)', awsEncode(needle, true)],
    ['form-encoded', new URLSearchParams({ x: needle }).toString().slice(2)],
  ] as const) {
    add(form, text);
    add(form + ', lower-case hex', text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  }
  add('hex', utf8.toString('hex'));
  // Any of these forms may itself travel base64-encoded (JSON in a header, for instance).
  for (const [text, form] of [...forms]) {
    for (const b64 of embeddedBase64(Buffer.from(text, 'utf8'))) {
      add(`base64 of ${form}`, b64);
      add(`base64url of ${form}`, b64.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...forms].map(([text, form]) => ({ form, bytes: Buffer.from(text, 'utf8') }));
}

/** The forms of `needle` found in `haystack`, e.g. ['raw', 'base64url of raw']. */
export function formsFound(haystack: Buffer, needle: string): string[] {
  return needleForms(needle)
    .filter((f) => haystack.includes(f.bytes))
    .map((f) => f.form);
}

/** The needles that occur in `haystack` raw, percent-encoded (any style), form-encoded, JSON-escaped, hex, base64 or base64url. */
export function containsAny(haystack: Buffer, needles: string[]): string[] {
  return needles.filter((n) => formsFound(haystack, n).length > 0);
}
