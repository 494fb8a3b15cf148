/**
 * The load generator's HTTP/1.1 client: one keep-alive connection on a raw socket, one request
 * at a time (real S3 clients do not pipeline), and only as much parsing as checking an answer
 * needs: the status line, Content-Length or a chunked body (with trailers), Connection: close.
 *
 * Why not node:http: its client spends about as much CPU on a small request as a lean server
 * does, and on this 2-core machine the load generator shares the cores with the server it
 * measures. Every target (Sovra, nginx, s3rver, a peer) gets this same client, so ratios
 * between them stay fair while more of the machine goes to the servers.
 */
import net from 'node:net';

export interface Reply { status: number; bytes: number; text: string }

/** A request body: `size` bytes cut from `pattern`, repeated as needed. */
export interface BodySpec { size: number; pattern: Buffer }

const CRLF_CRLF = Buffer.from('\r\n\r\n');
/** Error bodies (and asked-for bodies) are kept up to this size; success bodies are only counted. */
const KEEP_ERROR_BYTES = 4096;

interface Pending {
  resolve: (r: Reply) => void;
  reject: (e: Error) => void;
  keep: boolean;
}

type State =
  | { at: 'head' }
  | { at: 'length'; left: number }
  | { at: 'chunk-size' }
  | { at: 'chunk-data'; left: number }
  | { at: 'chunk-crlf' }
  | { at: 'trailers' }
  | { at: 'until-close' };

export class RawConnection {
  private socket: net.Socket | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private pending: Pending | undefined;
  private state: State = { at: 'head' };
  private status = 0;
  private bytes = 0;
  private kept: Buffer[] = [];
  private closeAfter = false;

  constructor(private readonly port: number, private readonly host = '127.0.0.1') {}

  /** Sends one request and resolves with the whole answer (body counted, kept when small or `keep`). */
  request(method: string, path: string, headers: Record<string, string>, body?: BodySpec, keep = false): Promise<Reply> {
    if (this.pending) return Promise.reject(new Error('RawConnection: one request at a time'));
    const socket = this.connected();
    return new Promise<Reply>((resolve, reject) => {
      this.pending = { resolve, reject, keep };
      this.state = { at: 'head' };
      this.status = 0;
      this.bytes = 0;
      this.kept = [];
      this.closeAfter = false;
      let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n`;
      for (const k in headers) head += `${k}: ${headers[k]}\r\n`;
      const size = body?.size ?? 0;
      if (size > 0 || method === 'PUT' || method === 'POST') head += `content-length: ${size}\r\n`;
      head += '\r\n';
      if (!body || size === 0) return void socket.write(head);
      if (size <= body.pattern.length) {
        // A small request goes out in one write: head and body together.
        socket.write(Buffer.concat([Buffer.from(head, 'latin1'), body.pattern.subarray(0, size)]));
        return;
      }
      socket.write(head);
      let left = size;
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, body.pattern.length);
          left -= n;
          if (!socket.write(n === body.pattern.length ? body.pattern : body.pattern.subarray(0, n))) return void socket.once('drain', pump);
        }
      };
      pump();
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connected(): net.Socket {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const s = net.connect({ port: this.port, host: this.host, noDelay: true });
    this.buf = Buffer.alloc(0);
    // Events of a socket already given up (closed after Connection: close) concern no request.
    s.on('data', (d: Buffer) => { if (this.socket === s) this.onData(d); });
    s.on('error', (e) => { if (this.socket === s) this.fail(e); });
    s.on('close', () => {
      if (this.socket !== s) return;
      this.socket = undefined;
      if (this.state.at === 'until-close' && this.pending) return this.finish();
      if (this.pending) this.fail(new Error('connection closed by the server before the answer was complete'));
    });
    this.socket = s;
    return s;
  }

  private fail(e: Error): void {
    const p = this.pending;
    this.pending = undefined;
    this.socket?.destroy();
    this.socket = undefined;
    p?.reject(e);
  }

  private finish(): void {
    const p = this.pending;
    this.pending = undefined;
    this.state = { at: 'head' };
    if (this.closeAfter) this.close();
    p?.resolve({ status: this.status, bytes: this.bytes, text: Buffer.concat(this.kept).toString('utf8') });
  }

  private body(d: Buffer): void {
    this.bytes += d.length;
    const keep = this.pending?.keep || (this.status >= 300 && this.bytes <= KEEP_ERROR_BYTES);
    if (keep) this.kept.push(Buffer.from(d));
  }

  private onData(d: Buffer): void {
    if (!this.pending) return void this.fail(new Error('data from the server with no request pending'));
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    try {
      this.parse();
    } catch (e) {
      this.fail(e as Error);
    }
  }

  /** Takes up to `st.left` body bytes from `buf`; true once they have all come. */
  private consume(st: { left: number }): boolean {
    const n = Math.min(st.left, this.buf.length);
    if (n > 0) this.body(this.buf.subarray(0, n));
    this.buf = this.buf.subarray(n);
    st.left -= n;
    return st.left === 0;
  }

  /** Consumes what `buf` holds, advancing the state; stops when it needs more bytes. */
  private parse(): void {
    for (;;) {
      const st = this.state;
      if (st.at === 'head') {
        const end = this.buf.indexOf(CRLF_CRLF);
        if (end < 0) {
          if (this.buf.length > 65536) throw new Error('response head larger than 64 KiB');
          return;
        }
        const head = this.buf.toString('latin1', 0, end);
        this.buf = this.buf.subarray(end + 4);
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
        if (!m) throw new Error(`not an HTTP/1.1 response: ${head.slice(0, 80)}`);
        this.status = Number(m[1]);
        // An interim 100 Continue precedes the real answer.
        if (this.status === 100) continue;
        let length: number | undefined;
        let chunked = false;
        for (const line of head.split('\r\n').slice(1)) {
          const colon = line.indexOf(':');
          const name = line.slice(0, colon).trim().toLowerCase();
          const value = line.slice(colon + 1).trim();
          if (name === 'content-length') length = Number(value);
          else if (name === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked');
          else if (name === 'connection') this.closeAfter = value.toLowerCase() === 'close';
        }
        if (chunked) this.state = { at: 'chunk-size' };
        else if (length !== undefined) {
          if (!Number.isSafeInteger(length) || length < 0) throw new Error(`bad Content-Length in: ${head.slice(0, 200)}`);
          this.state = { at: 'length', left: length };
        } else if (this.status === 204 || this.status === 304) this.state = { at: 'length', left: 0 };
        else this.state = { at: 'until-close' };
      } else if (st.at === 'length') {
        if (!this.consume(st)) return;
        if (this.buf.length > 0) throw new Error(`${this.buf.length} bytes after the end of the answer`);
        return this.finish();
      } else if (st.at === 'chunk-size') {
        const eol = this.buf.indexOf('\r\n');
        if (eol < 0) return;
        const size = parseInt(this.buf.toString('latin1', 0, eol).split(';')[0] ?? '', 16);
        if (!Number.isSafeInteger(size) || size < 0) throw new Error('bad chunk size');
        this.buf = this.buf.subarray(eol + 2);
        this.state = size === 0 ? { at: 'trailers' } : { at: 'chunk-data', left: size };
      } else if (st.at === 'chunk-data') {
        if (!this.consume(st)) return;
        this.state = { at: 'chunk-crlf' };
      } else if (st.at === 'chunk-crlf') {
        if (this.buf.length < 2) return;
        if (this.buf[0] !== 13 || this.buf[1] !== 10) throw new Error('chunk not followed by CRLF');
        this.buf = this.buf.subarray(2);
        this.state = { at: 'chunk-size' };
      } else if (st.at === 'trailers') {
        // Trailer lines, then an empty line.
        const eol = this.buf.indexOf('\r\n');
        if (eol < 0) return;
        this.buf = this.buf.subarray(eol + 2);
        if (eol === 0) {
          if (this.buf.length > 0) throw new Error(`${this.buf.length} bytes after the end of the answer`);
          return this.finish();
        }
      } else {
        if (this.buf.length > 0) this.body(this.buf);
        this.buf = Buffer.alloc(0);
        return;
      }
    }
  }
}
