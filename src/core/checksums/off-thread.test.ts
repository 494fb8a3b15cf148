import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createHasher, type HashAlgorithm } from './index.js';
import { OffThreadHasher } from './off-thread.js';

describe('OffThreadHasher', () => {
  for (const alg of ['CRC64NVME', 'CRC32C', 'MD5'] as HashAlgorithm[]) {
    it(`${alg} on the worker equals the in-thread hasher, chunk by chunk with backpressure`, async () => {
      const data = randomBytes(12 * 1024 * 1024 + 17);
      const here = createHasher(alg);
      const there = new OffThreadHasher(alg);
      for (let off = 0; off < data.length; off += 65_537) {
        const chunk = data.subarray(off, off + 65_537);
        there.update(chunk);
        here.update(chunk);
        await there.ready();
      }
      assert.deepEqual(await there.digest(), here.digest());
    });
  }

  it('jobs run side by side, and a dropped job does not disturb the others', async () => {
    const a = new OffThreadHasher('CRC64NVME');
    const b = new OffThreadHasher('CRC64NVME');
    const dropped = new OffThreadHasher('CRC64NVME');
    const x = randomBytes(100_000);
    const y = randomBytes(50_000);
    a.update(x);
    dropped.update(y);
    b.update(y);
    dropped.dispose();
    const ref = (d: Buffer) => {
      const h = createHasher('CRC64NVME');
      h.update(d);
      return h.digest();
    };
    assert.deepEqual(await Promise.all([a.digest(), b.digest()]), [ref(x), ref(y)]);
    assert.throws(() => a.update(x), /after digest/);
  });

  it('the caller may reuse its buffer at once: chunks are copied', async () => {
    const buf = Buffer.alloc(1000, 1);
    const h = new OffThreadHasher('CRC32C');
    h.update(buf);
    buf.fill(2);
    const ref = createHasher('CRC32C');
    ref.update(Buffer.alloc(1000, 1));
    assert.deepEqual(await h.digest(), ref.digest());
  });
});
