import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from './admin-connection.js';
import { formatSize, parseCount, parseList, parseSize, parseZones } from './admin-format.js';

describe('admin CLI values', () => {
  it('reads sizes in decimal and binary units, bare bytes and unlimited', () => {
    assert.equal(parseSize('10GiB', '--max-bytes'), 10 * 2 ** 30);
    assert.equal(parseSize('500MB', '--max-bytes'), 500_000_000);
    assert.equal(parseSize('123', '--max-bytes'), 123);
    assert.equal(parseSize('1.5KiB', '--max-bytes'), 1536);
    assert.equal(parseSize('2 tb', '--max-bytes'), 2e12);
    assert.equal(parseSize('unlimited', '--max-bytes'), null);
    for (const bad of ['ten', '10XB', '-5', '1.3B', '', '10 GiB extra']) {
      assert.throws(() => parseSize(bad, '--max-bytes'), (e: unknown) => e instanceof UsageError && /--max-bytes: '.*' is not/.test(e.message), bad);
    }
  });

  it('reads counts and lists', () => {
    assert.equal(parseCount('20', '--max-buckets'), 20);
    assert.equal(parseCount('none', '--max-rps', { unlimited: true }), null);
    assert.throws(() => parseCount('0', '--max-rps', { min: 1 }), /--max-rps: '0' is not a whole number >= 1/);
    assert.throws(() => parseCount('none', '--ttl'), UsageError);
    assert.deepEqual(parseList(['eu-fra,eu-lon', 'eu-par'], '--regions'), ['eu-fra', 'eu-lon', 'eu-par']);
    assert.throws(() => parseList([','], '--regions'), /--regions needs at least one value/);
    assert.equal(parseZones(['none'], '--mandatory-residency'), null);
    assert.deepEqual(parseZones(['EU'], '--mandatory-residency'), ['EU']);
  });

  it('shows sizes in the largest whole binary unit', () => {
    assert.equal(formatSize(10 * 2 ** 30), '10 GiB');
    assert.equal(formatSize(123), '123 B');
    assert.equal(formatSize(null), 'unlimited');
    assert.equal(formatSize(500_000_000), '476.8 MiB (500000000 B)');
  });
});
