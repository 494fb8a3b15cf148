import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from './admin-connection.js';
import { formatSeconds, formatSize, parseCount, parseList, parseSeconds, parseSize, parseZones } from './admin-format.js';

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

  it('reads times in seconds, minutes or hours, and shows them in the largest whole unit', () => {
    assert.equal(parseSeconds('90', '--max-query-time'), 90);
    assert.equal(parseSeconds('90s', '--max-query-time'), 90);
    assert.equal(parseSeconds('5m', '--max-query-time'), 300);
    assert.equal(parseSeconds('2 H', '--max-query-time'), 7200);
    for (const bad of ['', 'soon', '1.5m', '-3', '10d']) {
      assert.throws(() => parseSeconds(bad, '--max-query-time'), /--max-query-time: '.*' is not a time of at least 0 s/, bad);
    }
    assert.throws(() => parseSeconds('0', '--max-query-time', { min: 1 }), /'0' is not a time of at least 1 s/);
    assert.deepEqual([formatSeconds(45), formatSeconds(90), formatSeconds(300), formatSeconds(7200)], ['45 s', '90 s', '5 min', '2 h']);
  });

  it('shows sizes in the largest whole binary unit', () => {
    assert.equal(formatSize(10 * 2 ** 30), '10 GiB');
    assert.equal(formatSize(123), '123 B');
    assert.equal(formatSize(null), 'unlimited');
    assert.equal(formatSize(500_000_000), '476.8 MiB (500000000 B)');
  });
});
