import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { METER_NAMES, meterDef, unitSize } from './meters.js';
import { hoursInMonth } from './period.js';
import { assertFails } from './test-support.js';

describe('meter catalogue', () => {
  it('names every meter of issue 5 with its base and price units', () => {
    assert.deepEqual([...METER_NAMES], [
      'requests.write', 'requests.read', 'bytes.in', 'bytes.out', 'bytes.replicated',
      'storage.byte_hours', 'objects', 'analytics.bytes_scanned', 'analytics.query_seconds',
    ]);
    assert.equal(unitSize(meterDef('requests.write'), 744), 1000n);
    assert.equal(unitSize(meterDef('requests.read'), 744), 1000n);
    assert.equal(unitSize(meterDef('bytes.out'), 744), 1_000_000_000n);
    assert.equal(unitSize(meterDef('bytes.replicated'), 744), 1_000_000_000n);
    assert.equal(unitSize(meterDef('analytics.bytes_scanned'), 744), 1_000_000_000_000n);
    assert.equal(unitSize(meterDef('analytics.query_seconds'), 744), 3600n);
    assert.equal(meterDef('storage.byte_hours').priceUnit, 'GB-month');
  });

  it('prices time-weighted meters per month of the billing month\'s own length', () => {
    assert.equal(hoursInMonth('2026-03'), 744);
    assert.equal(hoursInMonth('2026-04'), 720);
    assert.equal(hoursInMonth('2026-02'), 672);
    assert.equal(hoursInMonth('2028-02'), 696);
    assert.equal(unitSize(meterDef('storage.byte_hours'), 744), 744n * 1_000_000_000n);
    assert.equal(unitSize(meterDef('storage.byte_hours'), 672), 672n * 1_000_000_000n);
    assert.equal(unitSize(meterDef('objects'), 720), 720n * 1000n);
  });

  it('refuses unknown meters', () => {
    assertFails(() => meterDef('bytes.sideways'), 'InvalidArgument', 'meter', /not a known meter/);
    assertFails(() => meterDef(undefined), 'InvalidArgument', 'meter');
  });
});
