import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { BillingAccess } from './billing-access.js';
import type { Principal } from './model.js';
import { makeHierarchy, makeWorld, type World } from './test-support.js';

type H = Awaited<ReturnType<typeof makeHierarchy>>;
let w: World;
let h: H;
let access: BillingAccess;
let member: Principal;

beforeEach(async () => {
  w = await makeWorld();
  h = await makeHierarchy(w);
  access = new BillingAccess(w.store);
  const u = await w.svc.createUser(h.custAdminA, h.customerA.id, { name: 'bob' });
  member = await w.keyFor(h.custAdminA, u.id);
});
afterEach(() => w.dispose());

/** 'ok', or the code the check throws. */
function outcome(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe('billing access rules', () => {
  it('follow the matrix: actor x act', () => {
    const actors: Record<string, Principal> = {
      operator: w.root, partnerA: h.adminA, partnerB: h.adminB, customerA: h.custAdminA, customerB: h.custAdminB, memberA: member,
    };
    const acts: Record<string, (p: Principal) => unknown> = {
      'usage of all': (p) => access.usageScope(p),
      'usage of acme': (p) => access.usageScope(p, h.customerA.id),
      'read wholesale book of telco-a': (p) => access.readBooks(p, h.partnerA.id),
      'set wholesale book of telco-a': (p) => access.writeBooks(p, h.partnerA.id),
      'read retail book of acme': (p) => access.readBooks(p, h.customerA.id),
      'set retail book of acme': (p) => access.writeBooks(p, h.customerA.id),
      'billing profile of acme': (p) => access.profile(p, h.customerA.id),
      'set tax rates': (p) => access.setTaxRates(p),
      'run wholesale': (p) => access.runIssuer(p, 'wholesale'),
      'run retail': (p) => access.runIssuer(p, 'retail'),
      'invoices of acme': (p) => access.documentsOf(p, h.customerA.id),
      'margin of telco-a': (p) => access.margin(p, h.partnerA.id),
    };
    const expected: Record<string, string[]> = {
      //                                 operator         partnerA        partnerB         customerA        customerB        memberA
      'usage of all': [                  'ok',            'ok',           'ok',            'ok',            'ok',            'AccessDenied'],
      'usage of acme': [                 'ok',            'ok',           'NoSuchAccount', 'ok',            'NoSuchAccount', 'AccessDenied'],
      'read wholesale book of telco-a': ['ok',            'ok',           'NoSuchAccount', 'NoSuchAccount', 'NoSuchAccount', 'AccessDenied'],
      'set wholesale book of telco-a': [ 'ok',            'AccessDenied', 'NoSuchAccount', 'NoSuchAccount', 'NoSuchAccount', 'AccessDenied'],
      'read retail book of acme': [      'AccessDenied',  'ok',           'NoSuchAccount', 'ok',            'NoSuchAccount', 'AccessDenied'],
      'set retail book of acme': [       'AccessDenied',  'ok',           'NoSuchAccount', 'AccessDenied',  'NoSuchAccount', 'AccessDenied'],
      'billing profile of acme': [       'ok',            'ok',           'NoSuchAccount', 'ok',            'NoSuchAccount', 'AccessDenied'],
      'set tax rates': [                 'ok',            'AccessDenied', 'AccessDenied',  'AccessDenied',  'AccessDenied',  'AccessDenied'],
      'run wholesale': [                 'ok',            'AccessDenied', 'AccessDenied',  'AccessDenied',  'AccessDenied',  'AccessDenied'],
      'run retail': [                    'AccessDenied',  'ok',           'ok',            'AccessDenied',  'AccessDenied',  'AccessDenied'],
      'invoices of acme': [              'ok',            'ok',           'NoSuchAccount', 'ok',            'NoSuchAccount', 'AccessDenied'],
      'margin of telco-a': [             'AccessDenied',  'ok',           'NoSuchAccount', 'NoSuchAccount', 'NoSuchAccount', 'AccessDenied'],
    };
    const actual = Object.fromEntries(Object.entries(acts).map(([act, f]) => [act, Object.values(actors).map((p) => outcome(() => f(p)))]));
    assert.deepEqual(actual, expected);
  });

  it('scope usage lists to what each actor may see, and documents to their two parties', () => {
    assert.equal(access.usageScope(w.root), undefined);
    assert.deepEqual(access.usageScope(h.adminA)?.sort(), [h.partnerA.id, h.customerA.id].sort());
    assert.deepEqual(access.usageScope(h.custAdminB), [h.customerB.id]);
    const doc = { issuerId: h.partnerA.id, recipientId: h.customerA.id };
    assert.deepEqual([w.root, h.adminA, h.adminB, h.custAdminA, h.custAdminB, member].map((p) => access.seesDocument(p, doc)), [false, true, false, true, false, false]);
    assert.equal(outcome(() => access.creditNote(h.adminA, doc)), 'ok');
    assert.equal(outcome(() => access.creditNote(h.custAdminA, doc)), 'AccessDenied');
  });
});
