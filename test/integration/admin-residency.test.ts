/**
 * The admin API's regions and residency resources over real HTTP with SigV4, and the
 * mandatory account policy they set taking effect on the S3 API.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { failure, startTestServer, uniqueBucket, type TestServer } from './harness.js';
import { rawRequest, signedRequest } from './raw-http.js';
import { OPERATOR_ACCOUNT_ID } from '../../src/tenancy/model.js';

describe('admin API: regions and residency', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    await s.stop();
  });

  const call = async (method: string, target: string, body?: unknown) => {
    const [path, qs] = target.split('?');
    const query = Object.fromEntries(new URLSearchParams(qs ?? ''));
    const r = await signedRequest(s.url, {
      method, path: `/admin/v1/${path}`, query,
      ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    return { status: r.status, json: JSON.parse(r.text) as Record<string, any> };
  };

  it('lists the regions of the topology with their zones', async () => {
    const r = await call('GET', 'regions');
    assert.equal(r.status, 200);
    assert.equal(r.json['defaultRegion'], 'eu-fra');
    const ids = (r.json['regions'] as { id: string; zones: string[] }[]).map((x) => `${x.id}:${x.zones.join('+')}`);
    assert.deepEqual(ids, ['eu-fra:DE+EU+EEA', 'eu-lon:GB', 'eu-par:FR+EU+EEA', 'ap-bom:IN', 'cn-hgh:CN']);
  });

  it('recommends the nearest region a policy allows', async () => {
    const fromLondon = await call('GET', 'regions/nearest?zones=EU&from=eu-lon');
    assert.equal(fromLondon.status, 200);
    assert.ok(['eu-fra', 'eu-par'].includes(fromLondon.json['recommended']));
    assert.deepEqual((fromLondon.json['candidates'] as { region: string }[]).map((c) => c.region).sort(), ['eu-fra', 'eu-par']);
    const measured = await call('GET', 'regions/nearest?zones=EU&rtt=eu-fra%3D30%2Ceu-par%3D8');
    assert.equal(measured.json['recommended'], 'eu-par');
    assert.equal(measured.json['candidates'][0].basis, 'measured');
    const mumbai = await call('GET', 'regions/nearest?location=19.07%2C72.88');
    assert.equal(mumbai.json['recommended'], 'ap-bom');
    const none = await call('GET', 'regions/nearest?zones=EU&location=19.07%2C72.88&from=eu-lon');
    assert.equal(none.status, 400);
    const badZone = await call('GET', 'regions/nearest?zones=ATLANTIS&from=eu-lon');
    assert.equal(badZone.json['error'].code, 'InvalidArgument');
  });

  it('publishes its OpenAPI document without authentication, and nothing else', async () => {
    const doc = await rawRequest(s.url, { method: 'GET', path: '/admin/v1/openapi.json' });
    assert.equal(doc.status, 200);
    assert.equal(JSON.parse(doc.text).openapi, '3.1.0');
    const anon = await rawRequest(s.url, { method: 'GET', path: '/admin/v1/regions' });
    assert.equal(anon.status, 403);
    assert.equal(JSON.parse(anon.text).error.code, 'AccessDenied');
    const forged = await signedRequest(s.url, { method: 'GET', path: '/admin/v1/regions', secretAccessKey: 'not-the-secret-at-all' });
    assert.equal(JSON.parse(forged.text).error.code, 'SignatureDoesNotMatch');
    const wrongRegion = await signedRequest(s.url, { method: 'GET', path: '/admin/v1/regions', region: 'mars-1' });
    assert.equal(wrongRegion.status, 400);
    assert.equal(JSON.parse(wrongRegion.text).error.code, 'AuthorizationHeaderMalformed');
    assert.equal((await signedRequest(s.url, { method: 'GET', path: '/admin/v1/regions', region: 'us-east-1' })).status, 200);
  });

  it('reads and sets a bucket\'s residency policy', async () => {
    const b = uniqueBucket('adm');
    await s.client.send(new CreateBucketCommand({ Bucket: b }));
    const before = await call('GET', `buckets/${b}/residency`);
    assert.deepEqual(before.json, { bucket: b, region: 'eu-fra', zones: ['DE'], explicit: false, allowedRegions: ['eu-fra'] });
    const widened = await call('PUT', `buckets/${b}/residency`, { zones: ['EU'] });
    assert.equal(widened.status, 200);
    assert.deepEqual(widened.json['allowedRegions'], ['eu-fra', 'eu-par']);
    const bad = await call('PUT', `buckets/${b}/residency`, { zones: ['EU', 'NOWHERE'] });
    assert.equal(bad.status, 400);
    assert.equal(bad.json['error'].code, 'InvalidArgument');
    assert.match(bad.json['error'].message, /Unknown zone NOWHERE/);
    const outside = await call('PUT', `buckets/${b}/residency`, { zones: ['GB'] });
    assert.equal(outside.status, 403);
    assert.equal(outside.json['error'].code, 'ResidencyViolation');
    const reset = await call('PUT', `buckets/${b}/residency`, { zones: null });
    assert.deepEqual(reset.json['zones'], ['DE']);
    assert.equal((await call('GET', `buckets/missing-${b}/residency`)).json['error'].code, 'NoSuchBucket');
  });

  it('refuses malformed and unsigned bodies', async () => {
    const b = uniqueBucket('adm');
    await s.client.send(new CreateBucketCommand({ Bucket: b }));
    const notJson = await signedRequest(s.url, { method: 'PUT', path: `/admin/v1/buckets/${b}/residency`, body: '{zones: EU' });
    assert.equal(notJson.status, 400);
    assert.match(JSON.parse(notJson.text).error.message, /not valid JSON/);
    const wrongShape = await call('PUT', `buckets/${b}/residency`, { zones: 'EU' });
    assert.match(wrongShape.json['error'].message, /"zones" must be a list/);
    const unsigned = await signedRequest(s.url, { method: 'PUT', path: `/admin/v1/buckets/${b}/residency`, body: '{"zones":["EU"]}', payloadHash: 'UNSIGNED-PAYLOAD' });
    assert.equal(unsigned.status, 400);
    assert.match(JSON.parse(unsigned.text).error.message, /must sign their body/);
    assert.deepEqual((await call('GET', `buckets/${b}/residency`)).json['zones'], ['DE'], 'unchanged');
    const method = await call('DELETE', 'regions');
    assert.equal(method.status, 405);
    const nowhere = await call('GET', 'no-such-resource');
    assert.equal(nowhere.status, 400);
    assert.match(nowhere.json['error'].message, /No admin API resource at \/admin\/v1\/no-such-resource; see \/admin\/v1\/openapi\.json/);
  });

  it('sets an account\'s mandatory policy, refusing one its buckets already break', async () => {
    const gb = uniqueBucket('gb');
    await s.client.send(new CreateBucketCommand({ Bucket: gb, CreateBucketConfiguration: { LocationConstraint: 'eu-lon' as BucketLocationConstraint } }));
    const refused = await call('PUT', 'accounts/operator/residency', { zones: ['EU'] });
    assert.equal(refused.status, 403);
    assert.match(refused.json['error'].message, new RegExp(`existing buckets: ${gb} \\(eu-lon, \\[GB\\]\\)`));
    const ok = await call('PUT', 'accounts/operator/residency', { zones: ['EU', 'GB'] });
    assert.deepEqual(ok.json, { account: OPERATOR_ACCOUNT_ID, mandatory: ['EU', 'GB'] });
    const f = await failure(s.client.send(new CreateBucketCommand({ Bucket: uniqueBucket('in'), CreateBucketConfiguration: { LocationConstraint: 'ap-bom' as BucketLocationConstraint } })));
    assert.equal(f.code, 'AccessDenied');
    assert.deepEqual((await call('PUT', 'accounts/operator/residency', { zones: null })).json, { account: OPERATOR_ACCOUNT_ID, mandatory: null });
    assert.deepEqual((await call('GET', 'accounts/operator/residency')).json, { account: OPERATOR_ACCOUNT_ID, mandatory: null });
  });

  it('refuses the reserved bucket name that would shadow the admin API', async () => {
    assert.equal((await failure(s.client.send(new CreateBucketCommand({ Bucket: 'admin' })))).code, 'InvalidBucketName');
  });
});
