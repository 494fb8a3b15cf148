/**
 * Measures real round trips to region endpoints, for `sovra regions nearest --probe`.
 *
 * What one attempt measures: the time from writing a `HEAD /` request on an established
 * connection to receiving the response headers, i.e. one network round trip plus the
 * server's (tiny) handling time. DNS, TCP and TLS handshakes are excluded, so a new
 * connection and a reused one measure the same thing. The first attempt opens the connection
 * (no reuse possible); later attempts reuse it (keep-alive, one socket per endpoint) when the
 * server allows it (a response with a length), so the probe usually costs one handshake per endpoint. The result is the median of the attempts, which
 * ignores a single slow outlier. Any HTTP status counts: this measures the path, not access.
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { fail } from '../core/errors.js';

export interface ProbeTarget {
  readonly id: string;
  /** http(s) origin of the endpoint, e.g. `http://127.0.0.1:9001`. */
  readonly url: string;
}

export interface ProbeOptions {
  /** Timed requests per endpoint (1..100). */
  readonly attempts: number;
  /** Per request; a request without response headers by then fails the endpoint. */
  readonly timeoutMs: number;
  /** Told why an endpoint has no measurement (it is left out of the result). */
  readonly onError?: (id: string, error: Error) => void;
}

function timedHead(url: URL, agent: http.Agent, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const tls = url.protocol === 'https:';
    const req = (tls ? https : http).request(url, { method: 'HEAD', agent, headers: { 'user-agent': 'sovra-rtt-probe' } });
    let start: bigint | undefined;
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('socket', (socket: Socket) => {
      const ready = (): void => {
        start = process.hrtime.bigint();
      };
      if (req.reusedSocket || !socket.connecting) ready();
      else socket.once(tls ? 'secureConnect' : 'connect', ready);
    });
    req.on('response', (res) => {
      const elapsed = process.hrtime.bigint() - (start ?? process.hrtime.bigint());
      clearTimeout(timer);
      // Drained before resolving so the socket goes back to the agent for the next attempt.
      res.resume();
      res.on('end', () => resolve(Number(elapsed) / 1e6));
      res.on('error', reject);
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end();
  });
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

async function probeOne(target: ProbeTarget, opts: ProbeOptions): Promise<number> {
  const url = new URL('/', target.url);
  const agent = new (url.protocol === 'https:' ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 1 });
  try {
    const samples: number[] = [];
    for (let i = 0; i < opts.attempts; i++) samples.push(await timedHead(url, agent, opts.timeoutMs));
    return median(samples);
  } finally {
    agent.destroy();
  }
}

/** Median round trip in ms per reachable endpoint id; endpoints probed in parallel. */
export async function probeRtt(endpoints: readonly ProbeTarget[], opts: ProbeOptions): Promise<Map<string, number>> {
  if (!Number.isInteger(opts.attempts) || opts.attempts < 1 || opts.attempts > 100) {
    throw fail('InvalidArgument', `Probe attempts must be a whole number from 1 to 100, not ${opts.attempts}.`, { details: { ArgumentName: 'attempts' } });
  }
  if (!Number.isFinite(opts.timeoutMs) || opts.timeoutMs <= 0) {
    throw fail('InvalidArgument', `Probe timeout must be a positive number of milliseconds, not ${opts.timeoutMs}.`, { details: { ArgumentName: 'timeout' } });
  }
  const results = await Promise.all(
    endpoints.map(async (t) => {
      try {
        return [t.id, await probeOne(t, opts)] as const;
      } catch (e) {
        opts.onError?.(t.id, e instanceof Error ? e : new Error(String(e)));
        return undefined;
      }
    }),
  );
  return new Map(results.filter((r) => r !== undefined));
}
