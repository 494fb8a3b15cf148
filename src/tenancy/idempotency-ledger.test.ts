import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { StoreIdempotencyLedger } from './idempotency-ledger.js';
import { SqliteAccountStore } from './sqlite-account-store.js';

describe('StoreIdempotencyLedger', () => {
  let dir: string;
  let store: SqliteAccountStore;
  let clock: { now: Date };
  let ledger: StoreIdempotencyLedger;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sovra-idem-'));
    store = new SqliteAccountStore(join(dir, 'accounts.db'));
    clock = { now: new Date('2026-01-01T00:00:00Z') };
    ledger = new StoreIdempotencyLedger({ store, clock: () => clock.now });
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('acts once and replays the first response for the same key and request', async () => {
    let acted = 0;
    const act = async () => ({ status: 201, body: { id: `thing-${++acted}` } });
    assert.deepEqual(await ledger.run('U1', 'k1', 'POST /x {"a":1}', act), { status: 201, body: { id: 'thing-1' }, replayed: false });
    assert.deepEqual(await ledger.run('U1', 'k1', 'POST /x {"a":1}', act), { status: 201, body: { id: 'thing-1' }, replayed: true });
    // Another process (a second handle on the file) replays it too.
    const other = new SqliteAccountStore(join(dir, 'accounts.db'));
    try {
      assert.equal((await new StoreIdempotencyLedger({ store: other, clock: () => clock.now }).run('U1', 'k1', 'POST /x {"a":1}', act)).replayed, true);
    } finally {
      other.close();
    }
    // Keys are per user.
    assert.equal((await ledger.run('U2', 'k1', 'POST /x {"a":1}', act)).replayed, false);
    assert.equal(acted, 2);
  });

  it('refuses the same key for a different request (IdempotencyKeyReused) and a concurrent duplicate (Conflict)', async () => {
    await ledger.run('U1', 'k1', 'fp-1', async () => ({ status: 200, body: null }));
    await assert.rejects(ledger.run('U1', 'k1', 'fp-2', async () => ({ status: 200, body: null })), { code: 'IdempotencyKeyReused' });
    let release!: () => void;
    const slow = ledger.run('U1', 'k2', 'fp', () => new Promise((r) => { release = () => r({ status: 200, body: 'done' }); }));
    await assert.rejects(ledger.run('U1', 'k2', 'fp', async () => ({ status: 200, body: 'twice' })), { code: 'Conflict' });
    release();
    assert.equal((await slow).body, 'done');
  });

  it('releases the key when the request fails, so it can be retried', async () => {
    await assert.rejects(ledger.run('U1', 'k1', 'fp', async () => { throw new Error('boom'); }), /boom/);
    assert.equal(store.getIdempotency('U1', 'k1'), undefined);
    assert.equal((await ledger.run('U1', 'k1', 'fp', async () => ({ status: 503, body: 'later' }))).replayed, false);
    assert.equal(store.getIdempotency('U1', 'k1'), undefined, '5xx answers are not kept');
    assert.equal((await ledger.run('U1', 'k1', 'fp', async () => ({ status: 200, body: 'ok' }))).body, 'ok');
  });

  it('forgets entries after 24 hours', async () => {
    await ledger.run('U1', 'k1', 'fp-1', async () => ({ status: 200, body: 1 }));
    clock.now = new Date(clock.now.getTime() + 24 * 3600_000 + 1);
    const again = await ledger.run('U1', 'k1', 'fp-2', async () => ({ status: 200, body: 2 }));
    assert.deepEqual(again, { status: 200, body: 2, replayed: false });
  });
});
