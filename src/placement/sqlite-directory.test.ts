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

  it('hands what the storage core\'s root account owned to the operator\'s account when opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sovra-dir-'));
    const path = join(dir, 'directory.db');
    const a = new SqliteBucketDirectory(path);
    try {
      await a.reserve({ name: 'legacy', region: 'de-1', owner: 'root', createdAt: new Date(0), residency: { zones: ['DE'], explicit: false } });
      await a.reserve({ name: 'other', region: 'de-1', owner: 'alice', createdAt: new Date(0), residency: { zones: ['DE'], explicit: false } });
      await a.setAccountResidency('root', ['EU']);
    } finally {
      await a.close();
    }
    const b = new SqliteBucketDirectory(path);
    try {
      assert.equal((await b.lookup('legacy'))?.owner, '000000000000');
      assert.equal((await b.lookup('other'))?.owner, 'alice');
      assert.deepEqual(await b.getAccountResidency('000000000000'), ['EU']);
    } finally {
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
