import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { commonPrefixOf, compareUtf8 } from '../meta/index.js';
import { SqliteMetaStore } from '../meta/sqlite/index.js';
import { openHarness, OWNER, put, type Harness } from './embedded/harness.js';
import type { StorageEngine } from './types.js';

/** The S3 ListObjects model over a plain sorted key set. */
function model(keys: readonly string[], prefix: string, delimiter: string | undefined, after: string | undefined, max: number) {
  const out: string[] = [];
  for (const k of keys) {
    if (!k.startsWith(prefix)) continue;
    const cp = commonPrefixOf(k, prefix, delimiter);
    const entry = cp ?? k;
    if (after !== undefined && compareUtf8(entry, after) <= 0) continue;
    const tagged = cp !== undefined ? `P:${cp}` : `K:${k}`;
    if (out[out.length - 1] !== tagged) out.push(tagged);
  }
  return { page: out.slice(0, max), truncated: max > 0 && out.length > max };
}

describe('engine: listObjects', () => {
  let h: Harness;
  let engine: StorageEngine;
  const keys: string[] = [];
  before(async () => {
    h = await openHarness();
    engine = h.engine;
    await engine.createBucket({ name: 'list', owner: OWNER, region: 'eu-1' });
    const words = ['alpha', 'beta', 'Gamma', 'ünï', '日本', '😀', 'a-b', 'a.b', 'a/b'];
    for (let i = 0; i < 3000; i++) {
      const parts = [words[i % words.length], words[(i * 7) % words.length], String(i % 11), `f${i}`];
      keys.push(parts.slice(0, 1 + (i % 4)).join('/'));
    }
    keys.push('plain', 'trailing/', 'trailing//double', '');
    const unique = [...new Set(keys.filter((k) => k !== ''))];
    keys.length = 0;
    keys.push(...unique.sort(compareUtf8));
    for (const k of keys) await put(engine, 'list', k, k);
  });
  after(() => h.dispose());

  it('pages through thousands of keys exactly like the model, for many prefix/delimiter combinations', async () => {
    const cases: [string, string | undefined, number][] = [
      ['', undefined, 1000],
      ['', '/', 7],
      ['alpha/', '/', 50],
      ['日本/', '/', 3],
      ['a', '/', 20],
      ['', 'a', 100],
      ['😀/', undefined, 333],
      ['trailing/', '/', 1],
      ['', '//', 250],
      ['zzz', '/', 10],
    ];
    for (const [prefix, delimiter, max] of cases) {
      let after: string | undefined;
      const all: string[] = [];
      for (let pageNo = 0; pageNo < 10_000; pageNo++) {
        const r = await engine.listObjects({ bucket: 'list', maxKeys: max, ...(prefix ? { prefix } : {}), ...(delimiter ? { delimiter } : {}), ...(after !== undefined ? { after } : {}) });
        const expected = model(keys, prefix, delimiter, after, max);
        const got = [...r.objects.map((o) => `K:${o.key}`), ...r.commonPrefixes.map((p) => `P:${p}`)].sort((a, b) => compareUtf8(a.slice(2), b.slice(2)));
        assert.deepEqual(got, expected.page, `prefix=${prefix} delimiter=${delimiter} after=${after}`);
        assert.equal(r.isTruncated, expected.truncated);
        all.push(...got);
        if (!r.isTruncated) break;
        after = r.nextAfter;
      }
      assert.deepEqual(all, model(keys, prefix, delimiter, undefined, Infinity).page);
    }
  });

  it('maxKeys 0 returns nothing and is not truncated; start-after before the prefix is harmless', async () => {
    const r = await engine.listObjects({ bucket: 'list', maxKeys: 0 });
    assert.deepEqual([r.objects.length, r.commonPrefixes.length, r.isTruncated], [0, 0, false]);
    const r2 = await engine.listObjects({ bucket: 'list', maxKeys: 5, prefix: 'beta/', after: 'a' });
    assert.deepEqual(r2.objects.map((o) => o.key), model(keys, 'beta/', undefined, undefined, 5).page.map((e) => e.slice(2)));
  });

  it('listed entries carry size, etag, owner and headers', async () => {
    const r = await engine.listObjects({ bucket: 'list', maxKeys: 1, prefix: 'plain' });
    const o = r.objects[0];
    assert.equal(o?.key, 'plain');
    assert.equal(o?.size, 5);
    assert.equal(o?.owner, OWNER);
    assert.match(o?.etag ?? '', /^"[0-9a-f]{32}"$/);
    await assert.rejects(engine.listObjects({ bucket: 'nope', maxKeys: 1 }), { code: 'NoSuchBucket' });
  });
});

describe('engine: listing speed', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness();
    await h.engine.createBucket({ name: 'big', owner: OWNER, region: 'eu-1' });
  });
  after(() => h.dispose());

  it('lists 1000 keys out of 100,000 in milliseconds and skips whole common prefixes by seeking (bounds catch O(n) scans on a loaded CI box)', async () => {
    // 100,000 keys inserted straight through the metadata port (their bytes are irrelevant here).
    const store = new SqliteMetaStore({ database: `${h.dir}/meta.db` });
    const dirs = 100;
    await store.write(async (tx) => {
      for (let i = 0; i < 100_000; i++) {
        const key = `dir${String(i % dirs).padStart(3, '0')}/file${String(i).padStart(6, '0')}`;
        await tx.objects.insertLatest({
          bucket: 'big', key, versionId: 'null', deleteMarker: false, size: 1, etag: '"x"', lastModified: new Date(),
          owner: OWNER, headers: { userMetadata: {} }, tags: {}, segments: [],
        });
      }
    });
    await store.close();
    const engine = h.engine;
    await engine.listObjects({ bucket: 'big', maxKeys: 1000 });
    const timeIt = async (fn: () => Promise<unknown>) => {
      const runs: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        await fn();
        runs.push(performance.now() - t);
      }
      return runs.sort((a, b) => a - b)[10] as number;
    };
    const flat = await timeIt(() => engine.listObjects({ bucket: 'big', maxKeys: 1000, after: 'dir050/file050000' }));
    const grouped = await timeIt(async () => {
      const r = await engine.listObjects({ bucket: 'big', maxKeys: 1000, delimiter: '/' });
      assert.equal(r.commonPrefixes.length, dirs);
    });
    console.log(`listObjects 1000 of 100k: ${flat.toFixed(2)} ms (median); delimiter over 100 prefixes: ${grouped.toFixed(2)} ms`);
    assert.ok(flat < 100, `flat listing took ${flat} ms`);
    assert.ok(grouped < 100, `grouped listing took ${grouped} ms`);
  });
});
