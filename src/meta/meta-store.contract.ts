/**
 * The MetaStore contract suite: every implementation runs it unchanged
 * (describeMetaStore('sqlite', makeStore) in sqlite/sqlite-meta-store.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { commonPrefixOf, compareUtf8 } from './listing.js';
import type { MetaStore } from './meta-store.js';
import type { NewObjectVersion, ObjectVersion, PartRecord } from './types.js';

export interface MetaStoreFixture {
  store: MetaStore;
  /** A second, independent store on the same database (another connection), if the backend has one. */
  openPeer?(): Promise<MetaStore>;
  dispose(): Promise<void>;
}

let counter = 0;
function version(bucket: string, key: string, versionId: string, extra: Partial<NewObjectVersion> = {}): NewObjectVersion {
  counter++;
  return {
    bucket,
    key,
    versionId,
    deleteMarker: false,
    size: counter,
    etag: `"${counter.toString(16).padStart(32, '0')}"`,
    lastModified: new Date(1_700_000_000_000 + counter * 1000),
    owner: 'alice',
    headers: { contentType: 'text/plain', userMetadata: { n: String(counter) } },
    tags: {},
    segments: [{ blobId: counter.toString(16).padStart(32, 'a'), size: counter }],
    ...extra,
  };
}

function part(n: number, blob: string): PartRecord {
  return { partNumber: n, blobId: blob, size: n * 10, etag: `"${'e'.repeat(31)}${n % 10}"`, lastModified: new Date(1_700_000_000_000) };
}

/** The S3 listing model: sorted keys folded by delimiter, counting prefixes as entries. */
function modelList(keys: string[], prefix: string, delimiter: string | undefined, after: string | undefined, max: number) {
  const entries: string[] = [];
  const seen = new Set<string>();
  for (const k of [...keys].sort(compareUtf8)) {
    if (!k.startsWith(prefix)) continue;
    const cp = commonPrefixOf(k, prefix, delimiter);
    const entry = cp ?? k;
    if (after !== undefined && compareUtf8(entry, after) <= 0) continue;
    if (seen.has(entry)) continue;
    seen.add(entry);
    entries.push(cp !== undefined ? `P:${cp}` : `K:${k}`);
  }
  return { entries: entries.slice(0, max), truncated: max > 0 && entries.length > max };
}

export function describeMetaStore(name: string, makeStore: () => Promise<MetaStoreFixture>): void {
  describe(`MetaStore contract: ${name}`, () => {
    let fx: MetaStoreFixture;
    let store: MetaStore;
    before(async () => {
      fx = await makeStore();
      store = fx.store;
    });
    after(async () => {
      await fx.dispose();
    });

    it('buckets: insert once, get, list by owner in byte order, settings', async () => {
      const mk = (n: string, owner: string) => ({ name: n, owner, region: 'eu-1', createdAt: new Date(1_700_000_000_000) });
      await store.write(async (tx) => {
        assert.equal(await tx.buckets.insert(mk('b-zeta', 'alice')), true);
        assert.equal(await tx.buckets.insert(mk('b-Alpha', 'alice')), true);
        assert.equal(await tx.buckets.insert(mk('b-bob', 'bob')), true);
        assert.equal(await tx.buckets.insert(mk('b-zeta', 'bob')), false);
      });
      const got = await store.read((tx) => tx.buckets.get('b-zeta'));
      assert.deepEqual(got, mk('b-zeta', 'alice'));
      const alice = await store.read((tx) => tx.buckets.list('alice'));
      assert.deepEqual(alice.map((b) => b.name), ['b-Alpha', 'b-zeta']);
      assert.ok((await store.read((tx) => tx.buckets.list())).length >= 3);
      await store.write(async (tx) => {
        await tx.buckets.setVersioning('b-zeta', 'Enabled');
        await tx.buckets.setCors('b-zeta', [{ allowedOrigins: ['*'], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: ['ETag'] }]);
      });
      assert.equal((await store.read((tx) => tx.buckets.get('b-zeta')))?.versioning, 'Enabled');
      assert.equal((await store.read((tx) => tx.buckets.getCors('b-zeta')))?.[0]?.exposeHeaders[0], 'ETag');
      await store.write((tx) => tx.buckets.setCors('b-zeta', undefined));
      assert.equal(await store.read((tx) => tx.buckets.getCors('b-zeta')), undefined);
      assert.equal(await store.read((tx) => tx.buckets.getTags('b-zeta')), undefined);
      await store.write((tx) => tx.buckets.setTags('b-zeta', { env: 'prod', 'cost centre': '' }));
      assert.deepEqual(await store.read((tx) => tx.buckets.getTags('b-zeta')), { env: 'prod', 'cost centre': '' });
      await store.write((tx) => tx.buckets.setTags('b-zeta', undefined));
      assert.equal(await store.read((tx) => tx.buckets.getTags('b-zeta')), undefined);
      assert.equal(await store.write((tx) => tx.buckets.remove('b-bob')), true);
      assert.equal(await store.write((tx) => tx.buckets.remove('b-bob')), false);
    });

    it('a failed write callback rolls back everything it did', async () => {
      await assert.rejects(
        store.write(async (tx) => {
          await tx.objects.insertLatest(version('rb', 'k', 'null'));
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await store.read((tx) => tx.objects.getLatest('rb', 'k')), undefined);
    });

    it('versions: newest is latest, segments round-trip, removal promotes the previous one', async () => {
      const v1 = version('vb', 'doc', 'v1', { segments: [{ blobId: 'a'.repeat(32), size: 5, partNumber: 1, checksum: 'AAAAAA==' }, { blobId: 'b'.repeat(32), size: 3, partNumber: 2 }] });
      const v2 = version('vb', 'doc', 'v2', { checksum: { algorithm: 'CRC32', type: 'FULL_OBJECT', value: 'AAAAAA==' }, tags: { a: '1' } });
      await store.write(async (tx) => {
        await tx.objects.insertLatest(v1);
        await tx.objects.insertLatest(v2);
      });
      const latest = (await store.read((tx) => tx.objects.getLatest('vb', 'doc', { withSegments: true }))) as ObjectVersion;
      assert.equal(latest.versionId, 'v2');
      assert.equal(latest.isLatest, true);
      assert.deepEqual(latest.checksum, v2.checksum);
      assert.deepEqual(latest.tags, { a: '1' });
      assert.deepEqual(latest.headers, v2.headers);
      assert.deepEqual(latest.lastModified, v2.lastModified);
      const old = (await store.read((tx) => tx.objects.getVersion('vb', 'doc', 'v1', { withSegments: true }))) as ObjectVersion;
      assert.equal(old.isLatest, false);
      assert.deepEqual(old.segments, v1.segments);
      assert.equal((await store.read((tx) => tx.objects.getVersion('vb', 'doc', 'v1')))?.segments, undefined);
      const removed = await store.write((tx) => tx.objects.remove('vb', 'doc', 'v2'));
      assert.deepEqual(removed?.segments, v2.segments);
      const now = await store.read((tx) => tx.objects.getLatest('vb', 'doc'));
      assert.equal(now?.versionId, 'v1');
      assert.equal(now?.isLatest, true);
      assert.equal(await store.write((tx) => tx.objects.remove('vb', 'doc', 'v2')), undefined);
      assert.equal(await store.write((tx) => tx.objects.setTags('vb', 'doc', 'v1', { x: 'y' })), true);
      assert.deepEqual((await store.read((tx) => tx.objects.getVersion('vb', 'doc', 'v1')))?.tags, { x: 'y' });
      assert.equal(await store.write((tx) => tx.objects.setTags('vb', 'doc', 'nope', {})), false);
      assert.equal(await store.read((tx) => tx.objects.hasAny('vb')), true);
      assert.equal(await store.read((tx) => tx.objects.hasAny('empty-bucket')), false);
    });

    it('listLatest matches the S3 model for prefixes, delimiters, markers and page sizes', async () => {
      const keys: string[] = [];
      const parts = ['a', 'b', 'é', '😀', 'Z', '~', 'ab', ' '];
      for (let i = 0; i < 600; i++) {
        const depth = (i % 3) + 1;
        const segs = Array.from({ length: depth }, (_, d) => parts[(i * (d + 7) + d) % parts.length] + String(i % (d + 4)));
        keys.push(segs.join('/'));
      }
      keys.push('a0/', 'a0//x', 'solo');
      const unique = [...new Set(keys)];
      await store.write(async (tx) => {
        for (const k of unique) await tx.objects.insertLatest(version('lb', k, 'null'));
        // Deleted keys and old versions never show up in listLatest.
        await tx.objects.insertLatest(version('lb', 'solo', 'dm', { deleteMarker: true, size: 0, etag: '', segments: [] }));
        await tx.objects.insertLatest(version('lb', 'a0/', 'v9'));
      });
      const live = unique.filter((k) => k !== 'solo');
      for (const [prefix, delimiter] of [['', undefined], ['', '/'], ['a', '/'], ['é1/', '/'], ['😀', '0'], ['nomatch', '/'], ['', '//']] as const) {
        for (const max of [0, 1, 7, 1000]) {
          let after: string | undefined;
          const got: string[] = [];
          for (let pageNo = 0; pageNo < 2000; pageNo++) {
            const page = await store.read((tx) => tx.objects.listLatest({ bucket: 'lb', prefix, delimiter, after, maxKeys: max }));
            const expect = modelList(live, prefix, delimiter, after, max);
            const entries = [...page.items.map((v) => `K:${v.key}`), ...page.commonPrefixes.map((p) => `P:${p}`)];
            assert.deepEqual(entries.sort(), [...expect.entries].sort(), `prefix=${prefix} delim=${delimiter} after=${after} max=${max}`);
            assert.equal(page.isTruncated, expect.truncated);
            got.push(...entries);
            if (!page.isTruncated) break;
            const last = page.last as { item: ObjectVersion } | { prefix: string };
            after = 'prefix' in last ? last.prefix : last.item.key;
          }
          if (max > 0) assert.deepEqual(got.sort(), modelList(live, prefix, delimiter, undefined, 1e9).entries.sort());
        }
      }
    });

    it('listVersions orders by key then newest first and resumes from key/version markers', async () => {
      await store.write(async (tx) => {
        for (const k of ['x/1', 'x/2', 'y']) {
          for (const v of ['va', 'vb', 'vc']) await tx.objects.insertLatest(version('lv', k, `${k}-${v}`));
        }
        await tx.objects.insertLatest(version('lv', 'y', 'y-dm', { deleteMarker: true, segments: [], size: 0, etag: '' }));
      });
      const all = await store.read((tx) => tx.objects.listVersions({ bucket: 'lv', maxKeys: 100 }));
      assert.deepEqual(all.items.map((v) => v.versionId), [
        'x/1-vc', 'x/1-vb', 'x/1-va', 'x/2-vc', 'x/2-vb', 'x/2-va', 'y-dm', 'y-vc', 'y-vb', 'y-va',
      ]);
      assert.deepEqual(all.items.map((v) => v.isLatest), [true, false, false, true, false, false, true, false, false, false]);
      const seen: string[] = [];
      let keyMarker: string | undefined;
      let versionIdMarker: string | undefined;
      for (;;) {
        const page = await store.read((tx) => tx.objects.listVersions({ bucket: 'lv', maxKeys: 4, keyMarker, versionIdMarker }));
        seen.push(...page.items.map((v) => v.versionId));
        if (!page.isTruncated) break;
        const last = (page.last as { item: ObjectVersion }).item;
        keyMarker = last.key;
        versionIdMarker = last.versionId;
      }
      assert.deepEqual(seen, all.items.map((v) => v.versionId));
      const grouped = await store.read((tx) => tx.objects.listVersions({ bucket: 'lv', delimiter: '/', maxKeys: 2 }));
      assert.deepEqual(grouped.commonPrefixes, ['x/']);
      assert.deepEqual(grouped.items.map((v) => v.versionId), ['y-dm']);
      assert.equal(grouped.isTruncated, true);
      const keyOnly = await store.read((tx) => tx.objects.listVersions({ bucket: 'lv', keyMarker: 'x/1', maxKeys: 100 }));
      assert.equal(keyOnly.items[0]?.versionId, 'x/2-vc');
    });

    it('completed uploads: remembered, read back, forgotten once older than the cut-off', async () => {
      const done = (id: string, at: number) => ({
        uploadId: id, bucket: 'cb', key: 'k', versionId: 'null', etag: '"abc-2"', partsDigest: `d-${id}`, completedAt: new Date(at),
      });
      await store.write((tx) => tx.uploads.recordCompleted(done('old', 1_000), new Date(0)));
      assert.deepEqual(await store.read((tx) => tx.uploads.completed('old')), done('old', 1_000));
      await store.write((tx) => tx.uploads.recordCompleted(done('new', 90_000), new Date(50_000)));
      assert.equal(await store.read((tx) => tx.uploads.completed('old')), undefined);
      assert.deepEqual(await store.read((tx) => tx.uploads.completed('new')), done('new', 90_000));
      assert.equal(await store.read((tx) => tx.uploads.completed('never')), undefined);
    });

    it('uploads: parts replace by number, page, and go away with the upload', async () => {
      const up = (id: string, key: string) => ({
        uploadId: id, bucket: 'ub', key, owner: 'alice', initiated: new Date(1_700_000_000_000), headers: { userMetadata: {} },
        checksumAlgorithm: 'CRC32' as const, checksumType: 'COMPOSITE' as const,
      });
      await store.write(async (tx) => {
        await tx.uploads.insert(up('u1', 'k/a'));
        await tx.uploads.insert(up('u2', 'k/a'));
        await tx.uploads.insert(up('u3', 'k/b'));
        await tx.uploads.insert(up('u4', 'top'));
        for (let n = 1; n <= 5; n++) await tx.uploads.putPart('u1', part(n, `${n}`.repeat(32)));
      });
      const replaced = await store.write((tx) => tx.uploads.putPart('u1', { ...part(2, 'f'.repeat(32)), checksum: 'AAAAAA==', checksumAlgorithm: 'CRC32' }));
      assert.equal(replaced?.blobId, '2'.repeat(32));
      const parts = await store.read((tx) => tx.uploads.parts('u1'));
      assert.deepEqual(parts.map((p) => p.partNumber), [1, 2, 3, 4, 5]);
      assert.equal(parts[1]?.checksum, 'AAAAAA==');
      const page = await store.read((tx) => tx.uploads.listParts('u1', { after: 2, max: 2 }));
      assert.deepEqual(page.parts.map((p) => p.partNumber), [3, 4]);
      assert.equal(page.isTruncated, true);
      assert.equal((await store.read((tx) => tx.uploads.listParts('u1', { after: 4, max: 2 }))).isTruncated, false);
      assert.deepEqual((await store.read((tx) => tx.uploads.get('u1')))?.checksumType, 'COMPOSITE');
      const list = await store.read((tx) => tx.uploads.list({ bucket: 'ub', maxUploads: 10 }));
      assert.deepEqual(list.items.map((u) => u.uploadId), ['u1', 'u2', 'u3', 'u4']);
      const grouped = await store.read((tx) => tx.uploads.list({ bucket: 'ub', delimiter: '/', maxUploads: 10 }));
      assert.deepEqual(grouped.commonPrefixes, ['k/']);
      const resumed = await store.read((tx) => tx.uploads.list({ bucket: 'ub', keyMarker: 'k/a', uploadIdMarker: 'u1', maxUploads: 10 }));
      assert.deepEqual(resumed.items.map((u) => u.uploadId), ['u2', 'u3', 'u4']);
      const refs = await store.read((tx) => tx.blobRefs.referenced(['1'.repeat(32), '2'.repeat(32), 'f'.repeat(32)]));
      assert.deepEqual([...refs].sort(), ['1'.repeat(32), 'f'.repeat(32)]);
      const removed = await store.write((tx) => tx.uploads.remove('u1'));
      assert.equal(removed?.length, 5);
      assert.equal(await store.read((tx) => tx.uploads.get('u1')), undefined);
      assert.deepEqual(await store.read((tx) => tx.uploads.parts('u1')), []);
      assert.equal(await store.write((tx) => tx.uploads.remove('u1')), undefined);
      await store.write((tx) => tx.uploads.putPart('u3', part(1, 'c'.repeat(32))));
      assert.deepEqual(await store.write((tx) => tx.uploads.removeByBucket('ub')), ['c'.repeat(32)]);
      assert.equal((await store.read((tx) => tx.uploads.list({ bucket: 'ub', maxUploads: 10 }))).items.length, 0);
    });

    it('buckets keep the policy text verbatim and a canned ACL; versions and uploads keep theirs', async () => {
      const b = { name: 'acl-b', owner: 'alice', region: 'eu-1', createdAt: new Date(1_700_000_000_000) };
      const text = '{ "Version": "2012-10-17",\n  "Statement": [] }  ';
      await store.write(async (tx) => {
        await tx.buckets.insert({ ...b, acl: 'public-read', policy: text });
        await tx.buckets.insert({ name: 'acl-c', owner: 'alice', region: 'eu-1', createdAt: b.createdAt });
      });
      assert.deepEqual(await store.read((tx) => tx.buckets.get('acl-b')), { ...b, acl: 'public-read', policy: text });
      await store.write(async (tx) => {
        await tx.buckets.setPolicy('acl-b', undefined);
        await tx.buckets.setAcl('acl-b', 'private');
        await tx.buckets.setPolicy('acl-c', '{}');
      });
      assert.deepEqual(await store.read((tx) => tx.buckets.get('acl-b')), b);
      assert.equal((await store.read((tx) => tx.buckets.list('alice'))).find((x) => x.name === 'acl-c')?.policy, '{}');

      await store.write(async (tx) => {
        await tx.objects.insertLatest(version('acl-b', 'k', 'v1', { acl: 'public-read' }));
        await tx.objects.insertLatest(version('acl-b', 'k', 'v2'));
      });
      assert.equal((await store.read((tx) => tx.objects.getVersion('acl-b', 'k', 'v1')))?.acl, 'public-read');
      assert.equal((await store.read((tx) => tx.objects.getLatest('acl-b', 'k')))?.acl, undefined);
      assert.equal(await store.write((tx) => tx.objects.setAcl('acl-b', 'k', 'v2', 'public-read')), true);
      assert.equal(await store.write((tx) => tx.objects.setAcl('acl-b', 'k', 'nope', 'public-read')), false);
      const listed = await store.read((tx) => tx.objects.listVersions({ bucket: 'acl-b', maxKeys: 10 }));
      assert.deepEqual(listed.items.map((v) => v.acl), ['public-read', 'public-read']);
      await store.write((tx) => tx.objects.setAcl('acl-b', 'k', 'v1', 'private'));
      assert.equal((await store.read((tx) => tx.objects.listLatest({ bucket: 'acl-b', maxKeys: 10 }))).items[0]?.acl, 'public-read');
      assert.equal((await store.read((tx) => tx.objects.getVersion('acl-b', 'k', 'v1')))?.acl, undefined);

      await store.write((tx) => tx.uploads.insert({ uploadId: 'acl-u', bucket: 'acl-b', key: 'm', owner: 'alice', initiated: b.createdAt, headers: { userMetadata: {} }, acl: 'public-read' }));
      assert.equal((await store.read((tx) => tx.uploads.get('acl-u')))?.acl, 'public-read');
    });

    it('usage counters follow every version and part change, in the same transaction', async () => {
      const usage = () => store.read((tx) => tx.usage.get('use'));
      const recount = () => store.read((tx) => tx.usage.recount('use'));
      await store.write((tx) => tx.buckets.insert({ name: 'use', owner: 'dave', region: 'eu-1', createdAt: new Date(1_700_000_000_000) }));
      assert.deepEqual(await usage(), { bytes: 0, objects: 0 });
      await store.write(async (tx) => {
        await tx.objects.insertLatest(version('use', 'a', 'v1', { size: 100 }));
        await tx.objects.insertLatest(version('use', 'a', 'v2', { size: 50 }));
        await tx.objects.insertLatest(version('use', 'a', 'dm', { deleteMarker: true, size: 0, segments: [] }));
      });
      assert.deepEqual(await usage(), { bytes: 150, objects: 2 });
      await store.write((tx) => tx.objects.remove('use', 'a', 'v1'));
      await store.write((tx) => tx.objects.remove('use', 'a', 'dm'));
      assert.deepEqual(await usage(), { bytes: 50, objects: 1 });
      // A rolled-back write leaves the counters as they were.
      await assert.rejects(
        store.write(async (tx) => {
          await tx.objects.insertLatest(version('use', 'b', 'v1', { size: 7 }));
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual(await usage(), { bytes: 50, objects: 1 });

      await store.write(async (tx) => {
        await tx.uploads.insert({ uploadId: 'use-u', bucket: 'use', key: 'm', owner: 'dave', initiated: new Date(1_700_000_000_000), headers: { userMetadata: {} } });
        await tx.uploads.putPart('use-u', part(1, 'd'.repeat(32)));
        await tx.uploads.putPart('use-u', part(2, 'e'.repeat(32)));
      });
      assert.deepEqual(await usage(), { bytes: 50 + 10 + 20, objects: 1 });
      // Re-uploading part 2 with another size counts the new size only.
      await store.write((tx) => tx.uploads.putPart('use-u', { ...part(2, 'f'.repeat(32)), size: 5 }));
      assert.deepEqual(await usage(), { bytes: 50 + 10 + 5, objects: 1 });
      assert.deepEqual(await usage(), await recount());
      assert.deepEqual(await store.read((tx) => tx.usage.byOwner('dave')), { bytes: 65, objects: 1, buckets: 1 });
      await store.write((tx) => tx.uploads.remove('use-u'));
      assert.deepEqual(await usage(), { bytes: 50, objects: 1 });
      await store.write(async (tx) => {
        await tx.uploads.insert({ uploadId: 'use-u2', bucket: 'use', key: 'm', owner: 'dave', initiated: new Date(1_700_000_000_000), headers: { userMetadata: {} } });
        await tx.uploads.putPart('use-u2', part(3, '3'.repeat(32)));
      });
      await store.write((tx) => tx.uploads.removeByBucket('use'));
      assert.deepEqual(await usage(), { bytes: 50, objects: 1 });
      assert.deepEqual(await usage(), await recount());
      await store.write(async (tx) => {
        await tx.objects.remove('use', 'a', 'v2');
        await tx.buckets.remove('use');
      });
      assert.deepEqual(await usage(), { bytes: 0, objects: 0 });
      assert.deepEqual(await store.read((tx) => tx.usage.byOwner('dave')), { bytes: 0, objects: 0, buckets: 0 });
    });

    it('segments count as blob references', async () => {
      const v = version('rf', 'k', 'null');
      await store.write((tx) => tx.objects.insertLatest(v));
      const id = v.segments[0]?.blobId as string;
      assert.deepEqual([...(await store.read((tx) => tx.blobRefs.referenced([id, '9'.repeat(32)])))], [id]);
    });

    it('serializes concurrent write transactions without losing updates', async () => {
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          store.write(async (tx) => {
            const latest = await tx.objects.getLatest('cc', 'counter');
            await new Promise((r) => setImmediate(r));
            await tx.objects.insertLatest(version('cc', 'counter', `v${i}`, { size: (latest?.size ?? 0) + 1 }));
          }),
        ),
      );
      assert.equal((await store.read((tx) => tx.objects.getLatest('cc', 'counter')))?.size, 40);
    });

    it('replication: configuration, version status, and the task queue (order per key, leases, backlog)', async () => {
      await store.write((tx) => tx.buckets.insert({ name: 'rq', owner: 'alice', region: 'eu-1', createdAt: new Date(0) }));
      const cfg = { role: 'r', rules: [{ id: 'a', priority: 1, status: 'Enabled' as const, prefix: 'p/', destinationBucket: 'd', deleteMarkerReplication: false }] };
      await store.write((tx) => tx.buckets.setReplication('rq', cfg));
      assert.deepEqual(await store.read((tx) => tx.buckets.getReplication('rq')), cfg);
      await store.write((tx) => tx.objects.insertLatest(version('rq', 'p/k', 'v1', { replicationStatus: 'PENDING' })));
      assert.equal((await store.read((tx) => tx.objects.getVersion('rq', 'p/k', 'v1')))?.replicationStatus, 'PENDING');
      assert.equal(await store.write((tx) => tx.objects.setReplicationStatus('rq', 'p/k', 'v1', 'COMPLETED')), true);
      assert.equal((await store.read((tx) => tx.objects.getLatest('rq', 'p/k')))?.replicationStatus, 'COMPLETED');
      assert.equal(await store.write((tx) => tx.objects.setReplicationStatus('rq', 'p/k', 'nope', 'FAILED')), false);

      const t0 = new Date(1_700_000_000_000);
      const task = (key: string, versionId: string) => ({
        bucket: 'rq', key, versionId, deleteMarker: false, destinationBucket: 'd', ruleId: 'a', enqueuedAt: t0,
      });
      await store.write(async (tx) => {
        await tx.replication.enqueue(task('p/k', 'v1'), t0);
        await tx.replication.enqueue(task('p/k', 'v2'), t0);
        await tx.replication.enqueue(task('p/j', 'v1'), new Date(t0.getTime() + 10));
      });
      assert.deepEqual(await store.read((tx) => tx.replication.backlog(t0)), { queued: 3, due: 2 });
      const lease = new Date(t0.getTime() + 1000);
      const first = await store.write((tx) => tx.replication.claim(10, new Date(t0.getTime() + 10), lease));
      assert.deepEqual(first.map((t) => `${t.key}@${t.versionId}#${t.attempts}`), ['p/k@v1#1', 'p/j@v1#1']);
      assert.deepEqual(first[0]?.dueAt, lease);
      assert.deepEqual(await store.write((tx) => tx.replication.claim(10, new Date(t0.getTime() + 999), lease)), []);
      const k1 = first[0]!;
      await store.write((tx) => tx.replication.reschedule(k1.id, new Date(t0.getTime() + 5000), 'boom'));
      assert.equal((await store.read((tx) => tx.replication.get(k1.id)))?.lastError, 'boom');
      assert.equal(await store.read((tx) => tx.replication.countForVersion('rq', 'p/k', 'v1')), 1);
      await store.write((tx) => tx.replication.remove(k1.id));
      const next = await store.write((tx) => tx.replication.claim(10, new Date(t0.getTime() + 1000), lease));
      // Earliest due first: v2 was due at t0, the expired lease of p/j at t0+1000.
      assert.deepEqual(next.map((t) => `${t.key}@${t.versionId}#${t.attempts}`), ['p/k@v2#1', 'p/j@v1#2']);
      for (const t of next) await store.write((tx) => tx.replication.remove(t.id));
      assert.deepEqual(await store.read((tx) => tx.replication.backlog(t0)), { queued: 0, due: 0 });
      await store.write((tx) => tx.buckets.setReplication('rq', undefined));
      assert.equal(await store.read((tx) => tx.buckets.getReplication('rq')), undefined);
    });

    it('instances: registrations are live until released', async () => {
      const lease = await store.instances.register();
      assert.ok((await store.instances.live()).some((i) => i.id === lease.id));
      await lease.release();
      assert.ok(!(await store.instances.live()).some((i) => i.id === lease.id));
    });

    it('a peer store on the same database sees commits and registrations', async (t) => {
      if (fx.openPeer === undefined) return t.skip('backend has no peer connections');
      const peer = await fx.openPeer();
      try {
        const lease = await store.instances.register();
        assert.ok((await peer.instances.live()).some((i) => i.id === lease.id));
        await Promise.all([
          ...Array.from({ length: 20 }, (_, i) => store.write((tx) => tx.objects.insertLatest(version('peer', `a${i}`, 'null')))),
          ...Array.from({ length: 20 }, (_, i) => peer.write((tx) => tx.objects.insertLatest(version('peer', `b${i}`, 'null')))),
        ]);
        const page = await peer.read((tx) => tx.objects.listLatest({ bucket: 'peer', maxKeys: 100 }));
        assert.equal(page.items.length, 40);
        await lease.release();
        assert.ok(!(await peer.instances.live()).some((i) => i.id === lease.id));
      } finally {
        await peer.close();
      }
    });
  });
}
