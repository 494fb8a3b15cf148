/**
 * Forwarding a request, untouched, to another node: method, path, query, headers (Host
 * included, so the client's SigV4 signature still verifies there) and the body, streamed
 * both ways with backpressure. Used when a request reaches a region node that does not
 * hold the bucket but may carry its bytes (the bucket's policy allows this node's region).
 */
import http from 'node:http';
import https from 'node:https';
import type { ProtocolRequest, ProtocolResponse } from '../s3/request.js';

/** Marks a forwarded request so it is never forwarded twice (no loops between nodes). */
export const FORWARDED_HEADER = 'x-sovra-forwarded-by';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

/** `extra` headers go on top of the client's (e.g. the proven client address, forwarded-for.ts). */
export function forwardRequest(req: ProtocolRequest, endpoint: string, via: string, extra: Record<string, string> = {}): Promise<ProtocolResponse> {
  const target = new URL(endpoint);
  const secure = target.protocol === 'https:';
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  Object.assign(headers, extra);
  headers[FORWARDED_HEADER] = via;
  if (req.headers['transfer-encoding'] !== undefined && req.headers['content-length'] === undefined) headers['transfer-encoding'] = 'chunked';
  return new Promise((resolve, reject) => {
    const out = (secure ? https : http).request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port || (secure ? 443 : 80),
        method: req.method,
        path: req.rawPath + (req.rawQuery ? `?${req.rawQuery}` : ''),
        headers,
        agent: secure ? agents.https : agents.http,
        signal: req.signal,
      },
      (res) => {
        const resHeaders: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) resHeaders[name] = value;
        }
        resolve({ status: res.statusCode ?? 502, headers: resHeaders, body: res });
      },
    );
    out.on('error', reject);
    req.body.pipe(out);
  });
}
