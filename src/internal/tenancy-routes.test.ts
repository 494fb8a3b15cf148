/**
 * The control plane's tenancy routes as a region node uses them, over the real account store:
 * a region node gets the principal and the signing key for one S3 scope, never the secret.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deriveSigningKey } from '../s3/auth/signing-key.js';
import { StoreAccessRecorder, StoreAccountDirectory } from '../tenancy/index.js';
import { directoryResidency, makeHierarchy, makeWorld, type World } from '../tenancy/test-support.js';
import { tenancyRoute, type TenancyRouteDeps } from './tenancy-routes.js';

let w: World;
let deps: TenancyRouteDeps;
beforeEach(async () => {
  w = await makeWorld();
  deps = { credentials: w.resolver, accounts: new StoreAccountDirectory({ store: w.store, residency: directoryResidency(w.directory) }), recorder: new StoreAccessRecorder({ store: w.store }) };
});
afterEach(() => w.dispose());

const scope = { date: '20261123', region: 'eu-fra', service: 's3' };

describe('tenancy routes of the control plane', () => {
  it('hand out the principal and the day\'s signing key for S3, never the secret', async () => {
    const h = await makeHierarchy(w);
    const user = await w.svc.createUser(h.custAdminA, h.customerA.id, { name: 'carol' });
    const key = await w.svc.createAccessKey(h.custAdminA, user.id);
    const out = await tenancyRoute(deps, 'POST', ['credentials'], async () => ({ accessKeyId: key.accessKeyId, scope }));
    const body = out?.json as { found: boolean; disabled: boolean; signingKey: string; principal: { userArn: string; accountId: string } };
    assert.equal(out?.status, 200);
    assert.equal(body.found, true);
    assert.equal(body.disabled, false);
    assert.equal(body.principal.userArn, user.arn);
    assert.equal(body.signingKey, deriveSigningKey(key.secretAccessKey, scope.date, scope.region, 's3').toString('base64'));
    assert.ok(!JSON.stringify(body).includes(key.secretAccessKey), 'the secret itself never leaves');
    assert.deepEqual((await tenancyRoute(deps, 'POST', ['credentials'], async () => ({ accessKeyId: 'SVNOSUCHKEY00000000', scope })))?.json, { found: false });
  });

  it('refuse keys for any service other than s3, and malformed scopes', async () => {
    await assert.rejects(tenancyRoute(deps, 'POST', ['credentials'], async () => ({ accessKeyId: w.root.accessKeyId, scope: { ...scope, service: 'sovra-internal' } })), { code: 'AccessDenied' });
    await assert.rejects(tenancyRoute(deps, 'POST', ['credentials'], async () => ({ accessKeyId: w.root.accessKeyId, scope: { ...scope, date: '2026-11-23' } })), { code: 'InvalidRequest' });
    await assert.rejects(tenancyRoute(deps, 'POST', ['credentials'], async () => ({ scope })), { code: 'InvalidRequest' });
  });

  it('answer accounts, record sovereignty events without keys, and ignore unknown routes', async () => {
    const h = await makeHierarchy(w);
    const acct = (await tenancyRoute(deps, 'GET', ['accounts', h.customerA.id], async () => null))?.json as { account: { name: string } };
    assert.equal(acct.account.name, 'acme');
    assert.deepEqual((await tenancyRoute(deps, 'GET', ['accounts', '999999999999'], async () => null))?.json, { account: null });
    const recorded = await tenancyRoute(deps, 'POST', ['access-events'], async () => ({
      kind: 'use', ownerAccountId: h.customerA.id, principalAccountId: h.partnerA.id, bucket: 'b', action: 's3:GetObject', key: 'secret/object/key',
    }));
    assert.equal(recorded?.status, 204);
    const events = await w.svc.listAccessEvents(h.custAdminA, h.customerA.id, {});
    const use = events.items.find((e) => e.kind === 'use');
    assert.equal(use?.action, 's3:GetObject');
    assert.ok(!JSON.stringify(events).includes('secret/object/key'));
    await assert.rejects(tenancyRoute(deps, 'POST', ['access-events'], async () => ({ kind: 'peek' })), { code: 'InvalidRequest' });
    assert.equal(await tenancyRoute(deps, 'DELETE', ['accounts', h.customerA.id], async () => null), undefined);
  });
});
