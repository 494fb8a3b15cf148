import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '../core/errors.js';
import { object, count, pageRequest, strList, zoneListOrNull } from './input.js';
import { pageOf } from './page.js';
import { compileRoute, paramsOf, type AdminRoute } from './route.js';

const route = (path: string): AdminRoute => ({ method: 'GET', path, run: async () => ({ status: 200 }) });
const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
  return 'none';
};

describe('admin routes', () => {
  it('match their path template and decode each parameter whole', () => {
    const r = compileRoute(route('/accounts/{account}/users/{userName}/policies/{policyName}'));
    assert.ok(r.pattern.test('accounts/acme/users/alice/policies/read.only'));
    assert.ok(!r.pattern.test('accounts/acme/users/alice/policies'));
    assert.ok(!r.pattern.test('accounts/acme/users/alice/policies/a/b'));
    assert.deepEqual(paramsOf(r, 'accounts/team%20a%2Fb/users/al%2Bice/policies/p'), { account: 'team a/b', userName: 'al+ice', policyName: 'p' });
    assert.equal(code(() => paramsOf(r, 'accounts/%E0%A4/users/a/policies/p')), 'InvalidURI');
    assert.ok(!compileRoute(route('/regions/nearest')).pattern.test('regions/nearestX'));
  });
});

describe('admin request bodies', () => {
  it('refuse unknown fields and wrong types, naming the field', () => {
    assert.equal(code(() => object({ name: 'a', nmae: 'b' }, ['name'])), 'InvalidArgument');
    assert.equal(code(() => object(null, ['name'])), 'InvalidArgument');
    assert.equal(code(() => strList({ regions: ['a', 1] }, 'regions')), 'InvalidArgument');
    assert.equal(zoneListOrNull({ z: null }, 'z'), null);
    assert.equal(count({ n: null }, 'n', { nullable: true }), null);
    assert.equal(code(() => count({ n: null }, 'n')), 'InvalidArgument');
    assert.equal(code(() => count({ n: 1.5 }, 'n')), 'InvalidArgument');
    assert.deepEqual(pageRequest(new URLSearchParams('limit=5&cursor=abc')), { limit: 5, cursor: 'abc' });
    for (const bad of ['limit=0', 'limit=1001', 'limit=x', 'limit=-1']) assert.equal(code(() => pageRequest(new URLSearchParams(bad))), 'InvalidArgument', bad);
  });

  it('page whole lists by the last item\'s key', () => {
    const all = ['a', 'b', 'c', 'd', 'e'];
    const p1 = pageOf(all, { limit: 2 }, (x) => x);
    assert.deepEqual(p1.items, ['a', 'b']);
    const p2 = pageOf(all, { limit: 2, cursor: p1.nextCursor ?? '' }, (x) => x);
    const p3 = pageOf(all, { limit: 2, cursor: p2.nextCursor ?? '' }, (x) => x);
    assert.deepEqual([p2.items, p3.items, p3.nextCursor], [['c', 'd'], ['e'], undefined]);
    assert.deepEqual(pageOf(all, { limit: 5 }, (x) => x), { items: all });
    assert.equal(code(() => pageOf(all, { cursor: 'bm9wZQ' }, (x) => x)), 'InvalidArgument');
  });
});
