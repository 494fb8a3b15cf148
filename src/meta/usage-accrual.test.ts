/** The storage accrual arithmetic: hour splits, exact carries, no overflow. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accrue, HOUR_MS, type AccrualState } from './usage-accrual.js';

const T0 = Date.UTC(2026, 2, 1, 10, 30); // 10:30 UTC
const H10 = T0 / HOUR_MS - 0.5;

function state(bytes: number, objects: number, since: number, carryBytes = 0n, carryObjects = 0n): AccrualState {
  return { bytes, objects, since, carryBytes, carryObjects };
}

describe('storage accrual', () => {
  it('splits an interval at UTC hour boundaries', () => {
    const r = accrue(state(1000, 2, T0), T0 + 105 * 60_000); // 10:30 -> 12:15
    assert.deepEqual(r.hours, [
      { hour: H10, byteHours: 500n, objectHours: 1n },
      { hour: H10 + 1, byteHours: 1000n, objectHours: 2n },
      { hour: H10 + 2, byteHours: 250n, objectHours: 0n },
    ]);
    // 2 objects x 15 min = 0.5 object-hours: carried, not lost.
    assert.equal(r.carryBytes, 0n);
    assert.equal(r.carryObjects, BigInt(HOUR_MS / 2));
  });

  it('nothing accrues for an empty bucket or when time did not move', () => {
    assert.deepEqual(accrue(state(0, 0, T0), T0 + HOUR_MS).hours, []);
    assert.deepEqual(accrue(state(5, 1, T0), T0).hours, []);
    assert.deepEqual(accrue(state(5, 1, T0), T0 - 1000).hours, []);
  });

  it('the sum of hourly figures is the floor of the exact total, however the time is cut', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 50; trial++) {
      const bytes = 1 + Math.floor(rand() * 1e9);
      let s = state(bytes, 3, T0 + Math.floor(rand() * HOUR_MS));
      const start = s.since;
      let sum = 0n;
      let t = start;
      for (let step = 0; step < 40; step++) {
        t += 1 + Math.floor(rand() * HOUR_MS * 0.7);
        const r = accrue(s, t);
        for (const h of r.hours) sum += h.byteHours;
        s = { ...s, since: t, carryBytes: r.carryBytes, carryObjects: r.carryObjects };
      }
      const exact = BigInt(bytes) * BigInt(t - start);
      assert.equal(sum, exact / BigInt(HOUR_MS));
      assert.equal(s.carryBytes, exact % BigInt(HOUR_MS));
    }
  });

  it('is exact for the largest byte counts (no 64-bit overflow of byte-ms)', () => {
    const big = Number.MAX_SAFE_INTEGER; // ~9 PB: byte-ms over an hour is ~3.2e22, far beyond int64
    // 10:00 to 11:00 plus one millisecond.
    const r = accrue(state(big, big, T0 - HOUR_MS / 2), T0 + HOUR_MS / 2 + 1);
    assert.deepEqual(r.hours.map((h) => h.byteHours), [BigInt(big), BigInt(big) / BigInt(HOUR_MS)]);
    const total = r.hours.reduce((n, h) => n + h.byteHours, 0n);
    assert.equal(total, (BigInt(big) * BigInt(HOUR_MS + 1)) / BigInt(HOUR_MS));
  });

  it('a year without a change is one figure per hour', () => {
    const r = accrue(state(10, 1, Date.UTC(2025, 0, 1)), Date.UTC(2026, 0, 1));
    assert.equal(r.hours.length, 365 * 24);
    assert.ok(r.hours.every((h) => h.byteHours === 10n && h.objectHours === 1n));
  });
});
