import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { firstLine, recordsInRange } from './scan-range.js';

const text = 'h1,h2\nr1,aaa\nr2,bbbbbb\nr3,c\n'; // offsets: h1@0, r1@6, r2@13, r3@23

async function range(start: number, end: number, chunk = 3): Promise<string> {
  const from = Math.max(0, start - 1);
  const bytes = Buffer.from(text).subarray(from);
  async function* body() {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  }
  let out = '';
  for await (const b of recordsInRange(body(), from, start, end)) out += b.toString();
  return out;
}

describe('ScanRange over line records', () => {
  it('returns the records that start within the range, whole', async () => {
    for (const chunk of [1, 3, 100]) {
      assert.equal(await range(0, 5, chunk), 'h1,h2\n');
      assert.equal(await range(0, 6, chunk), 'h1,h2\nr1,aaa\n');
      assert.equal(await range(6, 6, chunk), 'r1,aaa\n');
      assert.equal(await range(7, 13, chunk), 'r2,bbbbbb\n');
      assert.equal(await range(7, 12, chunk), '');
      assert.equal(await range(13, 1000, chunk), 'r2,bbbbbb\nr3,c\n');
      assert.equal(await range(14, 1000, chunk), 'r3,c\n');
      assert.equal(await range(24, 1000, chunk), '');
    }
  });

  it('covers every record exactly once across adjacent ranges', async () => {
    const parts = await Promise.all([[0, 9], [10, 19], [20, 29]].map(([s, e]) => range(s!, e!)));
    assert.equal(parts.join(''), text);
  });

  it('reads the header line', async () => {
    async function* body() {
      yield Buffer.from('na');
      yield Buffer.from('me,a\nx,1\n');
    }
    assert.equal((await firstLine(body(), 1024)).toString(), 'name,a\n');
  });
});
