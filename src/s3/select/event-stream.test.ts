import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { contEvent, encodeMessage, endEvent, errorEvent, progressEvent, recordsEvent, statsEvent } from './event-stream.js';

const toUtf8 = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const fromUtf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const codec = new EventStreamCodec(toUtf8, fromUtf8);

function decoded(msg: Buffer): { headers: Record<string, string>; body: string } {
  const m = codec.decode(msg);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers)) {
    assert.equal(v.type, 'string');
    headers[k] = String(v.value);
  }
  return { headers, body: toUtf8(m.body) };
}

describe('S3 Select event stream', () => {
  it('frames messages exactly as the AWS SDK codec does (same bytes, both CRCs)', () => {
    const headers = [[':message-type', 'event'], [':event-type', 'Records'], [':content-type', 'application/octet-stream']] as const;
    const payload = Buffer.from('a,b\nc,d\n');
    const ours = encodeMessage(headers, payload);
    const sdk = codec.encode({
      headers: Object.fromEntries(headers.map(([k, v]) => [k, { type: 'string' as const, value: v }])),
      body: payload,
    });
    assert.deepEqual(new Uint8Array(ours), sdk);
    // Prelude: total length, headers length, then the CRCs the decoder verified.
    assert.equal(ours.readUInt32BE(0), ours.length);
    assert.equal(ours.readUInt32BE(4), ours.length - 16 - payload.length);
  });

  it('is refused by the SDK decoder when a byte is corrupted', () => {
    const msg = recordsEvent(Buffer.from('x\n'));
    const bad = Buffer.from(msg);
    bad.writeUInt8(bad.readUInt8(bad.length - 6) ^ 1, bad.length - 6);
    assert.throws(() => codec.decode(bad), /checksum/i);
    const badPrelude = Buffer.from(msg);
    badPrelude.writeUInt8(badPrelude.readUInt8(5) ^ 1, 5);
    assert.throws(() => codec.decode(badPrelude));
  });

  it('builds Records, Stats, Progress, Cont, End and error messages', () => {
    const rec = decoded(recordsEvent(Buffer.from('1,2\n')));
    assert.deepEqual(rec.headers, { ':message-type': 'event', ':event-type': 'Records', ':content-type': 'application/octet-stream' });
    assert.equal(rec.body, '1,2\n');

    const stats = decoded(statsEvent({ bytesScanned: 10, bytesProcessed: 20, bytesReturned: 4 }));
    assert.equal(stats.headers[':event-type'], 'Stats');
    assert.equal(stats.headers[':content-type'], 'text/xml');
    assert.match(stats.body, /<Stats xmlns=""><BytesScanned>10<\/BytesScanned><BytesProcessed>20<\/BytesProcessed><BytesReturned>4<\/BytesReturned><\/Stats>$/);

    const prog = decoded(progressEvent({ bytesScanned: 1, bytesProcessed: 2, bytesReturned: 3 }));
    assert.equal(prog.headers[':event-type'], 'Progress');
    assert.match(prog.body, /<Progress xmlns=""><BytesScanned>1<\/BytesScanned>/);

    assert.deepEqual(decoded(contEvent()), { headers: { ':message-type': 'event', ':event-type': 'Cont' }, body: '' });
    assert.deepEqual(decoded(endEvent()), { headers: { ':message-type': 'event', ':event-type': 'End' }, body: '' });
    assert.deepEqual(decoded(errorEvent('CastFailed', 'bad cast')), {
      headers: { ':message-type': 'error', ':error-code': 'CastFailed', ':error-message': 'bad cast' },
      body: '',
    });
  });

  it('carries non-ASCII header values and payloads as UTF-8', () => {
    const m = decoded(errorEvent('CSVParsingError', 'ligne «3» invalide'));
    assert.equal(m.headers[':error-message'], 'ligne «3» invalide');
    assert.equal(decoded(recordsEvent(Buffer.from('Zürich,東京\n'))).body, 'Zürich,東京\n');
  });
});
