import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryRegistry } from './query-registry.js';
import type { QueryStatus } from './query-run.js';

const status = (id: string, state: QueryStatus['state'] = 'running'): QueryStatus => ({
  id, state, progress: null, bytesScanned: 0, elapsedMs: 0, rows: 0,
  limits: { timeoutMs: 1000, memoryBytes: 64 << 20, threads: 1, maxResultBytes: 1 << 20 },
});

describe('query registry: limits over all processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sovra-registry-'));
  // Two connections to one file, as two worker processes of one server have.
  const a = new QueryRegistry(join(dir, 'queries.db'), 60_000);
  const b = new QueryRegistry(join(dir, 'queries.db'), 60_000);
  after(() => {
    a.close();
    b.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const alive = () => true;

  it('counts what every connection admitted: the per-account and the total limit', () => {
    assert.equal(a.admit('acme', status('q-acme-1'), { perAccount: 1, total: 3 }, alive), undefined);
    assert.deepEqual(b.admit('acme', status('q-acme-2'), { perAccount: 1, total: 3 }, alive), { limit: 'account', running: 1 });
    assert.equal(b.get('acme', 'q-acme-2'), undefined, 'a refused query is not recorded');
    assert.equal(b.admit('beta', status('q-beta-1'), { perAccount: 1, total: 3 }, alive), undefined);
    assert.equal(a.admit('gamma', status('q-gamma-1'), { perAccount: 2, total: 3 }, alive), undefined);
    assert.deepEqual(b.admit('delta', status('q-delta-1'), { perAccount: 2, total: 3 }, alive), { limit: 'total', running: 3 });
  });

  it('a finished query frees its place; a query of a process that died holds none', () => {
    a.update('acme', status('q-acme-1', 'succeeded'));
    assert.equal(b.admit('acme', status('q-acme-3'), { perAccount: 1, total: 10 }, alive), undefined);
    // A row left 'running' by a worker that crashed (another pid): counted while that pid lives.
    const db = new Database(join(dir, 'queries.db'));
    db.prepare("INSERT INTO queries (account, id, pid, state, status, cancel) VALUES ('omega', 'q-crashed', 999999, 'running', '{}', 0)").run();
    db.close();
    assert.deepEqual(a.admit('omega', status('q-omega-1'), { perAccount: 1, total: 10 }, (pid) => pid === 999999), { limit: 'account', running: 1 });
    assert.equal(a.admit('omega', status('q-omega-2'), { perAccount: 1, total: 10 }, () => false), undefined);
    // This process's own rows count whatever the liveness check says.
    assert.deepEqual(b.admit('acme', status('q-acme-4'), { perAccount: 1, total: 10 }, () => false), { limit: 'account', running: 1 });
  });
});
