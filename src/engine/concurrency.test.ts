import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bytesOf, countFiles, openHarness, OWNER, put, type Harness } from './embedded/harness.js';

const EMBEDDED = new URL('./embedded/index.js', import.meta.url).href;

describe('engine: several instances on one data directory', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness();
    await h.engine.createBucket({ name: 'shared', owner: OWNER, region: 'eu-1' });
    await h.engine.putBucketVersioning('shared', 'Enabled');
    await h.engine.createBucket({ name: 'flat', owner: OWNER, region: 'eu-1' });
  });
  after(() => h.dispose());

  it('two engines in one process interleave versioned writes to the same keys consistently', async () => {
    const peer = await h.openPeer();
    const writers = [h.engine, peer.engine];
    await Promise.all(
      writers.flatMap((engine, w) =>
        Array.from({ length: 40 }, (_, i) => put(engine, 'shared', `k${i % 5}`, `writer ${w} #${i}`)),
      ),
    );
    const versions = await peer.engine.listObjectVersions({ bucket: 'shared', maxKeys: 1000 });
    assert.equal(versions.entries.length, 80);
    for (let k = 0; k < 5; k++) {
      const mine = versions.entries.filter((e) => e.key === `k${k}`);
      assert.equal(mine.length, 16);
      assert.equal(mine.filter((e) => e.isLatest).length, 1);
      assert.equal(mine[0]?.isLatest, true);
      const latest = await h.engine.getObject({ bucket: 'shared', key: `k${k}` });
      assert.equal(latest.info.versionId, mine[0]?.versionId);
      await bytesOf(latest.body);
    }
  });

  it('unversioned overwrites from two engines leave one object per key and no stray bytes', async () => {
    const peer = await h.openPeer();
    await Promise.all(
      [h.engine, peer.engine].flatMap((engine, w) =>
        Array.from({ length: 60 }, (_, i) => put(engine, 'flat', `k${i % 6}`, `writer ${w} #${i}`)),
      ),
    );
    await new Promise((r) => setTimeout(r, 50));
    const listed = await h.engine.listObjects({ bucket: 'flat', maxKeys: 100 });
    assert.equal(listed.objects.length, 6);
    const versionsCount = (await h.engine.listObjectVersions({ bucket: 'shared', maxKeys: 1000 })).entries.length;
    assert.equal((await h.counts()).blobs, 6 + versionsCount);
    assert.equal(await countFiles(join(h.dir, 'tmp')), 0);
  });

  it('two processes write concurrently through their own engines', async () => {
    const code = `
      import { Readable } from 'node:stream';
      const { openEmbeddedStorage } = await import(${JSON.stringify(EMBEDDED)});
      const s = await openEmbeddedStorage({ dataDir: ${JSON.stringify(h.dir)}, fsync: false });
      await Promise.all(Array.from({ length: 150 }, (_, i) => s.engine.putObject({
        bucket: 'flat', key: 'child/' + i, owner: 'o', body: Readable.from([Buffer.from('child ' + i)]),
        claims: {}, headers: { userMetadata: {} },
      })));
      await s.engine.close();
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: 'inherit' });
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    await Promise.all(Array.from({ length: 150 }, (_, i) => put(h.engine, 'flat', `parent/${i}`, `parent ${i}`)));
    assert.equal(await exited, 0);
    const child150 = await h.engine.listObjects({ bucket: 'flat', prefix: 'child/', maxKeys: 1000 });
    const parent150 = await h.engine.listObjects({ bucket: 'flat', prefix: 'parent/', maxKeys: 1000 });
    assert.equal(child150.objects.length, 150);
    assert.equal(parent150.objects.length, 150);
    const r = await h.engine.getObject({ bucket: 'flat', key: 'child/42' });
    assert.equal((await bytesOf(r.body)).toString(), 'child 42');
  });
});
