/**
 * The recording proxy the border tests rely on: what passes through arrives unchanged and
 * is recorded byte for byte in both directions, including a streamed 1 MiB body; and the
 * search finds needles in every encoding a node might use.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { pattern } from '../../src/engine/embedded/harness.js';
import { containsAny, formsFound, startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.js';

let target: http.Server;
let proxy: RecordingProxy;

before(async () => {
  // Echoes the request body back (streamed), prefixed with a marker; names the path in a header.
  target = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-echo-path': req.url ?? '' });
    res.write('RESPONSE-MARKER:');
    req.pipe(res);
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  proxy = await startRecordingProxy({ host: '127.0.0.1', port: (target.address() as AddressInfo).port }, 'test-link');
});

after(async () => {
  await proxy.close();
  target.closeAllConnections();
  await new Promise<void>((r) => target.close(() => r()));
});

function send(path: string, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${proxy.url}${path}`, { method: 'PUT', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    // Streamed in 64 KiB writes, chunked transfer encoding.
    for (let i = 0; i < body.length; i += 65536) req.write(body.subarray(i, i + 65536));
    req.end();
  });
}

test('bytes pass through unchanged and are recorded in both directions, a streamed 1 MiB body included', async () => {
  const body = pattern(1024 * 1024, 3);
  const path = '/bucket/secret%20key%C3%A4.csv?x=1';
  const res = await send(path, body);
  assert.equal(res.status, 200);
  assert.equal(res.headers['x-echo-path'], path);
  assert.deepEqual(res.body, Buffer.concat([Buffer.from('RESPONSE-MARKER:'), body]));

  const requests = proxy.requestBytes();
  const responses = proxy.responseBytes();
  assert.ok(requests.includes(Buffer.from(`PUT ${path} HTTP/1.1\r\n`)));
  assert.ok(responses.includes(Buffer.from('HTTP/1.1 200 OK\r\n')));
  assert.ok(responses.includes(Buffer.from('RESPONSE-MARKER:')));
  assert.ok(!requests.includes(Buffer.from('RESPONSE-MARKER:')));
  // Chunked framing sits between 64 KiB writes: each written chunk is there verbatim.
  for (let i = 0; i < body.length; i += 65536) {
    assert.ok(requests.includes(body.subarray(i, i + 65536)), `request chunk at ${i}`);
  }
  assert.ok(requests.length > body.length && responses.length > body.length);
  assert.equal(proxy.recorded().length, requests.length + responses.length);
  assert.deepEqual(containsAny(proxy.recorded(), ['secret keyä.csv', 'RESPONSE-MARKER', 'never-sent-needle']), ['secret keyä.csv', 'RESPONSE-MARKER']);
});

test('containsAny finds needles raw, percent-encoded, form-encoded, JSON-escaped, hex, and inside base64 at any offset', () => {
  const needle = 'dir/Kunde "Müller" 42.csv';
  const json = JSON.stringify({ key: needle });
  const carriers: [string, Buffer][] = [
    ['raw', Buffer.from(`x${needle}y`)],
    ['percent', Buffer.from(`/b/${encodeURIComponent(needle)}?`)],
    ['sigv4 path', Buffer.from(`GET /b/${needle.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())).join('/')} HTTP/1.1`)],
    ['lower-case hex', Buffer.from(encodeURIComponent(needle).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()))],
    ['form', Buffer.from(new URLSearchParams({ prefix: needle }).toString())],
    ['json', Buffer.from(json)],
    ['hex', Buffer.from(Buffer.from(needle).toString('hex'))],
  ];
  for (const prefix of ['', 'a', 'ab', 'abc', 'abcd']) {
    carriers.push([`base64 after ${prefix.length}`, Buffer.from(`x-h: ${Buffer.from(prefix + json + '!').toString('base64')}\r\n`)]);
    carriers.push([`base64url after ${prefix.length}`, Buffer.from(Buffer.from(prefix + json).toString('base64url'))]);
  }
  for (const [what, haystack] of carriers) {
    assert.deepEqual(containsAny(haystack, [needle, 'absent-needle-123']), [needle], what);
  }
  const forms = formsFound(Buffer.from(Buffer.from('abc' + needle).toString('base64url')), needle);
  assert.ok(forms.length > 0 && forms.every((f) => /^base64(url)? of raw$/.test(f)), forms.join());
  assert.deepEqual(containsAny(Buffer.from('nothing to see here, Kunde Mueller'), [needle]), []);
});
