/**
 * Throughput check for the checksum toolkit (not a test: timings are machine-dependent).
 *   node dist/src/core/checksums/speed.js [runs]
 * Prints MB/s (10^6 bytes/s) per algorithm over a 64 MiB buffer, fed in one update() and as
 * 64 KiB chunks (roughly what an HTTP body stream delivers). Reports the best of `runs` passes
 * after a warm-up, because on a shared machine the best run is the least noisy estimate of
 * what the code can do.
 */
import { randomFillSync } from 'node:crypto';
import { createHasher, type HashAlgorithm } from './index.js';

const SIZE = 64 * 1024 * 1024;
const CHUNK = 64 * 1024;
const runs = Math.max(1, Number(process.argv[2] ?? 5));
const algs: HashAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'MD5', 'SHA1', 'SHA256'];

const buf = randomFillSync(Buffer.allocUnsafe(SIZE));
// Body chunks from a socket land at arbitrary offsets; use a misaligned view for the chunked
// pass so the alignment prologue is part of what is measured.
const chunks: Buffer[] = [];
for (let off = 1; off < SIZE; off += CHUNK) chunks.push(buf.subarray(off, Math.min(off + CHUNK, SIZE)));

function mbps(alg: HashAlgorithm, pieces: readonly Buffer[]): number {
  let best = 0;
  for (let r = 0; r <= runs; r++) {
    const t0 = process.hrtime.bigint();
    const h = createHasher(alg);
    for (const p of pieces) h.update(p);
    h.digest();
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r > 0) best = Math.max(best, SIZE / 1e6 / secs); // run 0 is the warm-up (JIT tiers up)
  }
  return best;
}

console.log(`node ${process.version}, 64 MiB, best of ${runs}`);
console.log('algorithm    one-shot MB/s   64KiB-chunks MB/s');
for (const alg of algs) {
  const one = mbps(alg, [buf]);
  const chunked = mbps(alg, chunks);
  console.log(`${alg.padEnd(12)} ${one.toFixed(0).padStart(13)}   ${chunked.toFixed(0).padStart(17)}`);
}
