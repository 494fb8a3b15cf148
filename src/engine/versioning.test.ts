import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getText, openHarness, OWNER, put, type Harness } from './embedded/harness.js';
import type { StorageEngine, VersionEntry } from './types.js';

describe('engine: versioning', () => {
  let h: Harness;
  let engine: StorageEngine;
  before(async () => {
    h = await openHarness();
    engine = h.engine;
  });
  after(() => h.dispose());

  const versions = async (bucket: string, key?: string) =>
    (await engine.listObjectVersions({ bucket, maxKeys: 1000, ...(key ? { prefix: key } : {}) })).entries;
  const summary = (entries: VersionEntry[]) =>
    entries.map((e) => `${e.kind === 'deleteMarker' ? 'DM' : 'V'}:${e.key}:${e.versionId === 'null' ? 'null' : 'id'}${e.isLatest ? '*' : ''}`);

  it('Enabled: every PUT is a new version, newest first; GET by version id', async () => {
    await engine.createBucket({ name: 'ver', owner: OWNER, region: 'eu-1' });
    assert.equal((await engine.getBucket('ver')).versioning, undefined);
    const v0 = await put(engine, 'ver', 'doc', 'before versioning');
    assert.equal(v0.versionId, 'null');
    await engine.putBucketVersioning('ver', 'Enabled');
    assert.equal((await engine.getBucket('ver')).versioning, 'Enabled');
    const v1 = await put(engine, 'ver', 'doc', 'one');
    h.advance(1000);
    const v2 = await put(engine, 'ver', 'doc', 'two');
    assert.match(v1.versionId, /^[0-9a-f]{32}$/);
    assert.notEqual(v1.versionId, v2.versionId);
    assert.ok(v2.versionId < v1.versionId, 'newer version ids sort first');
    assert.equal(await getText(engine, 'ver', 'doc'), 'two');
    assert.equal(await getText(engine, 'ver', 'doc', v1.versionId), 'one');
    assert.equal(await getText(engine, 'ver', 'doc', 'null'), 'before versioning');
    const list = await versions('ver', 'doc');
    assert.deepEqual(list.map((e) => e.versionId), [v2.versionId, v1.versionId, 'null']);
    assert.deepEqual(list.map((e) => e.isLatest), [true, false, false]);
  });

  it('Enabled: DELETE adds delete markers; GET answers NoSuchKey / MethodNotAllowed with the marker header', async () => {
    const d1 = await engine.deleteObject({ bucket: 'ver', key: 'doc', owner: OWNER });
    assert.equal(d1.deleteMarker, true);
    assert.match(d1.versionId as string, /^[0-9a-f]{32}$/);
    await assert.rejects(engine.getObject({ bucket: 'ver', key: 'doc' }), (e: { code: string; headers: Record<string, string> }) => {
      assert.equal(e.code, 'NoSuchKey');
      assert.equal(e.headers['x-amz-delete-marker'], 'true');
      assert.equal(e.headers['x-amz-version-id'], d1.versionId);
      return true;
    });
    await assert.rejects(engine.getObject({ bucket: 'ver', key: 'doc', versionId: d1.versionId }), (e: { code: string; headers: Record<string, string> }) => {
      assert.equal(e.code, 'MethodNotAllowed');
      assert.equal(e.headers['x-amz-delete-marker'], 'true');
      return true;
    });
    await assert.rejects(engine.headObject({ bucket: 'ver', key: 'doc', versionId: d1.versionId }), { code: 'MethodNotAllowed' });
    const d2 = await engine.deleteObject({ bucket: 'ver', key: 'doc', owner: OWNER });
    assert.notEqual(d2.versionId, d1.versionId);
    assert.deepEqual(summary(await versions('ver', 'doc')), ['DM:doc:id*', 'DM:doc:id', 'V:doc:id', 'V:doc:id', 'V:doc:null']);
    const listed = await engine.listObjects({ bucket: 'ver', maxKeys: 100 });
    assert.equal(listed.objects.length, 0);
    await assert.rejects(engine.deleteBucket('ver'), { code: 'BucketNotEmpty' });
  });

  it('deleting a specific version is permanent and promotes the next newest', async () => {
    const [dm2, dm1, v2] = (await versions('ver', 'doc')) as VersionEntry[];
    const r1 = await engine.deleteObject({ bucket: 'ver', key: 'doc', owner: OWNER, versionId: dm2?.versionId });
    assert.deepEqual(r1, { versionId: dm2?.versionId, deleteMarker: true });
    await engine.deleteObject({ bucket: 'ver', key: 'doc', owner: OWNER, versionId: dm1?.versionId });
    assert.equal(await getText(engine, 'ver', 'doc'), 'two');
    const r2 = await engine.deleteObject({ bucket: 'ver', key: 'doc', owner: OWNER, versionId: v2?.versionId });
    assert.deepEqual(r2, { versionId: v2?.versionId, deleteMarker: false });
    assert.equal(await getText(engine, 'ver', 'doc'), 'one');
    assert.deepEqual(summary(await versions('ver', 'doc')), ['V:doc:id*', 'V:doc:null']);
    // Unknown but well-formed versions delete idempotently; malformed ids are refused.
    await engine.deleteObject({ bucket: 'ver', key: 'doc', owner: OWNER, versionId: v2?.versionId });
    await assert.rejects(engine.deleteObject({ bucket: 'ver', key: 'doc', owner: OWNER, versionId: 'bogus' }), { code: 'InvalidArgument' });
    await assert.rejects(engine.getObject({ bucket: 'ver', key: 'doc', versionId: 'bogus' }), { code: 'InvalidArgument' });
    await assert.rejects(engine.getObject({ bucket: 'ver', key: 'doc', versionId: v2?.versionId }), { code: 'NoSuchVersion' });
  });

  it('Suspended: PUT replaces the null version wherever it is; DELETE writes a null delete marker', async () => {
    await engine.putBucketVersioning('ver', 'Suspended');
    const before = (await h.counts()).blobs;
    const w = await put(engine, 'ver', 'doc', 'suspended write');
    assert.equal(w.versionId, 'null');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await h.counts()).blobs, before, 'the old null version bytes were freed');
    assert.deepEqual(summary(await versions('ver', 'doc')), ['V:doc:null*', 'V:doc:id']);
    assert.equal(await getText(engine, 'ver', 'doc'), 'suspended write');
    const d = await engine.deleteObject({ bucket: 'ver', key: 'doc', owner: OWNER });
    assert.deepEqual(d, { versionId: 'null', deleteMarker: true });
    assert.deepEqual(summary(await versions('ver', 'doc')), ['DM:doc:null*', 'V:doc:id']);
    await put(engine, 'ver', 'doc', 'back');
    assert.deepEqual(summary(await versions('ver', 'doc')), ['V:doc:null*', 'V:doc:id']);
    await engine.putBucketVersioning('ver', 'Enabled');
    await put(engine, 'ver', 'doc', 'enabled again');
    assert.deepEqual(summary(await versions('ver', 'doc')), ['V:doc:id*', 'V:doc:null', 'V:doc:id']);
  });

  it('tagging addresses versions independently', async () => {
    const [latest, nullVersion] = (await versions('ver', 'doc')) as VersionEntry[];
    await engine.putObjectTagging({ bucket: 'ver', key: 'doc', versionId: 'null', tags: { old: 'yes' } });
    assert.deepEqual(await engine.getObjectTagging({ bucket: 'ver', key: 'doc', versionId: nullVersion?.versionId }), {
      versionId: 'null',
      tags: { old: 'yes' },
    });
    assert.deepEqual((await engine.getObjectTagging({ bucket: 'ver', key: 'doc' })).tags, {});
    const r = await engine.putObjectTagging({ bucket: 'ver', key: 'doc', tags: { new: 'yes' } });
    assert.equal(r.versionId, latest?.versionId);
    await engine.deleteObjectTagging({ bucket: 'ver', key: 'doc', versionId: 'null' });
    assert.deepEqual((await engine.getObjectTagging({ bucket: 'ver', key: 'doc', versionId: 'null' })).tags, {});
  });

  it('listObjectVersions pages with key and version-id markers and groups by delimiter', async () => {
    await engine.createBucket({ name: 'vl', owner: OWNER, region: 'eu-1' });
    await engine.putBucketVersioning('vl', 'Enabled');
    const expected: string[] = [];
    for (const key of ['a/1', 'a/2', 'b', 'c/x/y']) {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.unshift((await put(engine, 'vl', key, `${key}#${i}`)).versionId);
      const dm = await engine.deleteObject({ bucket: 'vl', key, owner: OWNER });
      expected.push(`${key}@${dm.versionId}`, ...ids.map((id) => `${key}@${id}`));
    }
    const seen: string[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const r = await engine.listObjectVersions({ bucket: 'vl', maxKeys: 3, ...(keyMarker ? { keyMarker } : {}), ...(versionIdMarker ? { versionIdMarker } : {}) });
      seen.push(...r.entries.map((e) => `${e.key}@${e.versionId}`));
      if (!r.isTruncated) break;
      keyMarker = r.nextKeyMarker;
      versionIdMarker = r.nextVersionIdMarker;
    }
    assert.deepEqual(seen, expected);
    const grouped = await engine.listObjectVersions({ bucket: 'vl', delimiter: '/', maxKeys: 1000 });
    assert.deepEqual(grouped.commonPrefixes, ['a/', 'c/']);
    assert.deepEqual(new Set(grouped.entries.map((e) => e.key)), new Set(['b']));
    const page1 = await engine.listObjectVersions({ bucket: 'vl', delimiter: '/', maxKeys: 1 });
    assert.deepEqual(page1.commonPrefixes, ['a/']);
    assert.equal(page1.nextKeyMarker, 'a/');
    assert.equal(page1.nextVersionIdMarker, undefined);
    const page2 = await engine.listObjectVersions({ bucket: 'vl', delimiter: '/', maxKeys: 1, keyMarker: 'a/' });
    assert.equal(page2.entries[0]?.key, 'b');
    await assert.rejects(engine.listObjectVersions({ bucket: 'vl', maxKeys: 1, versionIdMarker: 'null' }), { code: 'InvalidArgument' });
    await assert.rejects(engine.listObjectVersions({ bucket: 'nope', maxKeys: 1 }), { code: 'NoSuchBucket' });
  });

  it('a bucket empties only when every version and marker is gone', async () => {
    for (const e of await versions('vl')) await engine.deleteObject({ bucket: 'vl', key: e.key, owner: OWNER, versionId: e.versionId });
    await engine.deleteBucket('vl');
    await assert.rejects(engine.getBucket('vl'), { code: 'NoSuchBucket' });
  });
});
