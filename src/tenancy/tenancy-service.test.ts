import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { OPERATOR_ACCOUNT_ID, type Account, type Principal } from './model.js';
import { makeHierarchy, makeWorld, type World } from './test-support.js';

type H = Awaited<ReturnType<typeof makeHierarchy>>;
let w: World;
let h: H;

beforeEach(async () => {
  w = await makeWorld();
  h = await makeHierarchy(w);
});
afterEach(() => w.dispose());

const POLICY = '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*" }]\n}';

async function member(by: Principal, account: Account, name: string, admin = false): Promise<Principal> {
  const u = await w.svc.createUser(by, account.id, { name, admin });
  return w.keyFor(by, u.id);
}

function rowCount(table: string): number {
  // A second handle on the same file: what any other worker would see.
  return (w.store as unknown as { db: { prepare(s: string): { get(): { n: number } } } }).db.prepare(`SELECT count(*) AS n FROM ${table}`).get().n;
}

describe('partners (operator)', () => {
  it('creates partners with unique names, known regions and a default brand', async () => {
    assert.equal(h.partnerA.kind, 'partner');
    assert.equal(h.partnerA.parentId, OPERATOR_ACCOUNT_ID);
    assert.match(h.partnerA.id, /^\d{12}$/);
    assert.deepEqual(h.partnerA.brand, { displayName: 'telco-a' });
    await assert.rejects(w.svc.createPartner(w.root, { name: 'telco-a', regions: ['de-1'] }), { code: 'EntityAlreadyExists' });
    await assert.rejects(w.svc.createPartner(w.root, { name: 'acme', regions: ['de-1'] }), { code: 'EntityAlreadyExists' }, 'names are unique across kinds');
    await assert.rejects(w.svc.createPartner(w.root, { name: 'Bad_Name', regions: ['de-1'] }), { code: 'InvalidArgument' });
    await assert.rejects(w.svc.createPartner(w.root, { name: 'telco-c', regions: ['xx-9'] }), (e: Error & { code: string }) => e.code === 'InvalidRegion' && /xx-9/.test(e.message));
    await assert.rejects(w.svc.createPartner(w.root, { name: 'telco-c', regions: [] }), { code: 'InvalidArgument' });
    await assert.rejects(w.svc.createPartner(w.root, { name: 'telco-c', regions: ['de-1'], brand: { displayName: 'C', logoUrl: 'javascript:alert(1)' } }), { code: 'InvalidArgument' });
    const c = await w.svc.createPartner(w.root, { name: 'telco-c', regions: ['gb-1'], brand: { displayName: 'C Cloud', colors: { primary: '#e20074' }, endpointHost: 'S3.C.example' } });
    assert.deepEqual(c.brand, { displayName: 'C Cloud', colors: { primary: '#e20074' }, endpointHost: 's3.c.example' });
  });

  it('only operator admins create partners', async () => {
    for (const p of [h.adminA, h.custAdminA]) await assert.rejects(w.svc.createPartner(p, { name: 'rogue', regions: ['de-1'] }), { code: 'AccessDenied' });
    const staff = await member(w.root, (await w.svc.getAccount(w.root, OPERATOR_ACCOUNT_ID)), 'staff');
    await assert.rejects(w.svc.createPartner(staff, { name: 'rogue', regions: ['de-1'] }), { code: 'AccessDenied' });
    assert.equal(w.store.getAccountByName('rogue'), undefined);
  });

  it('a licence may not drop a region a customer still uses (Conflict naming it)', async () => {
    await assert.rejects(w.svc.updatePartner(w.root, h.partnerA.id, { regions: ['fr-1'] }), (e: Error & { code: string }) => e.code === 'Conflict' && /acme/.test(e.message) && /de-1/.test(e.message));
    assert.deepEqual(w.store.getAccount(h.partnerA.id)?.regions, ['de-1', 'fr-1']);
    const updated = await w.svc.updatePartner(w.root, h.partnerA.id, { regions: ['de-1', 'fr-1', 'gb-1'], status: 'suspended' });
    assert.deepEqual(updated.regions, ['de-1', 'fr-1', 'gb-1']);
    assert.equal(updated.status, 'suspended');
  });

  it('a customer\'s regions may not drop one that still holds its buckets (Conflict naming it)', async () => {
    await w.directory.reserve({ name: 'acme-data', region: 'fr-1', owner: h.customerA.id, createdAt: new Date(0), residency: { zones: ['FR'], explicit: false } });
    await assert.rejects(w.svc.updateCustomer(h.adminA, h.customerA.id, { regions: ['de-1'] }), (e: Error & { code: string }) => e.code === 'Conflict' && /fr-1/.test(e.message));
    assert.deepEqual(w.store.getAccount(h.customerA.id)?.regions, ['de-1', 'fr-1']);
    assert.deepEqual((await w.svc.updateCustomer(h.adminA, h.customerA.id, { regions: ['fr-1'] })).regions, ['fr-1']);
  });

  it('a partner edits its own brand and display name, not its licence or status', async () => {
    const p = await w.svc.updatePartner(h.adminA, h.partnerA.id, { displayName: 'Telco A', brand: { displayName: 'A Cloud', supportContact: 'help@a.example' } });
    assert.equal(p.brand?.supportContact, 'help@a.example');
    await assert.rejects(w.svc.updatePartner(h.adminA, h.partnerA.id, { regions: ['de-1', 'fr-1', 'gb-1'] }), { code: 'AccessDenied' });
    await assert.rejects(w.svc.updatePartner(h.adminA, h.partnerA.id, { status: 'suspended' }), { code: 'AccessDenied' });
    await w.svc.updatePartner(h.adminA, h.partnerA.id, { regions: ['fr-1', 'de-1'] }); // the same licence, resent
    await assert.rejects(w.svc.updatePartner(h.adminA, h.partnerB.id, { displayName: 'x' }), { code: 'NoSuchAccount' });
    await assert.rejects(w.svc.updatePartner(h.custAdminA, h.partnerA.id, { displayName: 'x' }), { code: 'NoSuchAccount' });
  });
});

describe('customers', () => {
  it('a partner creates customers under itself, in its licensed regions by default', async () => {
    assert.equal(h.customerA.parentId, h.partnerA.id);
    assert.deepEqual(h.customerA.regions, ['de-1', 'fr-1']);
    assert.deepEqual(h.customerA.quotas, { maxBytes: null, maxBuckets: null, maxRequestsPerSecond: null, maxConcurrentQueries: null, maxQuerySeconds: null, maxQueryMemoryBytes: null, maxQueryThreads: null, maxQueryResultBytes: null });
    assert.equal(h.customerA.mandatoryResidency, null);
    const c = await w.svc.createCustomer(h.adminA, { name: 'initech', regions: ['fr-1'], quotas: { maxBuckets: 5 }, defaultResidency: ['eu'] });
    assert.deepEqual(c.regions, ['fr-1']);
    assert.equal(c.quotas?.maxBuckets, 5);
    assert.deepEqual(c.defaultResidency, ['EU']);
  });

  it('refuses a partner placing a customer in an unlicensed region, naming it', async () => {
    await assert.rejects(w.svc.createCustomer(h.adminA, { name: 'initech', regions: ['de-1', 'gb-1'] }),
      (e: Error & { code: string }) => e.code === 'InvalidRegion' && e.message.startsWith('telco-a is not licensed for gb-1;'));
    await assert.rejects(w.svc.updateCustomer(h.adminA, h.customerA.id, { regions: ['de-2'] }), { code: 'InvalidRegion' });
    assert.equal(w.store.getAccountByName('initech'), undefined);
  });

  it('the operator creates customers under a named, existing partner', async () => {
    await assert.rejects(w.svc.createCustomer(w.root, { name: 'initech' }), { code: 'InvalidArgument' });
    await assert.rejects(w.svc.createCustomer(w.root, { name: 'initech', partnerId: '123456789012' }), { code: 'NoSuchAccount' });
    await assert.rejects(w.svc.createCustomer(w.root, { name: 'initech', partnerId: h.customerA.id }), { code: 'NoSuchAccount' }, 'a customer is no parent');
    const c = await w.svc.createCustomer(w.root, { name: 'initech', partnerId: 'telco-b' });
    assert.equal(c.parentId, h.partnerB.id);
    assert.deepEqual(c.regions, ['de-2']);
  });

  it('a partner cannot create under another partner, customers cannot create customers', async () => {
    await assert.rejects(w.svc.createCustomer(h.adminA, { name: 'initech', partnerId: h.partnerB.id }), { code: 'NoSuchAccount' });
    await assert.rejects(w.svc.createCustomer(h.custAdminA, { name: 'initech' }), { code: 'AccessDenied' });
    await assert.rejects(w.svc.createCustomer(h.adminA, { name: 'initech', quotas: { maxBytes: -1 } }), { code: 'InvalidArgument' });
    await assert.rejects(w.svc.createCustomer(h.adminA, { name: 'initech', quotas: { maxBytes: 1.5 } }), { code: 'InvalidArgument' });
    await assert.rejects(w.svc.createCustomer(h.adminA, { name: 'initech', defaultResidency: ['ATLANTIS'] }), { code: 'InvalidArgument' });
    assert.equal(w.store.getAccountByName('initech'), undefined);
  });

  it("partners see only their own customers; others' answer NoSuchAccount", async () => {
    for (const call of [
      () => w.svc.getAccount(h.adminB, h.customerA.id),
      () => w.svc.getAccount(h.adminB, 'acme'),
      () => w.svc.updateCustomer(h.adminB, h.customerA.id, { displayName: 'x' }),
      () => w.svc.deleteAccount(h.adminB, h.customerA.id),
      () => w.svc.listUsers(h.adminB, h.customerA.id, {}),
      () => w.svc.listAccessEvents(h.adminB, h.customerA.id, {}),
      () => w.svc.getAccount(h.custAdminA, h.customerB.id),
      () => w.svc.getAccount(h.custAdminA, h.partnerA.id),
    ]) await assert.rejects(call(), { code: 'NoSuchAccount' });
    const listed = await w.svc.listAccounts(h.adminA, { kind: 'customer' });
    assert.deepEqual(listed.items.map((a) => a.name), ['acme']);
    assert.deepEqual((await w.svc.listAccounts(h.custAdminA, {})).items.map((a) => a.name), ['acme']);
    assert.deepEqual((await w.svc.listAccounts(w.root, {})).items.map((a) => a.name), ['acme', 'globex', 'operator', 'telco-a', 'telco-b']);
    assert.deepEqual((await w.svc.listAccounts(w.root, { parentId: h.partnerB.id })).items.map((a) => a.name), ['globex']);
  });

  it('pages accounts by name with an opaque cursor', async () => {
    for (let i = 0; i < 5; i++) await w.svc.createCustomer(h.adminA, { name: `c-${i}` });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await w.svc.listAccounts(h.adminA, { kind: 'customer', limit: 2, cursor });
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((a) => a.name));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ['acme', 'c-0', 'c-1', 'c-2', 'c-3', 'c-4']);
    await assert.rejects(w.svc.listAccounts(w.root, { limit: 0 }), { code: 'InvalidArgument' });
    await assert.rejects(w.svc.listAccounts(w.root, { limit: 1001 }), { code: 'InvalidArgument' });
    await assert.rejects(w.svc.listAccounts(w.root, { cursor: 'not a cursor!' }), { code: 'InvalidArgument' });
  });

  it('a customer admin changes its display name and residency but not its quotas, regions or status', async () => {
    const c = await w.svc.updateCustomer(h.custAdminA, h.customerA.id, { displayName: 'ACME Corp', defaultResidency: ['DE'], mandatoryResidency: ['EU'] });
    assert.equal(c.displayName, 'ACME Corp');
    assert.deepEqual(c.mandatoryResidency, ['EU']);
    assert.deepEqual(await w.directory.getAccountResidency(h.customerA.id), ['EU'], 'kept by the placement directory');
    await assert.rejects(w.svc.updateCustomer(h.custAdminA, h.customerA.id, { quotas: { maxBytes: 10 ** 12 } }),
      (e: Error & { code: string }) => e.code === 'AccessDenied' && e.message.includes('a customer cannot change its own quotas/regions/status'));
    await assert.rejects(w.svc.updateCustomer(h.custAdminA, h.customerA.id, { regions: ['de-1'] }), { code: 'AccessDenied' });
    await assert.rejects(w.svc.updateCustomer(h.custAdminA, h.customerA.id, { status: 'suspended' }), { code: 'AccessDenied' });
    // Resending the current values is no change.
    await w.svc.updateCustomer(h.custAdminA, h.customerA.id, { quotas: { maxBytes: null }, regions: ['fr-1', 'de-1'], status: 'active' });
    // Its partner may.
    const raised = await w.svc.updateCustomer(h.adminA, h.customerA.id, { quotas: { maxBytes: 10 ** 12, maxRequestsPerSecond: 100 } });
    assert.deepEqual(raised.quotas, { maxBytes: 10 ** 12, maxBuckets: null, maxRequestsPerSecond: 100, maxConcurrentQueries: null, maxQuerySeconds: null, maxQueryMemoryBytes: null, maxQueryThreads: null, maxQueryResultBytes: null });
  });

  it('analytics quotas: set by the partner, each at least its minimum or null (the server\'s limit), never by the customer', async () => {
    const set = await w.svc.updateCustomer(h.adminA, h.customerA.id, { quotas: { maxConcurrentQueries: 0, maxQuerySeconds: 30, maxQueryMemoryBytes: 64 * 2 ** 20, maxQueryThreads: 1, maxQueryResultBytes: 10 ** 6 } });
    assert.deepEqual(set.quotas, { maxBytes: null, maxBuckets: null, maxRequestsPerSecond: null, maxConcurrentQueries: 0, maxQuerySeconds: 30, maxQueryMemoryBytes: 64 * 2 ** 20, maxQueryThreads: 1, maxQueryResultBytes: 10 ** 6 });
    assert.deepEqual((await w.svc.getAccount(h.adminA, h.customerA.id)).quotas, set.quotas, 'stored');
    await assert.rejects(w.svc.updateCustomer(h.custAdminA, h.customerA.id, { quotas: { maxConcurrentQueries: 4 } }), { code: 'AccessDenied' });
    await assert.rejects(w.svc.updateCustomer(h.custAdminA, h.customerA.id, { quotas: { maxQuerySeconds: null } }), { code: 'AccessDenied' });
    for (const [field, value] of [['maxConcurrentQueries', -1], ['maxQuerySeconds', 0], ['maxQuerySeconds', 1.5], ['maxQueryMemoryBytes', 2 ** 20], ['maxQueryThreads', 0], ['maxQueryResultBytes', '1MB']] as const) {
      await assert.rejects(w.svc.updateCustomer(h.adminA, h.customerA.id, { quotas: { [field]: value } }), (e: Error & { code: string; details?: Record<string, string> }) =>
        e.code === 'InvalidArgument' && e.details?.['ArgumentName'] === `quotas.${field}` && e.message.includes("or null (the server's limit)"), `${field}: ${value}`);
    }
    const reset = await w.svc.updateCustomer(h.adminA, h.customerA.id, { quotas: { maxConcurrentQueries: null, maxQuerySeconds: null } });
    assert.deepEqual([reset.quotas?.maxConcurrentQueries, reset.quotas?.maxQuerySeconds, reset.quotas?.maxQueryThreads], [null, null, 1]);
  });

  it('a refused customer update leaves its mandatory residency as it was', async () => {
    await w.svc.updateCustomer(h.adminA, h.customerA.id, { mandatoryResidency: ['EU'] });
    await assert.rejects(w.svc.updateCustomer(h.custAdminA, h.customerA.id, { mandatoryResidency: ['DE'], quotas: { maxBuckets: 1000 } }), { code: 'AccessDenied' });
    assert.deepEqual(await w.directory.getAccountResidency(h.customerA.id), ['EU']);
    // The directory refuses a policy existing buckets break: nothing else changes either.
    await w.directory.reserve({ name: 'paris-data', region: 'fr-1', owner: h.customerA.id, createdAt: new Date(), residency: { zones: ['FR'], explicit: false } });
    await assert.rejects(w.svc.updateCustomer(h.adminA, h.customerA.id, { mandatoryResidency: ['DE'], displayName: 'Renamed' }), { code: 'ResidencyViolation' });
    assert.equal((await w.svc.getAccount(h.adminA, h.customerA.id)).displayName, 'acme');
    assert.deepEqual((await w.svc.getAccount(h.adminA, h.customerA.id)).mandatoryResidency, ['EU']);
    await w.svc.updateCustomer(h.adminA, h.customerA.id, { mandatoryResidency: null });
    assert.equal(await w.directory.getAccountResidency(h.customerA.id), undefined);
  });

  it('a customer is removed again when its residency cannot be stored (nothing half-created)', async () => {
    const before = rowCount('accounts');
    await w.directory.close(); // the directory fails after the account row was written
    await assert.rejects(w.svc.createCustomer(h.adminA, { name: 'initech', mandatoryResidency: ['EU'] }), /not open/);
    assert.equal(rowCount('accounts'), before);
    assert.equal(w.store.getAccountByName('initech'), undefined);
  });

  it('a customer whose mandatory residency is refused is not created (nothing half-created)', async () => {
    const before = rowCount('accounts');
    await assert.rejects(w.svc.createCustomer(h.adminA, { name: 'initech', mandatoryResidency: ['ATLANTIS'] }), { code: 'InvalidArgument' });
    assert.equal(rowCount('accounts'), before);
  });
});

describe('deleting accounts', () => {
  it('refuses while child accounts or buckets exist; then removes users, keys, policies and tokens', async () => {
    await assert.rejects(w.svc.deleteAccount(w.root, h.partnerA.id), (e: Error & { code: string }) => e.code === 'Conflict' && /acme/.test(e.message));
    await w.directory.reserve({ name: 'acme-data', region: 'de-1', owner: h.customerA.id, createdAt: new Date(), residency: { zones: ['DE'], explicit: false } });
    await assert.rejects(w.svc.deleteAccount(h.adminA, h.customerA.id), { code: 'Conflict' });
    await w.directory.release('acme-data', 'de-1');
    const bob = await member(h.custAdminA, h.customerA, 'bob');
    await w.svc.putUserPolicy(h.custAdminA, bob.userId, 'read', POLICY);
    await w.svc.createToken(bob, 600);
    await w.svc.updateCustomer(h.adminA, h.customerA.id, { mandatoryResidency: ['EU'] });
    await assert.rejects(w.svc.deleteAccount(h.custAdminA, h.customerA.id), { code: 'AccessDenied' });
    await w.svc.deleteAccount(h.adminA, h.customerA.id);
    await assert.rejects(w.svc.getAccount(h.adminA, h.customerA.id), { code: 'NoSuchAccount' });
    assert.equal(await w.resolver.lookupKey(bob.accessKeyId), undefined);
    assert.equal(w.store.getUser(bob.userId), undefined);
    assert.equal(w.store.policiesOf(bob.userId).length, 0);
    assert.equal(rowCount('tokens'), 0);
    assert.equal(await w.directory.getAccountResidency(h.customerA.id), undefined);
    await w.svc.deleteAccount(w.root, h.partnerA.id);
  });

  it('nobody deletes the operator', async () => {
    await assert.rejects(w.svc.deleteAccount(w.root, OPERATOR_ACCOUNT_ID), { code: 'Conflict' });
    await assert.rejects(w.svc.deleteAccount(h.adminA, OPERATOR_ACCOUNT_ID), { code: 'NoSuchAccount' });
  });
});

describe('onboarding', () => {
  it("a partner creates a new customer's first admin and its first key, then nothing more", async () => {
    const c = await w.svc.createCustomer(h.adminA, { name: 'initech' });
    await assert.rejects(w.svc.createUser(h.adminA, c.id, { name: 'first', admin: false }), { code: 'InvalidArgument' });
    assert.equal(w.store.countUsers(c.id), 0);
    const first = await w.svc.createUser(h.adminA, c.id, { name: 'first', admin: true });
    const key = await w.svc.createAccessKey(h.adminA, first.id);
    assert.match(key.accessKeyId, /^SV[A-Z0-9]{18}$/);
    assert.equal(key.secretAccessKey.length, 40);
    const onlyAdmins = (e: Error & { code: string }): boolean => e.code === 'AccessDenied' && e.message === "only initech's administrators manage its users and keys";
    await assert.rejects(w.svc.createAccessKey(h.adminA, first.id), onlyAdmins);
    await assert.rejects(w.svc.createUser(h.adminA, c.id, { name: 'second', admin: true }), onlyAdmins);
    await assert.rejects(w.svc.updateUser(h.adminA, first.id, { status: 'suspended' }), onlyAdmins);
    await assert.rejects(w.svc.listAccessKeys(h.adminA, first.id), onlyAdmins);
    await assert.rejects(w.svc.setAccessKeyStatus(h.adminA, key.accessKeyId, 'disabled'), onlyAdmins);
    await assert.rejects(w.svc.putUserPolicy(h.adminA, first.id, 'p', POLICY), onlyAdmins);
    await assert.rejects(w.svc.createUser(w.root, c.id, { name: 'second' }), onlyAdmins, 'the operator neither');
    const events = await w.svc.listAccessEvents(h.adminA, c.id, {});
    assert.deepEqual(events.items.map((e) => [e.kind, e.ownerAccountId, e.principalAccountId, e.principalArn]), [
      ['onboarding', c.id, h.partnerA.id, h.adminA.userArn],
      ['onboarding', c.id, h.partnerA.id, h.adminA.userArn],
    ]);
    const custAdmin = (await w.resolver.lookupKey(key.accessKeyId))!.principal;
    assert.deepEqual((await w.svc.listAccessEvents(custAdmin, c.id, { limit: 1 })).items.length, 1, 'the customer reads its record');
    // A customer that deletes all its keys cannot be re-keyed by its partner.
    const spare = await w.svc.createAccessKey(custAdmin, first.id);
    await w.svc.deleteAccessKey(custAdmin, key.accessKeyId);
    await w.svc.deleteAccessKey(custAdmin, spare.accessKeyId);
    await assert.rejects(w.svc.createAccessKey(h.adminA, first.id), onlyAdmins);
  });

  it('the operator may onboard a customer too, and reads (not manages) users of accounts it oversees', async () => {
    const c = await w.svc.createCustomer(w.root, { name: 'initech', partnerId: h.partnerA.id });
    const first = await w.svc.createUser(w.root, c.id, { name: 'first', admin: true });
    await w.svc.createAccessKey(w.root, first.id);
    assert.equal((await w.svc.findUser(w.root, 'initech', 'first')).id, first.id);
    assert.equal((await w.svc.getUser(h.adminA, first.id)).name, 'first');
    assert.deepEqual((await w.svc.listUsers(h.adminA, c.id, {})).items.map((u) => u.name), ['first']);
    await assert.rejects(w.svc.getUser(h.adminB, first.id), { code: 'NoSuchUser' });
  });
});

describe('users, keys and policies of one account', () => {
  it('a customer admin manages its users: unique names, admin flag, suspension, deletion', async () => {
    const bob = await w.svc.createUser(h.custAdminA, h.customerA.id, { name: 'bob' });
    assert.match(bob.id, /^U[A-Z2-7]{20}$/);
    assert.equal(bob.arn, `arn:aws:iam::${h.customerA.id}:user/bob`);
    await assert.rejects(w.svc.createUser(h.custAdminA, h.customerA.id, { name: 'bob' }), { code: 'EntityAlreadyExists' });
    await assert.rejects(w.svc.createUser(h.custAdminA, h.customerA.id, { name: 'b o b' }), { code: 'InvalidArgument' });
    await w.svc.createUser(h.custAdminB, h.customerB.id, { name: 'bob' }); // unique per account only
    assert.equal((await w.svc.updateUser(h.custAdminA, bob.id, { admin: true })).admin, true);
    assert.equal((await w.svc.updateUser(h.custAdminA, bob.id, { status: 'suspended' })).status, 'suspended');
    await assert.rejects(w.svc.updateUser(h.custAdminA, h.custAdminA.userId, { admin: false }), { code: 'Conflict' }, 'the last active admin');
    await w.svc.updateUser(h.custAdminA, bob.id, { status: 'active' });
    await w.svc.updateUser(h.custAdminA, h.custAdminA.userId, { admin: false });
    await w.svc.deleteUser(h.custAdminA, h.custAdminA.userId);
    await assert.rejects(w.svc.getUser(h.custAdminB, bob.id), { code: 'NoSuchUser' });
    await assert.rejects(w.svc.createUser(h.custAdminB, h.customerA.id, { name: 'mallory' }), { code: 'NoSuchAccount' });
  });

  it('a non-admin user reads itself and manages only its own keys', async () => {
    const bob = await member(h.custAdminA, h.customerA, 'bob');
    const carol = await w.svc.createUser(h.custAdminA, h.customerA.id, { name: 'carol' });
    assert.equal((await w.svc.getUser(bob, bob.userId)).name, 'bob');
    await assert.rejects(w.svc.getUser(bob, carol.id), { code: 'AccessDenied' });
    await assert.rejects(w.svc.getUser(bob, h.custAdminB.userId), { code: 'NoSuchUser' });
    await assert.rejects(w.svc.createUser(bob, h.customerA.id, { name: 'dave' }), { code: 'AccessDenied' });
    await assert.rejects(w.svc.getAccount(bob, h.customerA.id), { code: 'AccessDenied' });
    await assert.rejects(w.svc.listUsers(bob, h.customerA.id, {}), { code: 'AccessDenied' });
    await assert.rejects(w.svc.updateUser(bob, bob.userId, { admin: true }), { code: 'AccessDenied' });
    await assert.rejects(w.svc.createAccessKey(bob, carol.id), { code: 'AccessDenied' });
    await assert.rejects(w.svc.listAccounts(bob, {}), { code: 'AccessDenied' });
    const second = await w.svc.createAccessKey(bob, bob.userId);
    assert.equal((await w.svc.listAccessKeys(bob, bob.userId)).length, 2);
    assert.ok((await w.svc.listAccessKeys(bob, bob.userId)).every((k) => !('secretAccessKey' in k) && !('sealedSecret' in k)));
    await w.svc.setAccessKeyStatus(bob, second.accessKeyId, 'disabled');
    await w.svc.setAccessKeyStatus(bob, second.accessKeyId, 'active');
    await w.svc.deleteAccessKey(bob, second.accessKeyId);
    // Policies: read-only for itself.
    await w.svc.putUserPolicy(h.custAdminA, bob.userId, 'read', POLICY);
    assert.equal((await w.svc.getUserPolicy(bob, bob.userId, 'read')).document, POLICY);
    assert.deepEqual((await w.svc.listUserPolicies(bob, bob.userId)).map((p) => p.name), ['read']);
    await assert.rejects(w.svc.putUserPolicy(bob, bob.userId, 'more', POLICY), { code: 'AccessDenied' });
    await assert.rejects(w.svc.deleteUserPolicy(bob, bob.userId, 'read'), { code: 'AccessDenied' });
    await assert.rejects(w.svc.listUserPolicies(bob, carol.id), { code: 'AccessDenied' });
  });

  it('at most two keys per user; rotation replaces a key in one step', async () => {
    const bob = await member(h.custAdminA, h.customerA, 'bob');
    const second = await w.svc.createAccessKey(h.custAdminA, bob.userId);
    await assert.rejects(w.svc.createAccessKey(bob, bob.userId), { code: 'Conflict' });
    const before = w.store.keysOf(bob.userId).map((k) => [k.accessKeyId, k.status]);
    await assert.rejects(w.svc.rotateAccessKey(bob, bob.accessKeyId), { code: 'Conflict' });
    assert.deepEqual(w.store.keysOf(bob.userId).map((k) => [k.accessKeyId, k.status]), before, 'the failed rotation disabled nothing');
    const rotated = await w.svc.rotateAccessKey(bob, bob.accessKeyId, { deleteOld: true });
    assert.deepEqual(w.store.keysOf(bob.userId).map((k) => k.accessKeyId).sort(), [second.accessKeyId, rotated.accessKeyId].sort());
    await w.svc.deleteAccessKey(bob, second.accessKeyId);
    const again = await w.svc.rotateAccessKey(bob, rotated.accessKeyId);
    const statuses = new Map(w.store.keysOf(bob.userId).map((k) => [k.accessKeyId, k.status]));
    assert.deepEqual(statuses, new Map([[rotated.accessKeyId, 'disabled'], [again.accessKeyId, 'active']]));
    const r = await w.resolver.lookupKey(again.accessKeyId);
    assert.equal(r?.secretAccessKey, again.secretAccessKey);
    await assert.rejects(w.svc.deleteAccessKey(h.custAdminB, again.accessKeyId), { code: 'NoSuchAccessKey' });
    await assert.rejects(w.svc.deleteAccessKey(bob, 'SVNOSUCHKEY0000000000'), { code: 'NoSuchAccessKey' });
  });

  it('a disabled key, a suspended user and a suspended account resolve as disabled', async () => {
    const bob = await member(h.custAdminA, h.customerA, 'bob');
    assert.equal((await w.resolver.lookupKey(bob.accessKeyId))?.disabled, false);
    await w.svc.setAccessKeyStatus(h.custAdminA, bob.accessKeyId, 'disabled');
    assert.equal((await w.resolver.lookupKey(bob.accessKeyId))?.disabled, true);
    await w.svc.setAccessKeyStatus(h.custAdminA, bob.accessKeyId, 'active');
    await w.svc.updateUser(h.custAdminA, bob.userId, { status: 'suspended' });
    assert.equal((await w.resolver.lookupKey(bob.accessKeyId))?.disabled, true);
    await w.svc.updateUser(h.custAdminA, bob.userId, { status: 'active' });
    await w.svc.updateCustomer(h.adminA, h.customerA.id, { status: 'suspended' });
    assert.equal((await w.resolver.lookupKey(bob.accessKeyId))?.disabled, true);
  });

  it("protects the operator's root user and its last active key", async () => {
    const rootKey = w.root.accessKeyId;
    await assert.rejects(w.svc.deleteAccessKey(w.root, rootKey), { code: 'Conflict' });
    await assert.rejects(w.svc.setAccessKeyStatus(w.root, rootKey, 'disabled'), { code: 'Conflict' });
    await assert.rejects(w.svc.deleteUser(w.root, w.root.userId), { code: 'Conflict' });
    await assert.rejects(w.svc.updateUser(w.root, w.root.userId, { admin: false }), { code: 'Conflict' });
    const second = await w.svc.createAccessKey(w.root, w.root.userId);
    await w.svc.setAccessKeyStatus(w.root, rootKey, 'disabled');
    await assert.rejects(w.svc.deleteAccessKey(w.root, second.accessKeyId), { code: 'Conflict' });
    const rotated = await w.svc.rotateAccessKey(w.root, second.accessKeyId, { deleteOld: true });
    assert.equal((await w.resolver.lookupKey(rotated.accessKeyId))?.disabled, false);
    // Operator admins manage the operator's users, not the partners'.
    const ops = await member(w.root, (await w.svc.getAccount(w.root, 'operator')), 'ops', true);
    await assert.rejects(w.svc.createAccessKey(ops, h.adminA.userId), { code: 'AccessDenied' });
  });

  it('identity policies: validated, kept verbatim, at most ten, parsed into the principal', async () => {
    const bob = await member(h.custAdminA, h.customerA, 'bob');
    const stored = await w.svc.putUserPolicy(h.custAdminA, bob.userId, 'read-only', POLICY);
    assert.equal(stored.document, POLICY);
    const bad = '{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}';
    await assert.rejects(w.svc.putUserPolicy(h.custAdminA, bob.userId, 'broken', bad), (e: Error & { code: string }) => e.code === 'MalformedPolicy' && /^line 3, column/.test(e.message));
    await assert.rejects(w.svc.putUserPolicy(h.custAdminA, bob.userId, 'bad name!', POLICY), { code: 'InvalidArgument' });
    await assert.rejects(w.svc.getUserPolicy(h.custAdminA, bob.userId, 'broken'), { code: 'NoSuchPolicy' });
    for (let i = 1; i < 10; i++) await w.svc.putUserPolicy(h.custAdminA, bob.userId, `p${i}`, POLICY);
    await assert.rejects(w.svc.putUserPolicy(h.custAdminA, bob.userId, 'p10', POLICY), { code: 'Conflict' });
    await w.svc.putUserPolicy(h.custAdminA, bob.userId, 'p9', POLICY.replace('GetObject', 'PutObject')); // replacing is fine
    const principal = (await w.resolver.lookupKey(bob.accessKeyId))!.principal;
    assert.equal(principal.policies.length, 10);
    assert.ok(principal.policies.some((p) => p.statements[0]?.actions?.includes('s3:putobject')));
    await w.svc.deleteUserPolicy(h.custAdminA, bob.userId, 'p9');
    await assert.rejects(w.svc.deleteUserPolicy(h.custAdminA, bob.userId, 'p9'), { code: 'NoSuchPolicy' });
  });
});

describe('bearer tokens', () => {
  it('resolve to their user until they expire or are deleted', async () => {
    const bob = await member(h.custAdminA, h.customerA, 'bob');
    const t = await w.svc.createToken(bob, 600);
    assert.equal(rowCount('tokens'), 1);
    const p = await w.resolver.lookupToken(t.token);
    assert.equal(p?.userId, bob.userId);
    assert.equal(p?.accessKeyId, '');
    assert.equal(await w.resolver.lookupToken(t.token + 'x'), undefined);
    await assert.rejects(w.svc.deleteToken(h.custAdminB, t.id), { code: 'NoSuchToken' });
    await assert.rejects(w.svc.createToken(bob, 10), { code: 'InvalidArgument' });
    w.clock.now = new Date(w.clock.now.getTime() + 601_000);
    assert.equal(await w.resolver.lookupToken(t.token), undefined);
    const t2 = await w.svc.createToken(bob, 600);
    assert.equal(rowCount('tokens'), 1, 'expired tokens are purged');
    await w.svc.deleteToken(h.custAdminA, t2.id);
    assert.equal(await w.resolver.lookupToken(t2.token), undefined);
  });
});
