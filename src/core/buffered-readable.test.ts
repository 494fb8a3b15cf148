import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { BufferedReadable, wholeBytes } from './buffered-readable.js';

async function collect(r: Readable): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of r) out.push(c as Buffer);
  return out;
}

describe('BufferedReadable', () => {
  it('streams its bytes in chunks of at most chunkSize', async () => {
    const bytes = Buffer.from('abcdefghij');
    const chunks = await collect(new BufferedReadable(bytes, 4));
    assert.deepEqual(chunks.map((c) => c.toString()), ['abcd', 'efgh', 'ij']);
  });

  it('an empty buffer is an empty stream', async () => {
    assert.deepEqual(await collect(new BufferedReadable(Buffer.alloc(0))), []);
  });

  it('offers its whole bytes only while nothing was read from it', async () => {
    const bytes = Buffer.from('hello');
    const fresh = new BufferedReadable(bytes);
    assert.equal(wholeBytes(fresh), bytes);
    const read = new BufferedReadable(bytes, 2);
    read.read(1);
    assert.equal(wholeBytes(read), undefined);
    const destroyed = new BufferedReadable(bytes);
    destroyed.destroy();
    assert.equal(wholeBytes(destroyed), undefined);
    assert.equal(wholeBytes(Readable.from([bytes])), undefined);
    assert.equal(wholeBytes(bytes), undefined);
  });

  it('stops with an AbortError once its signal aborts', async () => {
    const ac = new AbortController();
    const r = new BufferedReadable(Buffer.alloc(64), 8, ac.signal);
    let n = 0;
    await assert.rejects(
      (async () => {
        for await (const c of r) {
          n += (c as Buffer).length;
          ac.abort();
        }
      })(),
      { name: 'AbortError' },
    );
    assert.ok(n < 64);
  });
});
