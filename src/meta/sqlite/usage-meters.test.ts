/**
 * Storage meters in the SQLite store: byte-hours and object-hours accrue in the same
 * transaction as each change (versions current and not, parts in progress), close at bucket
 * deletion, read back with the open interval; counter batches apply once; an existing
 * database starts accruing at migration time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { HOUR_MS } from '../usage-accrual.js';
import type { HourlyUsage, NewObjectVersion } from '../types.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { SqliteMetaStore } from './sqlite-meta-store.js';

const H = Date.UTC(2026, 2, 1, 10) / HOUR_MS; // 2026-03-01T10:00Z as an hour index
const at = (hour: number, minutes = 0) => hour * HOUR_MS + minutes * 60_000;

function version(bucket: string, key: string, versionId: string, size: number, extra: Partial<NewObjectVersion> = {}): NewObjectVersion {
  return {
    bucket, key, versionId, deleteMarker: false, size, etag: '"e"', lastModified: new Date(0), owner: 'acct-1',
    headers: { userMetadata: {} }, tags: {}, segments: size > 0 ? [{ blobId: `${bucket}-${key}-${versionId}`, size }] : [], ...extra,
  };
}

function open(): { store: SqliteMetaStore; setNow(ms: number): void } {
  let now = at(H);
  const store = new SqliteMetaStore({ database: ':memory:', clock: () => now });
  return { store, setNow: (ms) => (now = ms) };
}

/** meter -> hour offset from H -> quantity, for one bucket. */
async function figures(store: SqliteMetaStore, now: number, bucket = 'b'): Promise<Record<string, Record<number, number>>> {
  const rows = await store.read((tx) => tx.usage.hours({ fromHour: H - 24, toHour: H + 48, now, bucket }));
  const out: Record<string, Record<number, number>> = {};
  for (const r of rows) (out[r.meter] ??= {})[r.hour - H] = Number(r.quantity);
  return out;
}

describe('storage meters (SQLite)', () => {
  it('accrue bytes x time per UTC hour, current and non-current versions alike', async () => {
    const { store, setNow } = open();
    await store.write((tx) => tx.buckets.insert({ name: 'b', owner: 'acct-1', region: 'eu-fra', createdAt: new Date(at(H)) }));
    setNow(at(H, 30));
    await store.write((tx) => tx.objects.insertLatest(version('b', 'k', 'v1', 3600)));
    setNow(at(H + 1, 30));
    // An overwrite keeps v1 as a non-current version: both count.
    await store.write((tx) => tx.objects.insertLatest(version('b', 'k', 'v2', 7200)));
    setNow(at(H + 2));
    await store.write((tx) => tx.objects.remove('b', 'k', 'v1'));
    const f = await figures(store, at(H + 3));
    assert.deepEqual(f['storage.byte_hours'], {
      0: 1800, // 3600 B x 30 min
      1: 3600 / 2 + (3600 + 7200) / 2, // 10:00-10:30 one version, 10:30-11:00 both
      2: 7200, // the open interval after the last change, read at 13:00
    });
    // Object-hours: hour 0 has half an object-hour (carried, so nothing shown), hour 1 then has 0.5 + 0.5 + 2 x 0.5.
    assert.deepEqual(f['objects'], { 1: 2, 2: 1 });
    await store.close();
  });

  it('count multipart parts in progress until completed or aborted, and close at bucket deletion', async () => {
    const { store, setNow } = open();
    await store.write((tx) => tx.buckets.insert({ name: 'b', owner: 'acct-1', region: 'eu-fra', createdAt: new Date(at(H)) }));
    await store.write(async (tx) => {
      await tx.uploads.insert({ uploadId: 'u', bucket: 'b', key: 'm', owner: 'acct-1', initiated: new Date(at(H)), headers: { userMetadata: {} } });
      await tx.uploads.putPart('u', { partNumber: 1, blobId: 'p1', size: 1000, etag: '"p"', lastModified: new Date(at(H)) });
    });
    setNow(at(H + 1));
    await store.write((tx) => tx.uploads.remove('u'));
    setNow(at(H + 2));
    await store.write((tx) => tx.objects.insertLatest(version('b', 'k', 'v1', 500)));
    setNow(at(H + 2, 45));
    await store.write(async (tx) => {
      await tx.objects.remove('b', 'k', 'v1');
      await tx.buckets.remove('b');
    });
    // Nothing accrues after deletion, whenever it is read.
    const f = await figures(store, at(H + 40));
    assert.deepEqual(f['storage.byte_hours'], { 0: 1000, 2: 375 });
    assert.equal(await store.read((tx) => tx.usage.get('b')).then((u) => u.bytes), 0);
    await store.close();
  });

  it('the open interval read equals what the next change writes', async () => {
    const { store, setNow } = open();
    await store.write((tx) => tx.buckets.insert({ name: 'b', owner: 'acct-1', region: 'eu-fra', createdAt: new Date(at(H)) }));
    await store.write((tx) => tx.objects.insertLatest(version('b', 'k', 'v1', 1234567)));
    const later = at(H + 5, 17) + 123;
    const before = await figures(store, later);
    setNow(later);
    await store.write((tx) => tx.objects.insertLatest(version('b', 'k2', 'v1', 1)));
    assert.deepEqual(await figures(store, later), before);
    await store.close();
  });

  it('attribute to the owner and region of the bucket, never to a key', async () => {
    const { store, setNow } = open();
    await store.write((tx) => tx.buckets.insert({ name: 'b', owner: 'acct-9', region: 'eu-par', createdAt: new Date(at(H)) }));
    await store.write((tx) => tx.objects.insertLatest(version('b', 'secret/key.txt', 'v1', 10)));
    setNow(at(H + 1));
    await store.write((tx) => tx.objects.remove('b', 'secret/key.txt', 'v1'));
    const rows = await store.read((tx) => tx.usage.hours({ fromHour: H, toHour: H + 2, now: at(H + 2), accountIds: ['acct-9'] }));
    assert.deepEqual(rows.map((r) => [r.accountId, r.bucket, r.region, r.meter, r.hour - H, r.quantity]).sort(), [
      ['acct-9', 'b', 'eu-par', 'objects', 0, 1n],
      ['acct-9', 'b', 'eu-par', 'storage.byte_hours', 0, 10n],
    ]);
    assert.ok(!JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)).includes('secret'));
    assert.deepEqual(await store.read((tx) => tx.usage.hours({ fromHour: H, toHour: H + 2, now: at(H + 2), accountIds: ['other'] })), []);
    await store.close();
  });

  it('apply a counter batch once per id, all rows or none', async () => {
    const { store } = open();
    const row = (meter: string, quantity: bigint): HourlyUsage => ({ accountId: 'a', bucket: 'b', region: 'eu-fra', meter, hour: H, quantity });
    const batch = { id: 'rec-1', rows: [row('requests.read', 3n), row('bytes.out', 10n ** 15n)] };
    assert.equal(await store.write((tx) => tx.usage.addCounters(batch)), true);
    assert.equal(await store.write((tx) => tx.usage.addCounters(batch)), false);
    await store.write((tx) => tx.usage.addCounters({ id: 'rec-2', rows: [row('requests.read', 2n)] }));
    const f = await figures(store, at(H));
    assert.deepEqual(f, { 'requests.read': { 0: 5 }, 'bytes.out': { 0: 1e15 } });
    await store.close();
  });

  it('an existing database starts accruing at migration time', async () => {
    const db = new Database(':memory:');
    migrate(db, MIGRATIONS.filter((m) => m.version <= 4));
    db.prepare("INSERT INTO buckets (name, owner, region, created_at) VALUES ('old', 'acct-1', 'eu-fra', 0)").run();
    db.prepare("INSERT INTO bucket_usage (bucket, bytes, objects) VALUES ('old', 1000, 2)").run();
    const before = Date.now();
    const store = new SqliteMetaStore({ database: db });
    const after = Date.now();
    const since = (db.prepare("SELECT since FROM bucket_usage WHERE bucket = 'old'").get() as { since: number }).since;
    assert.ok(since >= before - 1 && since <= after + 1, `since ${since} is the migration time`);
    const rows = await store.read((tx) => tx.usage.hours({ fromHour: 0, toHour: Math.ceil((since + 2 * HOUR_MS) / HOUR_MS), now: since + 2 * HOUR_MS }));
    const byteHours = rows.filter((r) => r.meter === 'storage.byte_hours').reduce((n, r) => n + r.quantity, 0n);
    assert.equal(byteHours, 2000n, 'two hours of 1000 bytes since the migration, nothing before');
    await store.close();
    db.close();
  });
});
