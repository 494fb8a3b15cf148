/**
 * The benchmark's load generator client (bench/raw-http-client.ts) against a real node:http
 * server on loopback: what it reports must be what the server sent, whatever the framing,
 * since every benchmark figure is counted through it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RawConnection } from '../../bench/raw-http-client.js';

describe('benchmark raw HTTP client', () => {
  let server: http.Server;
  let port: number;
  const big = randomBytes(3 * 1024 * 1024 + 17);
  const received: { method: string; url: string; headers: http.IncomingHttpHeaders; sha: string; bytes: number }[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      const h = createHash('sha256');
      let bytes = 0;
      req.on('data', (c: Buffer) => { h.update(c); bytes += c.length; });
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, sha: h.digest('hex'), bytes });
        if (req.url === '/length') return void res.writeHead(200, { 'content-length': 5 }).end('hello');
        if (req.url === '/chunked') {
          res.writeHead(200, { trailer: 'x-count' });
          res.write('ab');
          res.write(big);
          res.addTrailers({ 'x-count': '2' });
          return void res.end('cd');
        }
        if (req.url === '/close') return void res.writeHead(200, { 'content-length': 2, connection: 'close' }).end('ok');
        if (req.url === '/error') return void res.writeHead(404, { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
        if (req.url === '/empty') return void res.writeHead(204).end();
        res.writeHead(200, { 'content-length': 0 }).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

  test('counts a Content-Length body and a chunked body with trailers exactly, on one kept-alive connection', async () => {
    const c = new RawConnection(port);
    try {
      assert.deepEqual(await c.request('GET', '/length', {}, undefined, true), { status: 200, bytes: 5, text: 'hello' });
      const r = await c.request('GET', '/chunked', {});
      assert.equal(r.status, 200);
      assert.equal(r.bytes, 4 + big.length);
      assert.equal(r.text, '', 'a success body is counted, not kept');
      assert.equal((await c.request('GET', '/empty', {})).status, 204);
      const conns = new Set(received.slice(-3).map((x) => x.headers['host']));
      assert.equal(conns.size, 1);
    } finally {
      c.close();
    }
  });

  test('sends a PUT body of any size exactly (cut from the pattern, repeated), with its headers', async () => {
    const c = new RawConnection(port);
    try {
      const pattern = randomBytes(1024 * 1024);
      const size = 2 * pattern.length + 12345;
      await c.request('PUT', '/put', { 'x-amz-meta-a': 'b' }, { size, pattern });
      const got = received[received.length - 1]!;
      const expect = createHash('sha256').update(pattern).update(pattern).update(pattern.subarray(0, 12345)).digest('hex');
      assert.deepEqual([got.method, got.url, got.bytes, got.sha, got.headers['x-amz-meta-a'], got.headers['content-length']], ['PUT', '/put', size, expect, 'b', String(size)]);
      await c.request('PUT', '/small', {}, { size: 4096, pattern });
      assert.equal(received[received.length - 1]!.sha, createHash('sha256').update(pattern.subarray(0, 4096)).digest('hex'));
    } finally {
      c.close();
    }
  });

  test('keeps an error body, reconnects after Connection: close, and rejects when the server goes away', async () => {
    const c = new RawConnection(port);
    try {
      const e = await c.request('GET', '/error', {});
      assert.equal(e.status, 404);
      assert.match(e.text, /NoSuchKey/);
      assert.equal((await c.request('GET', '/close', {})).status, 200);
      assert.equal((await c.request('GET', '/length', {})).bytes, 5, 'a new connection after the server closed the last one');
    } finally {
      c.close();
    }
    const dead = http.createServer((req) => req.socket.destroy());
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const d = new RawConnection((dead.address() as AddressInfo).port);
    await assert.rejects(d.request('GET', '/', {}), /closed by the server/);
    d.close();
    await new Promise<void>((r) => dead.close(() => r()));
  });
});
