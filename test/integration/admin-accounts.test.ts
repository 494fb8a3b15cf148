/**
 * The admin API's account routes over real HTTP, against the real tenancy service, store,
 * credential resolver, idempotency ledger and policy parser: the hierarchy's flows, every
 * refusal with its stable code (and nothing changed), pagination, idempotency, bearer
 * tokens, partner isolation, and the OpenAPI document matching the routes served.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { documentedOperations, openApiDocument } from '../../src/admin/openapi.js';
import { AdminApiError, type AdminClient } from '../../src/client/admin-client.js';
import type { Account, NewAccessKey } from '../../src/client/admin-types.js';
import { startAccountsServer, type AccountsServer } from './admin-accounts-harness.js';
import { rawRequest, signedRequest } from './raw-http.js';

async function refused(p: Promise<unknown>): Promise<AdminApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AdminApiError) return e;
    throw e;
  }
  assert.fail('expected the admin API to refuse');
}

async function expectError(p: Promise<unknown>, status: number, code: string, message?: RegExp): Promise<AdminApiError> {
  const e = await refused(p);
  assert.equal(e.code, code, `${e.code}: ${e.message}`);
  assert.equal(e.status, status);
  if (message) assert.match(e.message, message);
  return e;
}

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [{ "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"] }]
}`;

describe('admin API: accounts, users, keys, policies and tokens', () => {
  let s: AccountsServer;
  let op: AdminClient;
  let dt: Account;
  let dtAdmin: AdminClient;
  let other: AdminClient;
  let acme: Account;
  let acmeBoss: AdminClient;
  let alice: AdminClient;
  let aliceKey: NewAccessKey;

  /** A new user with a key, as a client. */
  async function userClient(by: AdminClient, account: string, name: string, admin: boolean): Promise<{ client: AdminClient; key: NewAccessKey }> {
    await by.createUser(account, { name, admin });
    const key = await by.createAccessKey(account, name);
    return { client: s.as(key), key };
  }

  before(async () => {
    s = await startAccountsServer();
    op = s.operator;
  });
  after(async () => {
    await s.stop();
  });

  it('documents exactly the routes it serves, and serves the document', async () => {
    const served = s.routes.map((r) => `${r.method} ${r.path}`).sort();
    assert.deepEqual(documentedOperations(), served);
    const doc = openApiDocument();
    const ids = documentedOperations().map((o) => {
      const [m, p] = o.split(' ');
      return ((doc['paths'] as Record<string, Record<string, { operationId: string }>>)[p ?? ''] ?? {})[(m ?? '').toLowerCase()]?.operationId;
    });
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
    // Every $ref points at something the document defines.
    const text = JSON.stringify(doc);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/([^"]+)"/g)) {
      const target = (ref ?? '').split('/').reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], doc);
      assert.ok(target !== undefined, `unresolved $ref #/${ref}`);
    }
    for (const name of ['Account', 'Brand', 'Quotas', 'User', 'AccessKey', 'NewAccessKey', 'NamedPolicy', 'Token', 'AccessEvent', 'Page']) {
      assert.ok((doc['components'] as { schemas: Record<string, unknown> }).schemas[name], name);
    }
    const served2 = await rawRequest(s.url, { method: 'GET', path: '/admin/v1/openapi.json' });
    assert.deepEqual(JSON.parse(served2.text), JSON.parse(JSON.stringify(doc)));
  });

  it('onboards a partner, its admin, a customer, its first admin and a user with a key and a policy', async () => {
    const who = await op.whoami();
    assert.equal(who.accountKind, 'operator');
    assert.equal(who.authentication, 'sigv4');

    dt = await op.createPartner({
      name: 'dt', displayName: 'DT Cloud', regions: ['eu-fra', 'eu-lon'],
      brand: { displayName: 'DT Cloud', supportContact: 'help@dt.example', colors: { primary: '#e20074' }, endpointHost: 's3.dt.example' },
    });
    assert.equal(dt.kind, 'partner');
    assert.match(dt.id, /^\d{12}$/);
    assert.deepEqual(dt.brand?.colors, { primary: '#e20074' });
    dtAdmin = (await userClient(op, 'dt', 'ops', true)).client;
    other = (await (async () => {
      await op.createPartner({ name: 'other', regions: ['eu-par'] });
      return userClient(op, 'other', 'ops', true);
    })()).client;

    const partnerView = await dtAdmin.whoami();
    assert.equal(partnerView.accountKind, 'partner');
    assert.equal(partnerView.account?.name, 'dt');

    acme = await dtAdmin.createCustomer({ name: 'acme', regions: ['eu-fra'], quotas: { maxBytes: 10 * 2 ** 30, maxBuckets: 20, maxRequestsPerSecond: 100 }, mandatoryResidency: ['EU'] });
    assert.equal(acme.parentId, dt.id);
    assert.deepEqual(acme.quotas, { maxBytes: 10 * 2 ** 30, maxBuckets: 20, maxRequestsPerSecond: 100, maxConcurrentQueries: null, maxQuerySeconds: null, maxQueryMemoryBytes: null, maxQueryThreads: null, maxQueryResultBytes: null });
    assert.deepEqual(acme.mandatoryResidency, ['EU']);
    acmeBoss = (await userClient(dtAdmin, 'acme', 'boss', true)).client;

    const u = await acmeBoss.createUser(acme.name, { name: 'alice' });
    assert.equal(u.admin, false);
    assert.equal(u.arn, `arn:aws:iam::${acme.id}:user/alice`);
    aliceKey = await acmeBoss.createAccessKey('acme', 'alice');
    assert.match(aliceKey.accessKeyId, /^SV[A-Z0-9]{18}$/);
    assert.ok(aliceKey.secretAccessKey.length >= 30);
    alice = s.as(aliceKey);
    const p = await acmeBoss.putUserPolicy('acme', 'alice', 'readonly', POLICY);
    assert.equal(p.document, POLICY, 'kept verbatim');
    assert.equal((await acmeBoss.getUserPolicy(acme.id, 'alice', 'readonly')).document, POLICY);
    assert.deepEqual((await acmeBoss.listUserPolicies('acme', 'alice')).items.map((x) => x.name), ['readonly']);

    const me = await alice.whoami();
    assert.deepEqual([me.userName, me.accountId, me.admin, me.accessKeyId], ['alice', acme.id, false, aliceKey.accessKeyId]);
    // The secret is never readable again.
    const keys = await acmeBoss.listAccessKeys('acme', 'alice');
    assert.deepEqual(keys.items.map((k) => k.accessKeyId), [aliceKey.accessKeyId]);
    assert.ok(!('secretAccessKey' in (keys.items[0] ?? {})));

    // The partner's onboarding of acme's first admin is on acme's sovereignty record.
    const events = await acmeBoss.listAccessEvents('acme');
    assert.ok(events.items.some((e) => e.kind === 'onboarding' && e.principalAccountId === dt.id), JSON.stringify(events.items));
  });

  it('answers 201 with the entity, 204 without a body, and errors in one shape', async () => {
    const created = await op.exchange<Account>('POST', 'partners', { json: { name: 'shape', regions: ['eu-fra'] } });
    assert.equal(created.status, 201);
    const del = await rawRequest(s.url, { method: 'GET', path: '/admin/v1/partners/shape' });
    assert.equal(del.status, 403, 'unsigned');
    assert.deepEqual(Object.keys(JSON.parse(del.text).error).sort(), ['code', 'message', 'requestId']);
    const gone = await op.exchange('DELETE', ['partners', 'shape']);
    assert.equal(gone.status, 204);
    assert.equal(gone.body, undefined);
    await expectError(op.deletePartner('shape'), 404, 'NoSuchAccount');
  });

  it('refuses bad input with stable codes and changes nothing', async () => {
    const accounts = async () => (await op.listPartners()).items.length + (await op.listCustomers()).items.length;
    const before = await accounts();
    await expectError(op.createPartner({ name: 'dt', regions: ['eu-fra'] }), 409, 'EntityAlreadyExists');
    await expectError(op.createCustomer({ name: 'orphan', partner: 'no-such-partner', regions: ['eu-fra'] }), 404, 'NoSuchAccount');
    await expectError(op.createCustomer({ name: 'orphan', regions: ['eu-fra'] }), 400, 'InvalidArgument', /"partner" is required/);
    await expectError(dtAdmin.createCustomer({ name: 'outside', regions: ['eu-par'] }), 400, 'InvalidRegion', /not licensed for eu-par/);
    await expectError(op.createPartner({ name: 'mars', regions: ['mars-1'] }), 400, 'InvalidRegion');
    await expectError(op.createPartner({ name: 'Bad Name!', regions: ['eu-fra'] }), 400, 'InvalidArgument');
    // Shape errors name the field.
    const typo = await expectError(op.request('POST', 'partners', { json: { name: 'x1', regions: ['eu-fra'], region: 'eu-fra' } }), 400, 'InvalidArgument', /unknown field "region"/);
    assert.equal(typo.details?.['ArgumentName'], 'region');
    await expectError(op.request('POST', 'partners', { json: { name: 'x1', regions: 'eu-fra' } }), 400, 'InvalidArgument', /"regions" must be a list of strings/);
    await expectError(op.request('POST', 'partners', { json: ['x'] }), 400, 'InvalidArgument', /must be a JSON object/);
    await expectError(op.request('POST', 'partners', { text: '{"name": ' }), 400, 'InvalidRequest', /not valid JSON/);
    await expectError(dtAdmin.request('POST', 'customers', { json: { name: 'q', quotas: { maxBytes: -1 } } }), 400, 'InvalidArgument', /maxBytes/);
    assert.equal(await accounts(), before, 'nothing created');

    // A customer admin cannot raise its own quota (its partner can).
    await expectError(acmeBoss.updateCustomer('acme', { quotas: { maxBytes: 2 ** 50 } }), 403, 'AccessDenied');
    assert.equal((await dtAdmin.getCustomer('acme')).quotas?.maxBytes, 10 * 2 ** 30, 'unchanged');
    assert.equal((await dtAdmin.updateCustomer('acme', { quotas: { maxBytes: 20 * 2 ** 30 } })).quotas?.maxBytes, 20 * 2 ** 30);

    // A policy that is not valid JSON, or not a valid policy: MalformedPolicy with where.
    const broken = await expectError(acmeBoss.putUserPolicy('acme', 'alice', 'broken', '{\n  "Version": "2012-10-17",\n  "Statement": [ { "Effect": "Allow", }\n]}'), 400, 'MalformedPolicy', /line 3, column/);
    assert.equal(broken.details?.['Line'], '3');
    assert.ok(broken.details?.['Column']);
    const wrongEffect = await expectError(acmeBoss.putUserPolicy('acme', 'alice', 'wrong', '{"Version":"2012-10-17","Statement":[{"Effect":"Perhaps","Action":"s3:GetObject","Resource":"*"}]}'), 400, 'MalformedPolicy');
    assert.equal(wrongEffect.details?.['Line'], '1');
    assert.deepEqual((await acmeBoss.listUserPolicies('acme', 'alice')).items.map((p) => p.name), ['readonly']);

    // Users: duplicates, unknown ones, non-admins managing users.
    await expectError(acmeBoss.createUser('acme', { name: 'alice' }), 409, 'EntityAlreadyExists');
    await expectError(acmeBoss.getUser('acme', 'nobody'), 404, 'NoSuchUser');
    await expectError(alice.createUser('acme', { name: 'mallory', admin: true }), 403, 'AccessDenied');
    await expectError(alice.listUsers('acme'), 403, 'AccessDenied');
    await expectError(acmeBoss.getUserPolicy('acme', 'alice', 'nope'), 404, 'NoSuchPolicy');
    await expectError(acmeBoss.setAccessKeyStatus('SVNOSUCHKEY000000000', 'disabled'), 404, 'NoSuchAccessKey');
    await expectError(acmeBoss.request('PATCH', ['access-keys', aliceKey.accessKeyId], { json: { status: 'paused' } }), 400, 'InvalidArgument');
    await expectError(op.request('GET', 'partners', { query: { limit: '0' } }), 400, 'InvalidArgument', /limit/);
    await expectError(op.request('DELETE', 'partners'), 405, 'MethodNotAllowed');
    await expectError(op.request('GET', 'no-such-thing'), 400, 'InvalidRequest', /No admin API resource/);
  });

  it('keeps partners out of each other\'s customers', async () => {
    const own = await other.listCustomers();
    assert.deepEqual(own.items, []);
    await expectError(other.getCustomer('acme'), 404, 'NoSuchAccount');
    await expectError(other.getCustomer(acme.id), 404, 'NoSuchAccount');
    await expectError(other.listCustomers({ partner: 'dt' }), 404, 'NoSuchAccount');
    await expectError(other.createUser('acme', { name: 'spy', admin: true }), 404, 'NoSuchAccount');
    await expectError(other.listUsers('acme'), 404, 'NoSuchAccount');
    await expectError(other.setAccessKeyStatus(aliceKey.accessKeyId, 'disabled'), 404, 'NoSuchAccessKey');
    await expectError(other.rotateAccessKey(aliceKey.accessKeyId), 404, 'NoSuchAccessKey');
    await expectError(other.deleteAccessKey(aliceKey.accessKeyId), 404, 'NoSuchAccessKey');
    await expectError(other.updateCustomer('acme', { quotas: { maxBytes: 1 } }), 404, 'NoSuchAccount');
    await expectError(other.listAccessEvents('acme'), 404, 'NoSuchAccount');
    await expectError(other.getAccountResidency('acme'), 404, 'NoSuchAccount');
    await expectError(other.getPartner('dt'), 404, 'NoSuchAccount');
    await expectError(other.createPartner({ name: 'sneaky', regions: ['eu-par'] }), 403, 'AccessDenied');
    assert.deepEqual((await dtAdmin.listCustomers()).items.map((c) => c.name), ['acme']);
    assert.deepEqual((await op.listCustomers({ partner: 'dt' })).items.map((c) => c.name), ['acme']);
    // A partner id or name that is a customer is not a partner.
    await expectError(op.getPartner('acme'), 404, 'NoSuchAccount');
    await expectError(op.getCustomer('dt'), 404, 'NoSuchAccount');
  });

  it('pages through lists with limit and cursor', async () => {
    for (const n of ['p1', 'p2', 'p3', 'p4', 'p5']) await dtAdmin.createCustomer({ name: `page-${n}`, regions: ['eu-lon'] });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await dtAdmin.listCustomers({ limit: 2, ...(cursor ? { cursor } : {}) });
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((a) => a.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    assert.equal(pages, 3);
    assert.deepEqual([...seen].sort(), ['acme', 'page-p1', 'page-p2', 'page-p3', 'page-p4', 'page-p5']);
    await expectError(dtAdmin.listCustomers({ cursor: 'not-a-cursor!' }), 400, 'InvalidArgument');

    // Lists the service returns whole page the same way.
    await acmeBoss.createAccessKey('acme', 'alice');
    const first = await acmeBoss.listAccessKeys('acme', 'alice', { limit: 1 });
    assert.equal(first.items.length, 1);
    assert.ok(first.nextCursor);
    const second = await acmeBoss.listAccessKeys('acme', 'alice', { limit: 1, cursor: first.nextCursor ?? '' });
    assert.equal(second.items.length, 1);
    assert.equal(second.nextCursor, undefined);
    assert.notEqual(first.items[0]?.accessKeyId, second.items[0]?.accessKeyId);
    await acmeBoss.deleteAccessKey(second.items[0]?.accessKeyId === aliceKey.accessKeyId ? (first.items[0]?.accessKeyId ?? '') : (second.items[0]?.accessKeyId ?? ''));
  });

  it('replays a POST with the same Idempotency-Key and refuses the key for another request', async () => {
    const body = { name: 'idem', regions: ['eu-fra'] };
    const a = await dtAdmin.exchange<Account>('POST', 'customers', { json: body, idempotencyKey: 'create-idem-1' });
    const b = await dtAdmin.exchange<Account>('POST', 'customers', { json: body, idempotencyKey: 'create-idem-1' });
    assert.deepEqual([a.status, a.replayed], [201, false]);
    assert.deepEqual([b.status, b.replayed], [201, true]);
    assert.deepEqual(b.body, a.body);
    assert.equal((await dtAdmin.listCustomers()).items.filter((c) => c.name === 'idem').length, 1, 'created once');
    await expectError(dtAdmin.request('POST', 'customers', { json: { name: 'idem2', regions: ['eu-fra'] }, idempotencyKey: 'create-idem-1' }), 422, 'IdempotencyKeyReused');
    await expectError(dtAdmin.getCustomer('idem2'), 404, 'NoSuchAccount');
    // Without the key a repeat is a second request, refused as a duplicate.
    await expectError(dtAdmin.createCustomer(body), 409, 'EntityAlreadyExists');
    // A refused request does not hold its key: a corrected retry with it proceeds.
    await expectError(dtAdmin.request('POST', ['accounts', 'idem', 'users'], { json: { name: 'first' }, idempotencyKey: 'user-1' }), 400, 'InvalidArgument', /must be an administrator/);
    const ok = await dtAdmin.exchange('POST', ['accounts', 'idem', 'users'], { json: { name: 'first', admin: true }, idempotencyKey: 'user-1' });
    assert.deepEqual([ok.status, ok.replayed], [201, false]);
    // Keys are per user: another user's same key is its own.
    const theirs = await op.exchange<Account>('POST', 'partners', { json: { name: 'idem-op', regions: ['eu-fra'] }, idempotencyKey: 'create-idem-1' });
    assert.deepEqual([theirs.status, theirs.replayed], [201, false]);
    await expectError(dtAdmin.request('POST', 'customers', { json: body, idempotencyKey: 'bad key with spaces' }), 400, 'InvalidArgument', /Idempotency-Key/);

    // A replayed key creation shows the same secret, yet the ledger never holds it in plain text.
    const k1 = await acmeBoss.exchange<NewAccessKey>('POST', ['accounts', 'acme', 'users', 'alice', 'access-keys'], { idempotencyKey: 'alice-key-7f3a9c' });
    const k2 = await acmeBoss.exchange<NewAccessKey>('POST', ['accounts', 'acme', 'users', 'alice', 'access-keys'], { idempotencyKey: 'alice-key-7f3a9c' });
    assert.deepEqual([k1.status, k2.status, k2.replayed, k2.body.secretAccessKey], [201, 201, true, k1.body.secretAccessKey]);
    const files = readdirSync(s.controlDir).filter((f) => f.startsWith('accounts.db')).map((f) => readFileSync(join(s.controlDir, f)));
    assert.ok(files.length > 0);
    for (const f of files) {
      assert.equal(f.indexOf(k1.body.secretAccessKey), -1, 'the secret is not stored in plain text');
      assert.equal(f.indexOf('alice-key-7f3a9c'), -1, 'nor the idempotency key');
    }
    await acmeBoss.deleteAccessKey(k1.body.accessKeyId);
  });

  it('authenticates bearer tokens until they expire or are deleted', async () => {
    const t = await acmeBoss.createToken(120);
    assert.ok(t.token.length >= 32);
    const bearer = s.as({ token: t.token });
    const me = await bearer.whoami();
    assert.deepEqual([me.userName, me.authentication, me.accessKeyId], ['boss', 'bearer', null]);
    // The body need not be signed with a token.
    const u = await bearer.createUser('acme', { name: 'bob' });
    assert.equal(u.name, 'bob');
    s.advance(121_000);
    await expectError(bearer.whoami(), 403, 'AccessDenied', /bearer token/);
    const t2 = await acmeBoss.createToken();
    const bearer2 = s.as({ token: t2.token });
    assert.equal((await bearer2.whoami()).userName, 'boss');
    await acmeBoss.deleteToken(t2.id);
    await expectError(bearer2.whoami(), 403, 'AccessDenied');
    await expectError(acmeBoss.deleteToken(t2.id), 404, 'NoSuchToken');
    await expectError(s.as({ token: 'not-a-token' }).whoami(), 403, 'AccessDenied');
    const malformed = await rawRequest(s.url, { method: 'GET', path: '/admin/v1/whoami', headers: { authorization: 'Bearer' } });
    assert.equal(JSON.parse(malformed.text).error.code, 'InvalidRequest');
    await expectError(acmeBoss.request('POST', 'tokens', { json: { ttlSeconds: 'long' } }), 400, 'InvalidArgument');
    await expectError(acmeBoss.createToken(5), 400, 'InvalidArgument', /ttlSeconds/);
  });

  it('disables, enables, rotates and deletes keys; a disabled or deleted key is refused', async () => {
    const { key } = await userClient(acmeBoss, 'acme', 'carol', false);
    const carol = s.as(key);
    assert.equal((await carol.whoami()).userName, 'carol');
    assert.equal((await acmeBoss.setAccessKeyStatus(key.accessKeyId, 'disabled')).status, 'disabled');
    const off = await refused(carol.whoami());
    assert.equal(off.status, 403);
    assert.ok(['InvalidAccessKeyId', 'AccessDenied'].includes(off.code), off.code);
    await acmeBoss.setAccessKeyStatus(key.accessKeyId, 'active');
    assert.equal((await carol.whoami()).userName, 'carol');

    const rotated = await acmeBoss.rotateAccessKey(key.accessKeyId);
    assert.notEqual(rotated.accessKeyId, key.accessKeyId);
    assert.equal((await s.as(rotated).whoami()).userName, 'carol');
    assert.equal((await refused(carol.whoami())).status, 403, 'the old key is disabled');
    const statuses = Object.fromEntries((await acmeBoss.listAccessKeys('acme', 'carol')).items.map((k) => [k.accessKeyId, k.status]));
    assert.deepEqual(statuses, { [key.accessKeyId]: 'disabled', [rotated.accessKeyId]: 'active' });
    const again = await acmeBoss.rotateAccessKey(rotated.accessKeyId, { deleteOld: true });
    assert.ok(!(await acmeBoss.listAccessKeys('acme', 'carol')).items.some((k) => k.accessKeyId === rotated.accessKeyId));
    await acmeBoss.deleteAccessKey(again.accessKeyId);
    await expectError(s.as(again).whoami(), 403, 'InvalidAccessKeyId');
    await expectError(acmeBoss.deleteAccessKey(again.accessKeyId), 404, 'NoSuchAccessKey');
    await acmeBoss.deleteUser('acme', 'carol');
    await expectError(acmeBoss.getUser('acme', 'carol'), 404, 'NoSuchUser');
  });

  it('updates and deletes users, policies, partners and customers', async () => {
    assert.equal((await acmeBoss.updateUser('acme', 'bob', { admin: true })).admin, true);
    assert.equal((await acmeBoss.updateUser('acme', 'bob', { status: 'suspended' })).status, 'suspended');
    await acmeBoss.deleteUser('acme', 'bob');
    await acmeBoss.deleteUserPolicy('acme', 'alice', 'readonly');
    await expectError(acmeBoss.deleteUserPolicy('acme', 'alice', 'readonly'), 404, 'NoSuchPolicy');
    const renamed = await op.updatePartner('dt', { brand: { displayName: 'DT Cloud', endpointHost: 's3.cloud.dt.example' } });
    assert.equal(renamed.brand?.endpointHost, 's3.cloud.dt.example');
    await expectError(dtAdmin.updatePartner('dt', { regions: ['eu-fra', 'eu-lon', 'eu-par'] }), 403, 'AccessDenied');
    await expectError(op.deletePartner('dt'), 409, 'Conflict', /still has accounts/);
    await dtAdmin.deleteCustomer('page-p1');
    await expectError(dtAdmin.getCustomer('page-p1'), 404, 'NoSuchAccount');
    await expectError(dtAdmin.request('PATCH', ['customers', 'acme'], { json: { status: 'gone' } }), 400, 'InvalidArgument');
  });

  it('serves residency with the hierarchy\'s rights', async () => {
    assert.deepEqual(await acmeBoss.getAccountResidency('acme'), { account: acme.id, mandatory: ['EU'] });
    assert.deepEqual(await dtAdmin.putAccountResidency('acme', ['EU', 'GB']), { account: acme.id, mandatory: ['EU', 'GB'] });
    assert.deepEqual((await op.getAccountResidency(acme.id)).mandatory, ['EU', 'GB']);
    await expectError(alice.getAccountResidency('acme'), 403, 'AccessDenied');
    // A partner's or the operator's users who are not administrators do not either (the service hides the account from them).
    const viewer = (await userClient(dtAdmin, 'dt', 'viewer', false)).client;
    await expectError(viewer.getAccountResidency('acme'), 404, 'NoSuchAccount');
    const staff = (await userClient(op, 'operator', 'staff', false)).client;
    await expectError(staff.putAccountResidency('acme', null), 404, 'NoSuchAccount');
    await expectError(dtAdmin.putAccountResidency('dt', ['EU']), 403, 'AccessDenied');
    const bucket = `acme-${Date.now()}`;
    await s.router.createBucket({ name: bucket, owner: acme.id, region: 'eu-fra' });
    assert.equal((await acmeBoss.getBucketResidency(bucket)).region, 'eu-fra');
    await expectError(alice.getBucketResidency(bucket), 403, 'AccessDenied');
    await expectError(dtAdmin.getBucketResidency(bucket), 403, 'AccessDenied');
    assert.equal((await op.getBucketResidency(bucket)).bucket, bucket);
    await expectError(staff.getBucketResidency(bucket), 403, 'AccessDenied');
  });

  it('requires SigV4 bodies to be signed but not bearer ones', async () => {
    const unsigned = await signedRequest(s.url, { method: 'POST', path: '/admin/v1/partners', body: '{"name":"u1","regions":["eu-fra"]}', payloadHash: 'UNSIGNED-PAYLOAD', headers: { 'content-type': 'application/json' } });
    assert.equal(unsigned.status, 400);
    assert.match(JSON.parse(unsigned.text).error.message, /must sign their body/);
    await expectError(op.getPartner('u1'), 404, 'NoSuchAccount');
  });
});

