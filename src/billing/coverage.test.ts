import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coverageWindows, windowOf } from './coverage.js';

describe('coverage windows from a partner history', () => {
  it('a customer that never moved belongs to its partner for the whole month', () => {
    assert.deepEqual(coverageWindows('2026-03', 'P1', []), [{ partnerId: 'P1', from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z', wholeMonth: true }]);
  });

  it('a move inside the month splits it at the hour of the move; other months go whole to one partner', () => {
    const moves = [{ at: '2026-03-11T00:00:00Z', fromPartnerId: 'DE', toPartnerId: 'UK' }];
    assert.deepEqual(coverageWindows('2026-03', 'UK', moves), [
      { partnerId: 'DE', from: '2026-03-01T00:00:00Z', to: '2026-03-11T00:00:00Z', wholeMonth: false },
      { partnerId: 'UK', from: '2026-03-11T00:00:00Z', to: '2026-04-01T00:00:00Z', wholeMonth: false },
    ]);
    assert.equal(windowOf('2026-02', 'DE', 'UK', moves)?.wholeMonth, true);
    assert.equal(windowOf('2026-02', 'UK', 'UK', moves), undefined);
    assert.equal(windowOf('2026-04', 'UK', 'UK', moves)?.wholeMonth, true);
  });

  it('several moves over the months: each month has the partners of its own hours', () => {
    const moves = [
      { at: '2026-01-15T00:00:00Z', fromPartnerId: 'A', toPartnerId: 'B' },
      { at: '2026-03-01T00:00:00Z', fromPartnerId: 'B', toPartnerId: 'A' },
    ];
    assert.deepEqual(coverageWindows('2026-02', 'A', moves).map((w) => [w.partnerId, w.wholeMonth]), [['B', true]]);
    assert.deepEqual(coverageWindows('2026-03', 'A', moves).map((w) => [w.partnerId, w.wholeMonth]), [['A', true]]);
    assert.deepEqual(coverageWindows('2026-01', 'A', moves).map((w) => [w.partnerId, w.to]), [['A', '2026-01-15T00:00:00Z'], ['B', '2026-02-01T00:00:00Z']]);
  });
});
