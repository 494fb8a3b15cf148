/**
 * The sending side's own checks: a region hands out bytes for a copy only when the
 * residency policies allow the destination, whatever the caller checked before.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OWNER, openHarness, put, textOf, type Harness } from '../engine/embedded/harness.js';
import { versionIdGenerator } from '../engine/ids.js';
import { LocalRegion } from './local-region.js';

const newVersionId = versionIdGenerator();
import { SqliteBucketDirectory } from './sqlite-directory.js';
import { testTopology } from './test-topology.js';

describe('LocalRegion.readForCopy', () => {
  let h: Harness;
  let directory: SqliteBucketDirectory;
  let region: LocalRegion;
  const topology = testTopology();
  const entry = (name: string, regionId: string, zones: string[], owner = OWNER) =>
    directory.reserve({ name, region: regionId, owner, createdAt: new Date(), residency: { zones, explicit: true } });

  before(async () => {
    h = await openHarness();
    directory = new SqliteBucketDirectory(':memory:');
    region = new LocalRegion({ regionId: 'de-1', engine: h.engine, topology, directory });
    await h.engine.createBucket({ name: 'src-de', owner: OWNER, region: 'de-1' });
    await entry('src-de', 'de-1', ['DE']);
    await h.engine.createBucket({ name: 'src-eu', owner: OWNER, region: 'de-1' });
    await entry('src-eu', 'de-1', ['EU']);
    await h.engine.putBucketVersioning('src-eu', 'Enabled');
    await entry('dst-fr', 'fr-1', ['FR']);
    await entry('dst-de2', 'de-2', ['DE']);
    await entry('dst-eu-de', 'de-2', ['EU']);
    await put(h.engine, 'src-de', 'k', '0123456789', { tags: { a: '1' } });
    await put(h.engine, 'src-eu', 'k', '0123456789');
  });
  after(async () => {
    await directory.close();
    await h.dispose();
  });

  const read = (source: string, dest: string, extra: Partial<Parameters<LocalRegion['readForCopy']>[0]> = {}) =>
    region.readForCopy({ source: { bucket: source, key: 'k' }, requester: { accountId: OWNER }, dest: { bucket: dest }, action: 'CopyObject', ...extra });

  it('refuses to send bytes out of the source policy', async () => {
    await assert.rejects(read('src-de', 'dst-fr'), { code: 'ResidencyViolation', message: /bucket 'src-de' may live only in \[DE\]/ });
    await assert.rejects(read('src-de', 'dst-eu-de'), { code: 'ResidencyViolation', message: /would let its copy move to fr-1/ });
  });

  it('sends bytes and tags inside the border, with an optional range', async () => {
    const r = await read('src-de', 'dst-de2');
    assert.equal(await textOf(r.body), '0123456789');
    assert.deepEqual(r.tags, { a: '1' });
    const ranged = await read('src-eu', 'dst-fr', { range: { start: 2, end: 4 } });
    assert.equal(await textOf(ranged.body), '234');
    assert.deepEqual(ranged.range, { start: 2, end: 4 });
    await assert.rejects(read('src-eu', 'dst-fr', { range: { start: 2, end: 40 } }), { code: 'InvalidArgument' });
  });

  it('authorises the requester itself and serves only its own buckets', async () => {
    await assert.rejects(read('src-de', 'dst-de2', { requester: { accountId: 'someone-else' } }), { code: 'AccessDenied' });
    await assert.rejects(read('dst-fr', 'dst-de2'), { code: 'NoSuchBucket' });
    await assert.rejects(read('nope', 'dst-de2'), { code: 'NoSuchBucket' });
  });

  it('applies copy-source conditions with 412, never 304, and refuses delete markers', async () => {
    await assert.rejects(read('src-de', 'dst-de2', { conditions: { ifNoneMatch: '*' } }), { code: 'PreconditionFailed' });
    await assert.rejects(read('src-de', 'dst-de2', { conditions: { ifMatch: '"nope"' } }), { code: 'PreconditionFailed' });
    const del = await h.engine.deleteObject({ bucket: 'src-eu', key: 'k', owner: OWNER });
    assert.ok(del.versionId);
    await assert.rejects(region.readForCopy({ source: { bucket: 'src-eu', key: 'k', versionId: del.versionId! }, requester: { accountId: OWNER }, dest: { bucket: 'dst-fr' }, action: 'CopyObject' }), {
      code: 'InvalidRequest',
    });
  });
});

describe('LocalRegion.putReplica', () => {
  it('refuses to store a replica whose source policy does not allow this region', async () => {
    const h = await openHarness();
    const directory = new SqliteBucketDirectory(':memory:');
    try {
      const topology = testTopology();
      const region = new LocalRegion({ regionId: 'fr-1', engine: h.engine, topology, directory });
      await h.engine.createBucket({ name: 'dst', owner: OWNER, region: 'fr-1' });
      await h.engine.putBucketVersioning('dst', 'Enabled');
      await directory.reserve({ name: 'dst', region: 'fr-1', owner: OWNER, createdAt: new Date(), residency: { zones: ['FR'], explicit: false } });
      await directory.reserve({ name: 'src-de', region: 'de-1', owner: OWNER, createdAt: new Date(), residency: { zones: ['DE'], explicit: false } });
      await directory.reserve({ name: 'src-eu', region: 'de-1', owner: OWNER, createdAt: new Date(), residency: { zones: ['EU'], explicit: true } });
      const replica = (sourceBucket: string) => ({
        sourceBucket, destBucket: 'dst', key: 'k', versionId: newVersionId(new Date()), lastModified: new Date(), deleteMarker: true,
      });
      await assert.rejects(region.putReplica(replica('src-de')), { code: 'ResidencyViolation' });
      await assert.rejects(h.engine.headObject({ bucket: 'dst', key: 'k' }), { code: 'NoSuchKey' });
      await region.putReplica(replica('src-eu'));
      const versions = await h.engine.listObjectVersions({ bucket: 'dst', maxKeys: 10 });
      assert.equal(versions.entries.length, 1);
    } finally {
      await directory.close();
      await h.dispose();
    }
  });
});
