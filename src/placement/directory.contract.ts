/**
 * The BucketDirectory contract, run against every implementation (SQLite here, the HTTP
 * client in internal/). Not used by production code.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isAppError } from '../core/errors.js';
import type { BucketDirectory, BucketEntry } from './ports.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return isAppError(e) ? e.code : String(e);
  }
  return 'no error';
}

export function directoryContract(open: () => Promise<{ directory: BucketDirectory; dispose(): Promise<void> }>): void {
  const entry = (name: string, over: Partial<BucketEntry> = {}): BucketEntry => ({
    name, region: 'de-1', owner: 'acct-1', createdAt: new Date('2026-01-02T03:04:05.678Z'), residency: { zones: ['DE'], explicit: false }, ...over,
  });

  it('reserves a name once, globally', async () => {
    const { directory: d, dispose } = await open();
    try {
      await d.reserve(entry('alpha'));
      assert.equal(await codeOf(d.reserve(entry('alpha', { region: 'fr-1' }))), 'BucketAlreadyOwnedByYou');
      assert.equal(await codeOf(d.reserve(entry('alpha', { owner: 'acct-2' }))), 'BucketAlreadyExists');
      assert.deepEqual(await d.lookup('alpha'), entry('alpha'));
      assert.equal(await d.lookup('missing'), undefined);
    } finally {
      await dispose();
    }
  });

  it('lists all buckets or one owner\'s, sorted by name', async () => {
    const { directory: d, dispose } = await open();
    try {
      await d.reserve(entry('b2'));
      await d.reserve(entry('a1', { owner: 'acct-2', region: 'fr-1' }));
      await d.reserve(entry('c3'));
      assert.deepEqual((await d.list()).map((b) => b.name), ['a1', 'b2', 'c3']);
      assert.deepEqual((await d.list('acct-1')).map((b) => b.name), ['b2', 'c3']);
      assert.deepEqual(await d.list('nobody'), []);
    } finally {
      await dispose();
    }
  });

  it('releases a name only for the region that holds it', async () => {
    const { directory: d, dispose } = await open();
    try {
      await d.reserve(entry('gamma'));
      await d.release('gamma', 'fr-1');
      assert.ok(await d.lookup('gamma'));
      await d.release('gamma', 'de-1');
      assert.equal(await d.lookup('gamma'), undefined);
      await d.reserve(entry('gamma', { owner: 'acct-2' }));
      assert.equal((await d.lookup('gamma'))?.owner, 'acct-2');
    } finally {
      await dispose();
    }
  });

  it('stores bucket and account residency policies', async () => {
    const { directory: d, dispose } = await open();
    try {
      await d.reserve(entry('delta'));
      await d.setResidency('delta', { zones: ['EU'], explicit: true });
      assert.deepEqual((await d.lookup('delta'))?.residency, { zones: ['EU'], explicit: true });
      assert.equal(await codeOf(d.setResidency('nope', { zones: ['EU'], explicit: true })), 'NoSuchBucket');
      assert.equal(await d.getAccountResidency('acct-1'), undefined);
      await d.setAccountResidency('acct-1', ['EU', 'GB']);
      assert.deepEqual(await d.getAccountResidency('acct-1'), ['EU', 'GB']);
      await d.setAccountResidency('acct-1', undefined);
      assert.equal(await d.getAccountResidency('acct-1'), undefined);
    } finally {
      await dispose();
    }
  });
}
