/**
 * Plain request/response values at the protocol boundary. http/ adapts Node's
 * http module to these; nothing in s3/ sees a framework type.
 */
import type { Readable } from 'node:stream';

export type HeaderMap = Record<string, string | string[] | undefined>;

export interface ProtocolRequest {
  method: string;
  /** Path exactly as on the request line, still percent-encoded. */
  rawPath: string;
  /** Query string as received, without '?'. */
  rawQuery: string;
  /** Lower-case header names; repeated headers joined with ', '. */
  headers: HeaderMap;
  /** Repeated headers kept apart, as SigV4 canonicalisation needs them. */
  readonly headersDistinct: HeaderMap;
  /** The request body; consumed at most once. */
  body: Readable;
  /** Whether the connection is TLS (for aws:SecureTransport and Location URLs). */
  secure: boolean;
  remoteAddress?: string;
  requestId: string;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /**
   * Body bytes received from the client so far, as sent (aws-chunked framing included, HTTP
   * chunked framing not): what metering counts as bytes in. Absent where nothing counts them.
   */
  readonly bodyBytesReceived?: () => number;
}

export interface ProtocolResponse {
  status: number;
  headers: Record<string, string | number | string[]>;
  /** A string or Buffer is sent whole; a Readable is streamed. */
  body?: string | Buffer | Readable;
  /**
   * HTTP trailers sent after a streamed body (chunked encoding), read once it has ended;
   * their names must be announced in a `trailer` header.
   */
  trailers?: () => Record<string, string>;
  /**
   * Called once when the response is over (sent, or the client went away), with the body
   * bytes handed to the connection. For metering.
   */
  sent?: (bodyBytes: number) => void;
}

export function header(headers: HeaderMap, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}
