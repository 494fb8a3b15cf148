import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { makeHierarchy, makeWorld, type World } from './test-support.js';

type H = Awaited<ReturnType<typeof makeHierarchy>>;
let w: World;
let h: H;

beforeEach(async () => {
  w = await makeWorld();
  h = await makeHierarchy(w);
  w.clock.now = new Date('2026-03-20T10:30:00Z');
});
afterEach(() => w.dispose());

describe('moving a customer between partners', () => {
  it('is the operator\'s alone, and refuses a partner not licensed for the customer\'s regions', async () => {
    for (const p of [h.adminA, h.adminB, h.custAdminA]) {
      await assert.rejects(w.svc.moveCustomer(p, h.customerA.id, { partnerId: h.partnerB.id }), { code: 'AccessDenied' });
    }
    // acme is in de-1 and fr-1; telco-b is licensed for de-2 only.
    await assert.rejects(w.svc.moveCustomer(w.root, h.customerA.id, { partnerId: h.partnerB.id }), (e: Error & { code: string }) => e.code === 'InvalidRegion' && /de-1/.test(e.message));
    assert.equal(w.store.getAccount(h.customerA.id)?.parentId, h.partnerA.id);
    assert.deepEqual(w.store.movesOf(h.customerA.id), [], 'a refused move records nothing');
    await assert.rejects(w.svc.moveCustomer(w.root, h.customerA.id, { partnerId: h.partnerA.id }), { code: 'Conflict' });
    await assert.rejects(w.svc.moveCustomer(w.root, h.partnerA.id, { partnerId: h.partnerB.id }), { code: 'InvalidArgument' });
    await assert.rejects(w.svc.moveCustomer(w.root, h.customerA.id, { partnerId: 'nobody' }), { code: 'NoSuchAccount' });
  });

  it('records the hour from which the new partner bills, and the parent changes in the same transaction', async () => {
    await w.svc.updatePartner(w.root, h.partnerB.id, { regions: ['de-1', 'de-2', 'fr-1'] });
    const { account, move } = await w.svc.moveCustomer(w.root, h.customerA.name, { partnerId: h.partnerB.name, at: '2026-03-11T00:00:00Z' });
    assert.equal(account.parentId, h.partnerB.id);
    assert.equal(w.store.getAccount(h.customerA.id)?.parentId, h.partnerB.id);
    assert.deepEqual({ ...move, recordedAt: '' }, {
      customerId: h.customerA.id, at: '2026-03-11T00:00:00Z', fromPartnerId: h.partnerA.id, toPartnerId: h.partnerB.id, movedBy: w.root.userArn, recordedAt: '',
    });
    assert.deepEqual(w.store.movesInvolving(h.partnerA.id), [move]);
    assert.deepEqual(await w.svc.listMoves(h.adminB, h.customerA.id), [move]);
    // The old partner no longer sees the customer.
    await assert.rejects(w.svc.listMoves(h.adminA, h.customerA.id), { code: 'NoSuchAccount' });
    // Its new partner now manages it.
    await w.svc.updateCustomer(h.adminB, h.customerA.id, { displayName: 'Acme (B)' });
  });

  it('checks the hour: whole, not in the future, not into invoiced hours, at most one move per month', async () => {
    await w.svc.updatePartner(w.root, h.partnerB.id, { regions: ['de-1', 'de-2', 'fr-1'] });
    for (const at of ['2026-03-11T00:30:00Z', 'yesterday', '2026-03-20T11:00:00Z']) {
      await assert.rejects(w.svc.moveCustomer(w.root, h.customerA.id, { partnerId: h.partnerB.id, at }), { code: 'InvalidArgument' }, at);
    }
    await assert.rejects(
      w.svc.moveCustomer(w.root, h.customerA.id, { partnerId: h.partnerB.id, at: '2026-02-27T00:00:00Z', notBefore: Date.parse('2026-03-01T00:00:00Z') }),
      (e: Error & { code: string }) => e.code === 'Conflict' && /invoiced/.test(e.message),
    );
    // Without `at`: from the current hour.
    const first = await w.svc.moveCustomer(w.root, h.customerA.id, { partnerId: h.partnerB.id });
    assert.equal(first.move.at, '2026-03-20T10:00:00Z');
    w.clock.now = new Date('2026-03-25T00:00:00Z');
    await assert.rejects(w.svc.moveCustomer(w.root, h.customerA.id, { partnerId: h.partnerA.id }), (e: Error & { code: string }) => e.code === 'Conflict' && /once per billing month/.test(e.message));
    await assert.rejects(w.svc.moveCustomer(w.root, h.customerA.id, { partnerId: h.partnerA.id, at: '2026-03-19T00:00:00Z' }), { code: 'Conflict' });
    w.clock.now = new Date('2026-04-02T00:00:00Z');
    const back = await w.svc.moveCustomer(w.root, h.customerA.id, { partnerId: h.partnerA.id, at: '2026-04-01T00:00:00Z' });
    assert.deepEqual(w.store.movesOf(h.customerA.id).map((m) => [m.at, m.toPartnerId]), [['2026-03-20T10:00:00Z', h.partnerB.id], [back.move.at, h.partnerA.id]]);
  });
});
