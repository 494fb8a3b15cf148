import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { isAppError } from '../core/errors.js';
import { probeRtt } from './probe.js';

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('probeRtt', () => {
  const seen: { method: string | undefined; url: string | undefined }[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url });
    // As S3 answers an anonymous HEAD: a status with a length, which lets the connection be reused.
    res.writeHead(403, { 'content-type': 'application/xml', 'content-length': '0' }).end();
  });
  server.on('connection', () => connections++);
  // Accepts connections and requests but never answers them.
  const silent = createServer(() => {});
  let url = '';
  let silentUrl = '';
  let closedUrl = '';

  before(async () => {
    url = await listen(server);
    silentUrl = await listen(silent);
    const gone = createServer();
    closedUrl = await listen(gone);
    await close(gone);
  });
  after(async () => {
    await close(server);
    await close(silent);
  });

  it('measures HEAD round trips, reusing one connection per endpoint, whatever the status', async () => {
    seen.length = 0;
    connections = 0;
    const rtt = await probeRtt([{ id: 'eu-fra', url }], { attempts: 4, timeoutMs: 10_000 });
    assert.deepEqual([...rtt.keys()], ['eu-fra']);
    const ms = rtt.get('eu-fra') as number;
    assert.ok(Number.isFinite(ms) && ms >= 0, `a time in ms, got ${ms}`);
    assert.deepEqual(seen, Array.from({ length: 4 }, () => ({ method: 'HEAD', url: '/' })));
    assert.equal(connections, 1, 'later attempts reuse the first connection');
  });

  it('still measures when the server does not let the connection be reused', async () => {
    const noLength = createServer((_req, res) => res.writeHead(200).end());
    const noLengthUrl = await listen(noLength);
    try {
      const rtt = await probeRtt([{ id: 'eu-lon', url: noLengthUrl }], { attempts: 3, timeoutMs: 10_000 });
      assert.ok((rtt.get('eu-lon') ?? -1) >= 0);
    } finally {
      await close(noLength);
    }
  });

  it('probes several endpoints and leaves out those that fail, saying why', async () => {
    const errors: [string, string][] = [];
    const rtt = await probeRtt(
      [
        { id: 'eu-fra', url },
        { id: 'eu-lon', url: closedUrl },
        { id: 'eu-par', url: silentUrl },
      ],
      { attempts: 2, timeoutMs: 300, onError: (id, e) => errors.push([id, e.message]) },
    );
    assert.deepEqual([...rtt.keys()], ['eu-fra']);
    assert.deepEqual(errors.map(([id]) => id).sort(), ['eu-lon', 'eu-par']);
    assert.match(errors.find(([id]) => id === 'eu-lon')?.[1] ?? '', /ECONNREFUSED/);
    assert.equal(errors.find(([id]) => id === 'eu-par')?.[1], 'no answer within 300 ms');
  });

  it('refuses impossible options', async () => {
    for (const opts of [{ attempts: 0, timeoutMs: 1 }, { attempts: 1.5, timeoutMs: 1 }, { attempts: 101, timeoutMs: 1 }, { attempts: 1, timeoutMs: 0 }]) {
      await assert.rejects(probeRtt([{ id: 'eu-fra', url }], opts), (e: unknown) => isAppError(e) && e.code === 'InvalidArgument');
    }
  });
});
