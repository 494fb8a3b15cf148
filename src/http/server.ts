/**
 * Framework glue only: adapts node:http to the plain ProtocolRequest /
 * ProtocolResponse values of the protocol layer, streams bodies, and shuts
 * down gracefully (stop accepting, let in-flight requests finish, then cut).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { wholeBytes } from '../core/buffered-readable.js';
import type { ProtocolRequest, ProtocolResponse } from '../s3/request.js';
import { serveHanded, takeHandedConnections } from './handed-connections.js';

export type RequestHandler = (req: ProtocolRequest) => Promise<ProtocolResponse>;

export interface HttpServerOptions {
  host: string;
  port: number;
  handler: RequestHandler;
  /** Called for errors that escape the handler (logged with the request id). */
  onError?: (err: unknown, requestId: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stop accepting; wait for in-flight requests up to `timeoutMs`, then destroy what is left. */
  close(timeoutMs?: number): Promise<void>;
}

/** llhttp error codes → the S3 error a client should see. */
const CLIENT_ERRORS: Record<string, [string, string]> = {
  HPE_HEADER_OVERFLOW: ['RequestHeaderSectionTooLarge', 'Your request header section exceeds the maximum allowed size.'],
  HPE_INVALID_EOF_STATE: ['IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header.'],
  HPE_INVALID_CHUNK_SIZE: ['IncompleteBody', 'The request body is not valid HTTP chunked encoding.'],
  HPE_UNEXPECTED_CONTENT_LENGTH: ['InvalidRequest', 'A request must not carry both Content-Length and Transfer-Encoding.'],
};

// Request ids: a random per-process prefix plus a counter. Unique without a random draw per request.
const ID_PREFIX = randomBytes(4).toString('hex').toUpperCase();
let idCounter = 0;

export function newRequestId(): string {
  idCounter = (idCounter + 1) % 0x100000000;
  return ID_PREFIX + idCounter.toString(16).toUpperCase().padStart(8, '0');
}

/**
 * Whether a header name occurs more than once. Node joins (or drops) only repeated headers,
 * so without repeats `headers` says what `headersDistinct` would, without building arrays.
 */
function repeatsAHeader(req: http.IncomingMessage): boolean {
  let names = 0;
  for (const _ in req.headers) names++;
  return names * 2 !== req.rawHeaders.length;
}

function splitUrl(url: string): { rawPath: string; rawQuery: string } {
  const q = url.indexOf('?');
  return q < 0 ? { rawPath: url, rawQuery: '' } : { rawPath: url.slice(0, q), rawQuery: url.slice(q + 1) };
}

async function writeResponse(res: http.ServerResponse, out: ProtocolResponse, method: string): Promise<void> {
  const body = out.body;
  // Bytes already in memory (a small object) go out with the headers in one write, without a pipeline.
  const whole = wholeBytes(body);
  if (whole !== undefined) (body as Readable).destroy();
  if (typeof body === 'string' || Buffer.isBuffer(body) || whole !== undefined) {
    const buf = whole ?? (typeof body === 'string' ? Buffer.from(body) : (body as Buffer));
    if (out.headers['content-length'] === undefined) out.headers['content-length'] = buf.length;
    res.writeHead(out.status, out.headers);
    res.end(method === 'HEAD' ? undefined : buf);
    out.sent?.(method === 'HEAD' || res.destroyed ? 0 : buf.length);
    return;
  }
  if (body instanceof Readable) {
    res.writeHead(out.status, out.headers);
    // Metering counts what was handed to the connection, also when the client goes away mid-body.
    let sent = 0;
    if (out.sent) body.on('data', (chunk: Buffer) => (sent += chunk.length));
    try {
      if (out.trailers) {
        const trailers = out.trailers;
        await pipeline(body, res, { end: false });
        res.addTrailers(trailers());
        res.end();
      } else {
        await pipeline(body, res);
      }
    } finally {
      out.sent?.(sent);
    }
    return;
  }
  if (out.headers['content-length'] === undefined && out.status !== 304 && out.status !== 204) out.headers['content-length'] = 0;
  res.writeHead(out.status, out.headers);
  res.end();
  out.sent?.(0);
}

export function startHttpServer(opts: HttpServerOptions): Promise<RunningServer> {
  const inFlight = new Set<http.ServerResponse>();
  let closing = false;
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const requestId = newRequestId();
    inFlight.add(res);
    // A connection handed over just as the server began closing: answer, then close it.
    if (closing) res.shouldKeepAlive = false;
    // Made on first use (most requests never look at it). A client that disconnects before
    // the response is complete aborts the work in progress.
    let ac: AbortController | undefined;
    let gone = false;
    res.on('close', () => {
      inFlight.delete(res);
      if (res.writableFinished) return;
      gone = true;
      ac?.abort(new Error('client disconnected'));
    });
    // Consumers see stream errors through their own pipes; this keeps an abort from becoming an uncaught 'error' event.
    req.on('error', () => {});
    // The HTTP parser hands each piece of the body to push(): counting there sees every body,
    // with a Content-Length or chunked, read whole or not, without changing how it flows.
    let received = 0;
    const push = req.push;
    req.push = function countedPush(this: http.IncomingMessage, chunk: unknown, encoding?: BufferEncoding): boolean {
      if (chunk !== null && chunk !== undefined) received += (chunk as Buffer).length;
      return push.call(this, chunk, encoding);
    };
    const { rawPath, rawQuery } = splitUrl(req.url ?? '/');
    const preq: ProtocolRequest = {
      method: req.method ?? 'GET',
      rawPath,
      rawQuery,
      headers: req.headers,
      // A getter: Node builds headersDistinct lazily, and only authentication needs it.
      get headersDistinct() {
        return repeatsAHeader(req) ? req.headersDistinct : req.headers;
      },
      body: req,
      secure: false,
      requestId,
      bodyBytesReceived: () => received,
      get signal() {
        if (ac === undefined) {
          ac = new AbortController();
          if (gone) ac.abort(new Error('client disconnected'));
        }
        return ac.signal;
      },
    };
    if (req.socket.remoteAddress !== undefined) preq.remoteAddress = req.socket.remoteAddress;
    opts
      .handler(preq)
      .then((out) => {
        // A response sent before the request body arrived whole (an early error) closes the
        // connection: the unread rest of the body cannot be trusted to drain.
        if (!req.complete) out.headers['connection'] = 'close';
        return writeResponse(res, out, preq.method);
      })
      .then(() => {
        // Drain an unread request body so the connection can be reused safely.
        if (!req.readableEnded && !req.destroyed) req.resume();
      })
      .catch((err) => {
        opts.onError?.(err, requestId);
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/xml', 'x-amz-request-id': requestId, connection: 'close' });
          res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>${requestId}</RequestId></Error>`);
        } else {
          res.destroy();
        }
      });
  };
  const server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000, maxHeaderSize: 16_384 }, onRequest);
  // Expect: 100-continue: the client holds the body back until asked. Ask only when the handler
  // starts reading it, so a request refused on its headers (bad signature, no such bucket,
  // access denied, quota) is answered at once and its body is never sent, as S3 does.
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const read = req._read;
    let asked = false;
    req._read = function readAfterContinue(this: http.IncomingMessage, size: number): void {
      if (!asked && !res.headersSent) res.writeContinue();
      asked = true;
      read.call(this, size);
    };
    onRequest(req, res);
  });
  // Errors the HTTP parser finds before (or instead of) a request reaching the handler still get an S3 XML error.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || (socket as { _httpMessage?: http.ServerResponse })._httpMessage?.headersSent) return socket.destroy();
    const [code, message] = CLIENT_ERRORS[err.code ?? ''] ?? ['BadRequest', 'The request could not be parsed as HTTP/1.1.'];
    const requestId = newRequestId();
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`;
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/xml\r\nx-amz-request-id: ${requestId}\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

  const running = (addr: AddressInfo, drained: () => Promise<void>): RunningServer => {
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return {
      url: `http://${host}:${addr.port}`,
      port: addr.port,
      close: (timeoutMs = 30_000) => {
        closing = true;
        const closed = new Promise<void>((done) => server.close(() => done()));
        server.closeIdleConnections();
        // Idle keep-alive sockets close now; busy ones close after their response.
        for (const res of inFlight) res.shouldKeepAlive = false;
        const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
        timer.unref();
        return Promise.all([closed, drained()]).then(() => undefined);
      },
    };
  };

  const handed = takeHandedConnections();
  if (handed) {
    const { drained } = serveHanded(server, handed);
    return Promise.resolve(running(handed.address, drained));
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve(running(server.address() as AddressInfo, () => Promise.resolve()));
    });
  });
}
