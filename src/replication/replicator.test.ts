/**
 * The replicator over two real embedded storages (source and destination regions). The
 * destination RegionAccess is a thin test implementation over the destination engine's
 * putReplica that can be told to fail its next N sends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fail } from '../core/errors.js';
import { openEmbeddedStorage } from '../engine/embedded/open-embedded-storage.js';
import { getText, openHarness, OWNER, put, type Harness } from '../engine/embedded/harness.js';
import type { RegionEngine, ReplicationConfig } from '../engine/types.js';
import type { RegionAccess } from '../placement/ports.js';
import { startReplicator, type Replicator, type ReplicatorDeps } from './replicator.js';

const realClock = () => new Date();

function regionOver(engine: RegionEngine, failures: { next: number; code?: 'Unavailable' | 'AccessDenied' }) {
  const sent: string[] = [];
  const region: RegionAccess = {
    regionId: 'dest-region',
    local: true,
    readForCopy: () => Promise.reject(fail('NotImplemented', 'not used by replication')),
    async putReplica(input) {
      sent.push(`${input.sourceBucket}->${input.destBucket}:${input.key}`);
      if (failures.next > 0) {
        failures.next--;
        input.body?.destroy();
        throw fail(failures.code ?? 'Unavailable', 'destination region unreachable (test)');
      }
      const { sourceBucket: _source, ...write } = input;
      await engine.putReplica(write);
    },
    usageByOwner: (owner) => engine.usageByOwner(owner),
    recordUsage: (batch) => engine.recordUsage(batch),
    readUsage: (q) => engine.readUsage(q),
  };
  return { region, sent };
}

/** Polls until cond() holds; fails the test (not a timing assertion) if it never does. */
async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const rule = (over: Partial<ReplicationConfig['rules'][number]> = {}): ReplicationConfig['rules'][number] => ({
  id: 'to-dst',
  priority: 1,
  status: 'Enabled',
  prefix: '',
  destinationBucket: 'dst',
  deleteMarkerReplication: true,
  ...over,
});

describe('replicator', () => {
  let src: Harness;
  let dst: Harness;
  const failures: { next: number; code?: 'Unavailable' | 'AccessDenied' } = { next: 0 };
  let sent: string[];
  let deps: ReplicatorDeps;
  let rep: Replicator | undefined;
  const logs: string[] = [];

  before(async () => {
    src = await openHarness({ clock: realClock });
    dst = await openHarness({ clock: realClock });
    await src.engine.createBucket({ name: 'src', owner: OWNER, region: 'r1' });
    await src.engine.putBucketVersioning('src', 'Enabled');
    await dst.engine.createBucket({ name: 'dst', owner: OWNER, region: 'r2' });
    await dst.engine.putBucketVersioning('dst', 'Enabled');
    await src.engine.putBucketReplication('src', {
      role: 'arn:aws:iam::1:role/r',
      rules: [rule({ prefix: 'docs/' }), rule({ id: 'off', prefix: 'off/', status: 'Disabled' })],
    });
    const access = regionOver(dst.engine, failures);
    sent = access.sent;
    deps = {
      engine: src.engine,
      resolveDestination: async (bucket) => {
        if (bucket !== 'dst') throw fail('NoSuchBucket', 'The specified bucket does not exist');
        return access.region;
      },
      log: (line) => logs.push(line),
      pollMs: 10,
      backoff: () => 0,
      maxAttempts: 4,
    };
    rep = startReplicator(deps);
  });
  after(async () => {
    await rep?.stop();
    await src.dispose();
    await dst.dispose();
  });

  const status = async (key: string, versionId?: string) =>
    (await src.engine.headObject({ bucket: 'src', key, ...(versionId ? { versionId } : {}) })).info.replicationStatus;
  const dstVersions = async (key: string) =>
    (await dst.engine.listObjectVersions({ bucket: 'dst', prefix: key, maxKeys: 100 })).entries.filter((e) => e.key === key);

  it('copies a new object with its version id, headers, tags and ACL; source COMPLETED, replica REPLICA', async () => {
    const w = await put(src.engine, 'src', 'docs/a', 'first', {
      headers: { contentType: 'text/plain', userMetadata: { who: 'me' } },
      tags: { class: 'x' },
      acl: 'public-read',
    });
    rep!.kick();
    await until(async () => (await status('docs/a')) === 'COMPLETED', 'COMPLETED');
    const head = await dst.engine.headObject({ bucket: 'dst', key: 'docs/a' });
    assert.equal(head.info.versionId, w.versionId);
    assert.equal(head.info.replicationStatus, 'REPLICA');
    assert.equal(head.info.etag, w.etag);
    assert.deepEqual(head.info.lastModified, w.lastModified);
    assert.deepEqual(head.info.checksum, w.checksum);
    assert.deepEqual(head.info.headers, { contentType: 'text/plain', userMetadata: { who: 'me' } });
    assert.deepEqual((await dst.engine.getObjectTagging({ bucket: 'dst', key: 'docs/a' })).tags, { class: 'x' });
    assert.equal(head.info.acl, 'public-read');
    assert.equal(await getText(dst.engine, 'dst', 'docs/a'), 'first');
  });

  it('replicates overwrites in order and delete markers', async () => {
    const v2 = await put(src.engine, 'src', 'docs/a', 'second');
    const v3 = await put(src.engine, 'src', 'docs/a', 'third');
    const dm = await src.engine.deleteObject({ bucket: 'src', key: 'docs/a', owner: OWNER });
    rep!.kick();
    await until(async () => (await dstVersions('docs/a')).length === 4, 'four versions at the destination');
    const versions = await dstVersions('docs/a');
    assert.deepEqual(versions.map((v) => v.versionId).slice(0, 3), [dm.versionId, v3.versionId, v2.versionId]);
    assert.equal(versions[0]?.kind, 'deleteMarker');
    assert.equal(versions[0]?.isLatest, true);
    assert.equal(await getText(dst.engine, 'dst', 'docs/a', v3.versionId), 'third');
    await until(async () => (await status('docs/a', v3.versionId)) === 'COMPLETED', 'v3 COMPLETED');
  });

  it('skips keys outside the prefix and keys of disabled rules', async () => {
    const before = sent.length;
    await put(src.engine, 'src', 'other/x', 'no rule');
    await put(src.engine, 'src', 'off/y', 'disabled rule');
    await put(src.engine, 'src', 'docs/marker', 'flush');
    rep!.kick();
    await until(async () => (await status('docs/marker')) === 'COMPLETED', 'flush object');
    assert.deepEqual(sent.slice(before), ['src->dst:docs/marker']);
    assert.equal(await status('other/x'), undefined);
    assert.equal(await status('off/y'), undefined);
    await assert.rejects(dst.engine.headObject({ bucket: 'dst', key: 'other/x' }), { code: 'NoSuchKey' });
  });

  it('retries while the destination fails, then completes', async () => {
    failures.next = 2;
    failures.code = 'Unavailable';
    const retriedBefore = rep!.stats().retried;
    await put(src.engine, 'src', 'docs/retry', 'eventually');
    rep!.kick();
    await until(async () => (await status('docs/retry')) === 'COMPLETED', 'COMPLETED after retries');
    assert.equal(rep!.stats().retried - retriedBefore, 2);
    assert.equal(await getText(dst.engine, 'dst', 'docs/retry'), 'eventually');
    assert.ok(logs.some((l) => l.includes('replication retry 1/4') && l.includes('docs/retry')));
  });

  it('marks the version FAILED after maxAttempts, and permanent errors after fewer', async () => {
    failures.next = 4;
    failures.code = 'Unavailable';
    const failedBefore = rep!.stats().failed;
    await put(src.engine, 'src', 'docs/never', 'lost cause');
    rep!.kick();
    await until(async () => (await status('docs/never')) === 'FAILED', 'FAILED');
    assert.equal(failures.next, 0, 'exactly maxAttempts sends');
    assert.equal(rep!.stats().failed - failedBefore, 1);
    await assert.rejects(dst.engine.headObject({ bucket: 'dst', key: 'docs/never' }), { code: 'NoSuchKey' });

    failures.next = 10;
    failures.code = 'AccessDenied';
    await put(src.engine, 'src', 'docs/denied', 'refused by policy');
    rep!.kick();
    await until(async () => (await status('docs/denied')) === 'FAILED', 'FAILED (permanent)');
    assert.equal(failures.next, 7, 'permanent errors get permanentAttempts (3) sends');
    failures.next = 0;
    assert.ok(logs.some((l) => l.includes('FAILED after 3 attempts') && l.includes('AccessDenied')));
  });

  it('drops the task of a version deleted before it was sent', async () => {
    await rep!.stop();
    const w = await put(src.engine, 'src', 'docs/gone', 'short-lived');
    await src.engine.deleteObject({ bucket: 'src', key: 'docs/gone', owner: OWNER, versionId: w.versionId });
    rep = startReplicator(deps);
    await until(async () => (await src.engine.replicationBacklog(new Date())).queued === 0, 'empty queue');
    assert.equal(rep.stats().dropped, 1);
    assert.equal(rep.stats().completed, 0);
    await assert.rejects(dst.engine.headObject({ bucket: 'dst', key: 'docs/gone' }), { code: 'NoSuchKey' });
  });

  it('queued tasks survive a restart of the source store and are sent afterwards', async () => {
    await rep!.stop();
    const w = await put(src.engine, 'src', 'docs/restart', 'written while the worker was down');
    await src.engine.close();
    const reopened = await openEmbeddedStorage({ dataDir: src.dir, fsync: false, clock: realClock });
    const fresh = startReplicator({ ...deps, engine: reopened.engine });
    try {
      await until(async () => (await reopened.engine.headObject({ bucket: 'src', key: 'docs/restart' })).info.replicationStatus === 'COMPLETED', 'sent after restart');
      assert.equal(await getText(dst.engine, 'dst', 'docs/restart', w.versionId), 'written while the worker was down');
    } finally {
      await fresh.stop();
      await reopened.engine.close();
    }
    // The harness's own engine is closed already; reopen one for the remaining cleanup.
    src.engine = (await openEmbeddedStorage({ dataDir: src.dir, fsync: false })).engine;
    src.storage.engine = src.engine;
    rep = undefined;
  });
});

describe('replicator: lag', () => {
  it('measures the lag from write to replica over a batch of objects', async () => {
    const src = await openHarness({ clock: realClock });
    const dst = await openHarness({ clock: realClock });
    try {
      await src.engine.createBucket({ name: 'src', owner: OWNER, region: 'r1' });
      await src.engine.putBucketVersioning('src', 'Enabled');
      await dst.engine.createBucket({ name: 'dst', owner: OWNER, region: 'r2' });
      await dst.engine.putBucketVersioning('dst', 'Enabled');
      await src.engine.putBucketReplication('src', { role: 'r', rules: [rule()] });
      const { region } = regionOver(dst.engine, { next: 0 });
      const rep = startReplicator({ engine: src.engine, resolveDestination: async () => region, log: () => undefined, pollMs: 50 });
      const n = 200;
      const body = Buffer.alloc(4096, 7);
      for (let i = 0; i < n; i++) {
        await put(src.engine, 'src', `obj/${i}`, body);
        rep.kick();
      }
      await until(() => rep.stats().completed === n, 'all replicated');
      await rep.stop();
      const s = rep.stats();
      assert.equal(s.lag.samples, n);
      assert.ok(s.lag.p50Ms !== undefined && s.lag.maxMs !== undefined && s.lag.p50Ms <= s.lag.maxMs);
      assert.equal((await dst.engine.listObjects({ bucket: 'dst', maxKeys: 1000 })).objects.length, n);
      console.log(`replication lag over ${n} objects of 4 KiB: last ${s.lag.lastMs} ms, p50 ${s.lag.p50Ms} ms, max ${s.lag.maxMs} ms`);
    } finally {
      await src.dispose();
      await dst.dispose();
    }
  });
});
