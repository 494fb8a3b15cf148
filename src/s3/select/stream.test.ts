import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { fail } from '../../core/errors.js';
import type { Row } from './plan.js';
import { s3ErrorOf, selectEventStream } from './stream.js';

const codec = new EventStreamCodec((b) => Buffer.from(b).toString('utf8'), (s) => new Uint8Array(Buffer.from(s, 'utf8')));

interface Ev {
  type: string;
  body: string;
  code?: string;
}

/** Feeds the stream's bytes through the SDK's own decoder, as a client would. */
function decoder(): { feed(b: Buffer): Ev[] } {
  return {
    feed(b) {
      codec.feed(b);
      const out: Ev[] = [];
      for (const m of codec.getAvailableMessages().getMessages()) {
        const h = (k: string) => (m.headers[k] ? String(m.headers[k].value) : undefined);
        const ev: Ev = { type: h(':event-type') ?? h(':message-type') ?? '?', body: Buffer.from(m.body).toString('utf8') };
        const code = h(':error-code');
        if (code !== undefined) ev.code = code;
        out.push(ev);
      }
      return out;
    },
  };
}

async function collect(stream: NodeJS.ReadableStream, onEvent?: (e: Ev) => void): Promise<Ev[]> {
  const d = decoder();
  const all: Ev[] = [];
  for await (const chunk of stream) {
    for (const e of d.feed(chunk as Buffer)) {
      all.push(e);
      onEvent?.(e);
    }
  }
  return all;
}

async function* rowsOf(rows: Row[], failAt?: number): AsyncGenerator<Row> {
  for (let i = 0; i < rows.length; i++) {
    if (i === failAt) throw fail('CastFailed', 'cast failed on row ' + i);
    yield rows[i]!;
  }
}

const format = (r: Row) => r.join(',') + '\n';
const base = { format, requestProgress: false, bytesScanned: 100, bytesProcessed: 200, describeError: s3ErrorOf };

describe('Select event stream from query rows', () => {
  it('sends the records in chunks, then Stats and End', async () => {
    const rows: Row[] = Array.from({ length: 50 }, (_, i) => [String(i), 'x'.repeat(10)]);
    const evs = await collect(selectEventStream(rowsOf(rows), { ...base, chunkBytes: 100 }));
    const records = evs.filter((e) => e.type === 'Records');
    assert.ok(records.length > 5, 'several Records events');
    assert.equal(records.map((e) => e.body).join(''), rows.map(format).join(''));
    assert.deepEqual(evs.slice(-2).map((e) => e.type), ['Stats', 'End']);
    const returned = Buffer.byteLength(rows.map(format).join(''));
    assert.match(evs.at(-2)!.body, new RegExp(`<BytesScanned>100</BytesScanned><BytesProcessed>200</BytesProcessed><BytesReturned>${returned}</BytesReturned>`));
  });

  it('adds a final Progress when asked; an empty result is Stats and End only', async () => {
    const evs = await collect(selectEventStream(rowsOf([]), { ...base, requestProgress: true }));
    assert.deepEqual(evs.map((e) => e.type), ['Progress', 'Stats', 'End']);
    assert.match(evs[0]!.body, /<Progress xmlns=""><BytesScanned>100<\/BytesScanned>/);
  });

  it('ends with an error event after the rows already sent when a later row fails', async () => {
    const evs = await collect(selectEventStream(rowsOf([['a'], ['b'], ['c']], 2), base));
    assert.deepEqual(evs.map((e) => e.type), ['Records', 'error']);
    assert.equal(evs[0]!.body, 'a\nb\n');
    assert.equal(evs[1]!.code, 'CastFailed');
  });

  it('keeps a silent scan alive with Cont events', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    async function* slow(): AsyncGenerator<Row> {
      yield ['first'];
      await gate; // the next row comes only once a keep-alive was seen
      yield ['second'];
    }
    const evs = await collect(selectEventStream(slow(), { ...base, keepAliveMs: 5 }), (e) => {
      if (e.type === 'Cont') release();
    });
    const types = evs.map((e) => e.type);
    assert.ok(types.includes('Cont'));
    assert.equal(evs.filter((e) => e.type === 'Records').map((e) => e.body).join(''), 'first\nsecond\n');
    assert.deepEqual(types.slice(-2), ['Stats', 'End']);
  });

  it('closes the session however the stream ends', async () => {
    let closed = 0;
    await collect(selectEventStream(rowsOf([['a']], 0), { ...base, onClose: () => closed++ }));
    assert.equal(closed, 1);
  });
});
