import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globToRegExp, isGlob, literalPrefix } from './globs.js';

const matches = (pattern: string, key: string) => globToRegExp(pattern).test(key);

describe('key globs (DuckDB rules)', () => {
  it('tells patterns from plain keys and finds the listing prefix', () => {
    assert.equal(isGlob('sales/2025/jan.parquet'), false);
    assert.equal(isGlob('sales/*/x.csv'), true);
    assert.equal(isGlob('a?b'), true);
    assert.equal(isGlob('a[0-9]'), true);
    assert.equal(literalPrefix('sales/2025/*.parquet'), 'sales/2025/');
    assert.equal(literalPrefix('**/x.csv'), '');
    assert.equal(literalPrefix('plain.csv'), 'plain.csv');
  });

  it('* stays within one segment, ** crosses segments (also none)', () => {
    assert.ok(matches('sales/*.csv', 'sales/a.csv'));
    assert.ok(!matches('sales/*.csv', 'sales/2025/a.csv'));
    assert.ok(matches('sales/**/*.csv', 'sales/a.csv'));
    assert.ok(matches('sales/**/*.csv', 'sales/2025/01/a.csv'));
    assert.ok(!matches('sales/**/*.csv', 'other/a.csv'));
    assert.ok(matches('sales/**', 'sales/x/y/z.json'));
    assert.ok(!matches('sales/*.csv', 'sales/a.csv.gz'));
  });

  it('? is one character, [..] a set, [!..] its complement; other characters are literal', () => {
    assert.ok(matches('log-?.json', 'log-1.json'));
    assert.ok(!matches('log-?.json', 'log-12.json'));
    assert.ok(matches('m[0-9].csv', 'm7.csv'));
    assert.ok(!matches('m[0-9].csv', 'mx.csv'));
    assert.ok(matches('m[!0-9].csv', 'mx.csv'));
    assert.ok(!matches('m[!0-9].csv', 'm1.csv'));
    assert.ok(matches('a+b(c).csv', 'a+b(c).csv'));
    assert.ok(!matches('a.csv', 'abcsv'));
  });
});
