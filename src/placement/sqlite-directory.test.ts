import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { directoryContract } from './directory.contract.js';
import { SqliteBucketDirectory } from './sqlite-directory.js';

describe('SqliteBucketDirectory', () => {
  directoryContract(async () => {
    const d = new SqliteBucketDirectory(':memory:');
    return { directory: d, dispose: () => d.close() };
  });

  it('is shared by every process that opens the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sovra-dir-'));
    const a = new SqliteBucketDirectory(join(dir, 'control', 'directory.db'));
    const b = new SqliteBucketDirectory(join(dir, 'control', 'directory.db'));
    try {
      await a.reserve({ name: 'shared', region: 'de-1', owner: 'o', createdAt: new Date(0), residency: { zones: ['DE'], explicit: false } });
      assert.equal((await b.lookup('shared'))?.region, 'de-1');
      await assert.rejects(b.reserve({ name: 'shared', region: 'fr-1', owner: 'x', createdAt: new Date(0), residency: { zones: ['FR'], explicit: false } }), { code: 'BucketAlreadyExists' });
    } finally {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
