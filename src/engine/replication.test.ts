import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { openEmbeddedStorage } from './embedded/open-embedded-storage.js';
import { body, getText, openHarness, OWNER, put, textOf, type Harness } from './embedded/harness.js';
import type { RegionEngine, ReplicationConfig } from './types.js';

const config = (rules: Partial<ReplicationConfig['rules'][number]>[]): ReplicationConfig => ({
  role: 'arn:aws:iam::123456789012:role/replication',
  rules: rules.map((r, i) => ({
    id: `rule-${i}`,
    priority: i,
    status: 'Enabled',
    prefix: '',
    destinationBucket: 'dst',
    deleteMarkerReplication: true,
    ...r,
  })),
});

const FAR = new Date(Date.UTC(2030, 0, 1));

describe('engine: replication outbox and replicas', () => {
  let h: Harness;
  let engine: RegionEngine;
  before(async () => {
    h = await openHarness();
    engine = h.engine;
    await engine.createBucket({ name: 'src', owner: OWNER, region: 'eu-1' });
    await engine.createBucket({ name: 'dst', owner: OWNER, region: 'eu-1' });
    await engine.putBucketVersioning('dst', 'Enabled');
  });
  after(() => h.dispose());

  const status = async (bucket: string, key: string, versionId?: string) =>
    (await engine.headObject({ bucket, key, ...(versionId ? { versionId } : {}) })).info.replicationStatus;

  it('configuration needs versioning Enabled, round-trips, and blocks suspending versioning', async () => {
    const cfg = config([{ prefix: 'logs/' }]);
    await assert.rejects(engine.putBucketReplication('src', cfg), {
      code: 'InvalidRequest',
      message: "Versioning must be 'Enabled' on the bucket to apply a replication configuration",
    });
    await assert.rejects(engine.putBucketReplication('nope', cfg), { code: 'NoSuchBucket' });
    assert.equal(await engine.getBucketReplication('src'), undefined);
    const before = await put(engine, 'src', 'logs/old', 'written before the rule');
    await engine.putBucketVersioning('src', 'Enabled');
    await engine.putBucketReplication('src', cfg);
    assert.deepEqual(await engine.getBucketReplication('src'), cfg);
    await assert.rejects(engine.putBucketVersioning('src', 'Suspended'), { code: 'InvalidRequest' });
    // Only writes after the rule exists are replicated.
    assert.equal(await status('src', 'logs/old', before.versionId), undefined);
    assert.deepEqual(await engine.claimReplicationTasks(10, FAR), []);
  });

  it('a matching write queues a task in its own transaction and is PENDING; others get no status', async () => {
    const w = await put(engine, 'src', 'logs/a', 'hello');
    const other = await put(engine, 'src', 'data/x', 'not replicated');
    assert.equal(await status('src', 'logs/a'), 'PENDING');
    assert.equal(await status('src', 'data/x', other.versionId), undefined);
    assert.deepEqual(await engine.replicationBacklog(FAR), { queued: 1, due: 1 });
    // A write whose transaction fails queues nothing: task and version commit together.
    await assert.rejects(put(engine, 'src', 'logs/a', 'refused', { conditions: { ifNoneMatch: '*' } }), { code: 'PreconditionFailed' });
    assert.deepEqual(await engine.replicationBacklog(FAR), { queued: 1, due: 1 });
    const [task, ...rest] = await engine.claimReplicationTasks(10, FAR);
    assert.equal(rest.length, 0);
    assert.deepEqual({ ...task, id: 0 }, {
      id: 0,
      bucket: 'src',
      key: 'logs/a',
      versionId: w.versionId,
      deleteMarker: false,
      destinationBucket: 'dst',
      ruleId: 'rule-0',
      attempts: 1,
      enqueuedAt: w.lastModified,
    });
    // Leased: not claimable again until the lease ends, then claimable with one more attempt.
    assert.deepEqual(await engine.claimReplicationTasks(10, FAR, 1000), []);
    const again = await engine.claimReplicationTasks(10, new Date(FAR.getTime() + 60_001), 1000);
    assert.equal(again[0]?.id, task?.id);
    assert.equal(again[0]?.attempts, 2);
    await engine.finishReplicationTask(task!.id, { retryAt: new Date(FAR.getTime() + 120_000), error: 'Unavailable: try later' });
    assert.deepEqual(await engine.claimReplicationTasks(10, new Date(FAR.getTime() + 119_000)), []);
    assert.equal(await status('src', 'logs/a'), 'PENDING');
    const third = await engine.claimReplicationTasks(10, new Date(FAR.getTime() + 120_000));
    assert.equal(third[0]?.attempts, 3);
    await engine.finishReplicationTask(task!.id, { status: 'COMPLETED' });
    assert.equal(await status('src', 'logs/a'), 'COMPLETED');
    assert.deepEqual(await engine.replicationBacklog(FAR), { queued: 0, due: 0 });
    // Finishing twice (a peer whose lease had expired) is harmless.
    await engine.finishReplicationTask(task!.id, { status: 'FAILED', error: 'late' });
    assert.equal(await status('src', 'logs/a'), 'COMPLETED');
  });

  it('delete markers are queued only where DeleteMarkerReplication is on; version deletes never', async () => {
    const d = await engine.deleteObject({ bucket: 'src', key: 'logs/a', owner: OWNER });
    const [task] = await engine.claimReplicationTasks(10, FAR);
    assert.equal(task?.deleteMarker, true);
    assert.equal(task?.versionId, d.versionId);
    await engine.finishReplicationTask(task!.id, { status: 'COMPLETED' });
    await engine.deleteObject({ bucket: 'src', key: 'logs/a', owner: OWNER, versionId: d.versionId });
    assert.deepEqual(await engine.replicationBacklog(FAR), { queued: 0, due: 0 });

    await engine.putBucketReplication('src', config([{ prefix: 'logs/', deleteMarkerReplication: false }]));
    await engine.deleteObject({ bucket: 'src', key: 'logs/a', owner: OWNER });
    assert.deepEqual(await engine.replicationBacklog(FAR), { queued: 0, due: 0 });
  });

  it('disabled rules match nothing; one task per destination (highest priority); status waits for all', async () => {
    await engine.createBucket({ name: 'dst2', owner: OWNER, region: 'eu-1' });
    await engine.putBucketReplication(
      'src',
      config([
        { prefix: 'x', status: 'Disabled' },
        { prefix: 'm/', destinationBucket: 'dst', priority: 1 },
        { id: 'wins', prefix: 'm/deep', destinationBucket: 'dst', priority: 5 },
        { prefix: 'm/', destinationBucket: 'dst2', priority: 2 },
      ]),
    );
    await put(engine, 'src', 'x1', 'disabled rule');
    assert.equal(await status('src', 'x1'), undefined);
    const w = await put(engine, 'src', 'm/deep/k', 'two destinations');
    const tasks = await engine.claimReplicationTasks(10, FAR);
    assert.deepEqual(tasks.map((t) => `${t.destinationBucket}:${t.ruleId}`).sort(), ['dst2:rule-3', 'dst:wins']);
    const [a, b] = tasks;
    await engine.finishReplicationTask(a!.id, { status: 'COMPLETED' });
    assert.equal(await status('src', 'm/deep/k', w.versionId), 'PENDING');
    await engine.finishReplicationTask(b!.id, { status: 'COMPLETED' });
    assert.equal(await status('src', 'm/deep/k', w.versionId), 'COMPLETED');

    const w2 = await put(engine, 'src', 'm/deep/k', 'one fails');
    const [c, d] = await engine.claimReplicationTasks(10, FAR);
    await engine.finishReplicationTask(c!.id, { status: 'FAILED', error: 'NoSuchBucket' });
    assert.equal(await status('src', 'm/deep/k', w2.versionId), 'FAILED');
    await engine.finishReplicationTask(d!.id, { status: 'COMPLETED' });
    assert.equal(await status('src', 'm/deep/k', w2.versionId), 'FAILED', 'one permanent failure makes the version FAILED');
  });

  it("a key's versions are handed out in order: a later one waits while an earlier one is queued", async () => {
    await engine.putBucketReplication('src', config([{ prefix: 'o/' }]));
    const v1 = await put(engine, 'src', 'o/k', 'one');
    const v2 = await put(engine, 'src', 'o/k', 'two');
    await put(engine, 'src', 'o/other', 'independent');
    const first = await engine.claimReplicationTasks(10, FAR, 1000);
    assert.deepEqual(first.map((t) => t.key).sort(), ['o/k', 'o/other']);
    assert.equal(first.find((t) => t.key === 'o/k')?.versionId, v1.versionId);
    for (const t of first) await engine.finishReplicationTask(t.id, { status: 'COMPLETED' });
    const second = await engine.claimReplicationTasks(10, FAR);
    assert.deepEqual(second.map((t) => t.versionId), [v2.versionId]);
    // The version was deleted meanwhile: finishing just drops the task.
    await engine.deleteObject({ bucket: 'src', key: 'o/k', owner: OWNER, versionId: v2.versionId });
    await engine.finishReplicationTask(second[0]!.id, { status: 'COMPLETED' });
    assert.deepEqual(await engine.replicationBacklog(FAR), { queued: 0, due: 0 });
  });

  it('multipart completions and copies are queued like puts', async () => {
    const up = await engine.createMultipartUpload({ bucket: 'src', key: 'o/mp', owner: OWNER, headers: { userMetadata: {} } });
    const p1 = await engine.uploadPart({ bucket: 'src', key: 'o/mp', uploadId: up.uploadId, partNumber: 1, body: body('part'), claims: {} });
    await engine.completeMultipartUpload({ bucket: 'src', key: 'o/mp', uploadId: up.uploadId, parts: [{ partNumber: 1, etag: p1.etag }] });
    await engine.copyObject({
      source: { bucket: 'src', key: 'o/mp' },
      dest: { bucket: 'src', key: 'o/copy' },
      owner: OWNER,
      metadataDirective: 'COPY',
      taggingDirective: 'COPY',
    });
    assert.equal(await status('src', 'o/mp'), 'PENDING');
    assert.equal(await status('src', 'o/copy'), 'PENDING');
    const tasks = await engine.claimReplicationTasks(10, FAR);
    assert.deepEqual(tasks.map((t) => t.key).sort(), ['o/copy', 'o/mp']);
    for (const t of tasks) await engine.finishReplicationTask(t.id, { status: 'COMPLETED' });
  });

  it('putReplica keeps version id and lastModified, is REPLICA, idempotent, never queued', async () => {
    await engine.putBucketReplication('dst', { role: 'r', rules: config([{ destinationBucket: 'src' }]).rules });
    const data = 'replicated bytes';
    const md5 = createHash('md5').update(data).digest('hex');
    const versionId = 'f'.repeat(16) + '0'.repeat(16);
    const lastModified = new Date(Date.UTC(2024, 5, 1));
    const input = {
      destBucket: 'dst',
      key: 'r/k',
      versionId,
      lastModified,
      deleteMarker: false,
      headers: { contentType: 'text/plain', userMetadata: { a: '1' } },
      tags: { t: 'v' },
      etag: `"${md5}"`,
      size: data.length,
    };
    await engine.putReplica({ ...input, body: body(data) });
    const got = await engine.getObject({ bucket: 'dst', key: 'r/k' });
    assert.equal(await textOf(got.body), data);
    assert.equal(got.info.versionId, versionId);
    assert.deepEqual(got.info.lastModified, lastModified);
    assert.equal(got.info.replicationStatus, 'REPLICA');
    assert.equal(got.info.etag, `"${md5}"`);
    assert.deepEqual(got.info.headers, input.headers);
    assert.deepEqual((await engine.getObjectTagging({ bucket: 'dst', key: 'r/k' })).tags, { t: 'v' });
    // Same version again, even with other bytes: a no-op success.
    await engine.putReplica({ ...input, body: body('something else!!') });
    assert.equal(await getText(engine, 'dst', 'r/k'), data);
    const entries = (await engine.listObjectVersions({ bucket: 'dst', prefix: 'r/', maxKeys: 10 })).entries;
    assert.equal(entries.length, 1);
    // The destination's own rule does not re-queue replicas.
    assert.deepEqual(await engine.replicationBacklog(FAR), { queued: 0, due: 0 });

    const dmId = 'e'.repeat(16) + '0'.repeat(16);
    await engine.putReplica({ destBucket: 'dst', key: 'r/k', versionId: dmId, lastModified, deleteMarker: true });
    await engine.putReplica({ destBucket: 'dst', key: 'r/k', versionId: dmId, lastModified, deleteMarker: true });
    const after = (await engine.listObjectVersions({ bucket: 'dst', prefix: 'r/', maxKeys: 10 })).entries;
    assert.deepEqual(after.map((e) => `${e.kind}:${e.versionId === dmId}:${e.isLatest}`), ['deleteMarker:true:true', 'version:false:false']);
    assert.deepEqual(await engine.replicationBacklog(FAR), { queued: 0, due: 0 });
    await engine.putBucketReplication('dst', null);
  });

  it('putReplica refuses bytes that do not match etag, checksum or size, storing nothing', async () => {
    const blobsBefore = (await h.counts()).blobs;
    const base = { destBucket: 'dst', key: 'bad', lastModified: new Date(), deleteMarker: false };
    const etag = `"${createHash('md5').update('good').digest('hex')}"`;
    await assert.rejects(engine.putReplica({ ...base, versionId: 'a'.repeat(32), etag, size: 4, body: body('evil') }), { code: 'BadDigest' });
    const crc = { algorithm: 'CRC32' as const, type: 'FULL_OBJECT' as const, value: 'AAAAAA==' };
    await assert.rejects(engine.putReplica({ ...base, versionId: 'b'.repeat(32), etag: '"x-2"', checksum: crc, size: 4, body: body('good') }), {
      code: 'BadDigest',
    });
    await assert.rejects(engine.putReplica({ ...base, versionId: 'c'.repeat(32), etag, size: 5, body: body('good') }), { code: 'IncompleteBody' });
    await assert.rejects(engine.headObject({ bucket: 'dst', key: 'bad' }), { code: 'NoSuchKey' });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await h.counts()).blobs, blobsBefore);
    await assert.rejects(engine.putReplica({ ...base, destBucket: 'src2', versionId: 'd'.repeat(32), size: 0, body: body('') }), { code: 'NoSuchBucket' });
  });

  it('replicas need a versioned destination', async () => {
    await engine.createBucket({ name: 'plain', owner: OWNER, region: 'eu-1' });
    await assert.rejects(
      engine.putReplica({ destBucket: 'plain', key: 'k', versionId: 'a'.repeat(32), lastModified: new Date(), deleteMarker: true }),
      { code: 'InvalidRequest' },
    );
  });
});

describe('engine: replication tasks survive a restart', () => {
  it('a committed version keeps its task across close and reopen', async () => {
    const h = await openHarness();
    try {
      const e = h.engine;
      await e.createBucket({ name: 'src', owner: OWNER, region: 'eu-1' });
      await e.putBucketVersioning('src', 'Enabled');
      await e.putBucketReplication('src', config([{}]));
      const w = await put(e, 'src', 'k', 'durable');
      // Claimed (leased) by a worker that then crashes: the lease runs out after the restart.
      await e.claimReplicationTasks(10, FAR, 5000);
      await e.close();
      const reopened = await openEmbeddedStorage({ dataDir: h.dir, fsync: false });
      try {
        assert.equal((await reopened.engine.headObject({ bucket: 'src', key: 'k' })).info.replicationStatus, 'PENDING');
        assert.deepEqual(await reopened.engine.claimReplicationTasks(10, FAR), []);
        const [task] = await reopened.engine.claimReplicationTasks(10, new Date(FAR.getTime() + 5000));
        assert.equal(task?.versionId, w.versionId);
        assert.equal(task?.attempts, 2);
      } finally {
        await reopened.engine.close();
      }
    } finally {
      await h.dispose();
    }
  });

  it('two processes sharing one store never claim the same task', async () => {
    const h = await openHarness();
    try {
      const e = h.engine;
      await e.createBucket({ name: 'src', owner: OWNER, region: 'eu-1' });
      await e.putBucketVersioning('src', 'Enabled');
      await e.putBucketReplication('src', config([{}]));
      for (let i = 0; i < 40; i++) await put(e, 'src', `k${i}`, `v${i}`);
      const peer = (await h.openPeer()).engine;
      const seen = new Set<number>();
      const claimers = [e, peer, e, peer].map(async (eng) => {
        for (;;) {
          const got = await eng.claimReplicationTasks(3, FAR);
          if (got.length === 0) return;
          for (const t of got) {
            assert.ok(!seen.has(t.id), `task ${t.id} claimed twice`);
            seen.add(t.id);
          }
        }
      });
      await Promise.all(claimers);
      assert.equal(seen.size, 40);
    } finally {
      await h.dispose();
    }
  });
});
