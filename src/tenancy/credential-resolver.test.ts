import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { StoreAccessRecorder } from './access-recorder.js';
import { StoreAccountDirectory } from './account-directory.js';
import { SqliteCredentialResolver } from './credential-resolver.js';
import { OPERATOR_ACCOUNT_ID } from './model.js';
import { directoryResidency, parseIdentityPolicy, makeHierarchy, makeWorld, type World } from './test-support.js';

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(() => w.dispose());

describe('SqliteCredentialResolver', () => {
  it('resolves a key to its full principal and decrypted secret', async () => {
    const h = await makeHierarchy(w);
    const bob = await w.svc.createUser(h.custAdminA, h.customerA.id, { name: 'bob' });
    await w.svc.putUserPolicy(h.custAdminA, bob.id, 'read', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}');
    const key = await w.svc.createAccessKey(h.custAdminA, bob.id);
    const r = await w.resolver.lookupKey(key.accessKeyId);
    assert.ok(r);
    assert.equal(r.secretAccessKey, key.secretAccessKey);
    assert.equal(r.disabled, false);
    assert.deepEqual({ ...r.principal, policies: r.principal.policies.length }, {
      accountId: h.customerA.id, accountKind: 'customer', parentAccountId: h.partnerA.id, userId: bob.id, userName: 'bob',
      userArn: `arn:aws:iam::${h.customerA.id}:user/bob`, displayName: 'bob', admin: false, accessKeyId: key.accessKeyId, policies: 1,
    });
    assert.equal(w.root.accountKind, 'operator');
    assert.equal(w.root.accountId, OPERATOR_ACCOUNT_ID);
    assert.equal(await w.resolver.lookupKey('SVUNKNOWN000000000000'), undefined);
  });

  it('caches for at most a second and records last use at most once a minute', async () => {
    const h = await makeHierarchy(w);
    const cached = new SqliteCredentialResolver({ store: w.store, box: w.box, parseIdentityPolicy: parseIdentityPolicy, clock: () => w.clock.now });
    const start = w.clock.now.getTime();
    assert.equal((await cached.lookupKey(h.custAdminA.accessKeyId))?.disabled, false);
    assert.equal(w.store.getKey(h.custAdminA.accessKeyId)?.lastUsedAt, w.clock.now.toISOString());
    await w.svc.setAccessKeyStatus(h.custAdminA, h.custAdminA.accessKeyId, 'disabled');
    w.clock.now = new Date(start + 500);
    assert.equal((await cached.lookupKey(h.custAdminA.accessKeyId))?.disabled, false, 'within the second: cached');
    w.clock.now = new Date(start + 1000);
    assert.equal((await cached.lookupKey(h.custAdminA.accessKeyId))?.disabled, true, 'after it: fresh');
    assert.equal(w.store.getKey(h.custAdminA.accessKeyId)?.lastUsedAt, new Date(start).toISOString());
    w.clock.now = new Date(start + 61_000);
    await cached.lookupKey(h.custAdminA.accessKeyId);
    assert.equal(w.store.getKey(h.custAdminA.accessKeyId)?.lastUsedAt, new Date(start + 61_000).toISOString());
  });

  it('refuses (Internal) a key whose stored secret was moved from another key row', async () => {
    const h = await makeHierarchy(w);
    const a = w.store.getKey(h.custAdminA.accessKeyId)!;
    const b = w.store.getKey(h.custAdminB.accessKeyId)!;
    w.store.setKeySecret(b.accessKeyId, a.sealedSecret, 'active');
    await assert.rejects(w.resolver.lookupKey(b.accessKeyId), { code: 'Internal' });
  });
});

describe('StoreAccountDirectory and StoreAccessRecorder', () => {
  it('read accounts with their mandatory residency and append access events', async () => {
    const h = await makeHierarchy(w);
    await w.svc.updateCustomer(h.adminA, h.customerA.id, { mandatoryResidency: ['EU'] });
    const accounts = new StoreAccountDirectory({ store: w.store, residency: directoryResidency(w.directory) });
    assert.deepEqual((await accounts.getAccountById(h.customerA.id))?.mandatoryResidency, ['EU']);
    assert.equal((await accounts.getAccountById(h.partnerA.id))?.kind, 'partner');
    assert.equal(await accounts.getAccountById('999999999999'), undefined);
    const seen: number[] = [];
    const recorder = new StoreAccessRecorder({ store: w.store, clock: () => w.clock.now, onEvent: (e) => seen.push(e.id) });
    await recorder.record({ kind: 'grant', ownerAccountId: h.customerA.id, principalAccountId: h.partnerA.id, bucket: 'b', detail: 'bucket policy' });
    await recorder.record({ kind: 'use', ownerAccountId: h.customerA.id, principalAccountId: h.partnerA.id, bucket: 'b', action: 's3:GetObject', region: 'de-1' });
    const events = await w.svc.listAccessEvents(h.custAdminA, h.customerA.id, {});
    assert.deepEqual(events.items.map((e) => e.kind), ['onboarding', 'onboarding', 'grant', 'use']);
    assert.equal(events.items[3]?.at, w.clock.now.toISOString());
    assert.equal(seen.length, 2);
    const page1 = await w.svc.listAccessEvents(h.custAdminA, h.customerA.id, { limit: 3 });
    const page2 = await w.svc.listAccessEvents(h.custAdminA, h.customerA.id, { limit: 3, cursor: page1.nextCursor });
    assert.deepEqual([...page1.items, ...page2.items].map((e) => e.id), events.items.map((e) => e.id));
    assert.equal(page2.nextCursor, undefined);
  });
});
