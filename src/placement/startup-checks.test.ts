import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OWNER, openHarness } from '../engine/embedded/harness.js';
import { SqliteBucketDirectory } from './sqlite-directory.js';
import { checkDirectoryFitsTopology, PlacementCheckError, reconcileRegion } from './startup-checks.js';
import { testTopology } from './test-topology.js';

const policy = (zones: string[]) => ({ zones, explicit: true });

describe('placement startup checks', () => {
  it('refuses a topology that would strand buckets, naming each one', async () => {
    const d = new SqliteBucketDirectory(':memory:');
    await d.reserve({ name: 'in-gone-region', region: 'it-1', owner: 'o', createdAt: new Date(), residency: policy(['IT']) });
    await d.reserve({ name: 'fine', region: 'de-1', owner: 'o', createdAt: new Date(), residency: policy(['DE']) });
    await d.reserve({ name: 'zone-gone', region: 'de-2', owner: 'o', createdAt: new Date(), residency: policy(['DE', 'DACH']) });
    await d.reserve({ name: 'moved-out', region: 'gb-1', owner: 'o', createdAt: new Date(), residency: policy(['EU']) });
    await assert.rejects(checkDirectoryFitsTopology(d, testTopology()), (e: unknown) => {
      assert.ok(e instanceof PlacementCheckError);
      assert.equal(e.problems.length, 3);
      assert.match(e.message, /'in-gone-region' is in region it-1, which test topology no longer lists/);
      assert.match(e.message, /'zone-gone' has a residency policy naming zone\(s\) DACH/);
      assert.match(e.message, /'moved-out' in gb-1 \(zones GB\) would be outside its residency policy \[EU\]/);
      return true;
    });
    assert.equal((await d.list()).length, 4, 'nothing removed');
    await d.close();
  });

  it('reconciles a region after a crash between the directory and the engine', async () => {
    const h = await openHarness();
    const d = new SqliteBucketDirectory(':memory:');
    const log: string[] = [];
    const now = new Date();
    try {
      await h.engine.createBucket({ name: 'lost-entry', owner: OWNER, region: 'de-1' });
      await h.engine.createBucket({ name: 'both', owner: OWNER, region: 'de-1' });
      await d.reserve({ name: 'both', region: 'de-1', owner: OWNER, createdAt: now, residency: policy(['DE']) });
      await d.reserve({ name: 'abandoned', region: 'de-1', owner: OWNER, createdAt: new Date(now.getTime() - 3_600_000), residency: policy(['DE']) });
      await d.reserve({ name: 'just-reserved', region: 'de-1', owner: OWNER, createdAt: now, residency: policy(['DE']) });
      await reconcileRegion({ regionId: 'de-1', engine: h.engine, directory: d, topology: testTopology(), storageIsNew: false, now, log: (l) => log.push(l) });
      assert.deepEqual((await d.list()).map((b) => b.name), ['both', 'just-reserved', 'lost-entry']);
      assert.deepEqual((await d.lookup('lost-entry'))?.residency, { zones: ['DE'], explicit: false });
      assert.equal(log.length, 2);
      await assert.rejects(
        reconcileRegion({ regionId: 'de-1', engine: h.engine, directory: d, topology: testTopology(), storageIsNew: true, now, log: () => {} }),
        /new, empty storage but the directory lists 3 bucket\(s\) there/,
      );
    } finally {
      await d.close();
      await h.dispose();
    }
  });
});
