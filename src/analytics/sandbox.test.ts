import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MAX_SPARES, openSandbox, SandboxPool, type Sandbox, type SandboxLimits } from './sandbox.js';

// The sandbox on its own, without the SQL guard in front: each refusal here is DuckDB's,
// so a query that slips past the guard (e.g. a path built at run time) still reaches nothing.
describe('analytics sandbox (locked DuckDB per query)', () => {
  let dir: string;
  let outside: string;
  let box: Sandbox;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sovra-sandbox-'));
    outside = await mkdtemp(join(tmpdir(), 'sovra-outside-'));
    await writeFile(join(dir, 'in.csv'), 'a,b\n1,2\n');
    await writeFile(join(outside, 'secret.csv'), 'x\nsecret\n');
    box = await openSandbox(dir, { memoryBytes: 64 * 1024 * 1024, threads: 1, tempBytes: 64 * 1024 * 1024 });
  });
  after(async () => {
    box.close();
    await rm(dir, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  const run = (sql: string) => box.connection.runAndReadAll(sql);

  it('reads files in its scratch directory', async () => {
    const r = await run(`SELECT sum(a + b) AS s FROM read_csv('${join(dir, 'in.csv')}')`);
    assert.deepEqual(r.getRowsJson(), [['3']]);
  });

  it('cannot read host files, by any path', async () => {
    await assert.rejects(run("SELECT * FROM read_csv('/etc/passwd')"), /Permission Error/);
    await assert.rejects(run(`SELECT * FROM read_csv('${join(outside, 'secret.csv')}')`), /Permission Error/);
    await assert.rejects(run(`SELECT * FROM read_csv('${join(dir, '..', outside.split('/').pop() ?? '', 'secret.csv')}')`), /Permission Error/);
    await assert.rejects(run("SELECT * FROM read_text('/etc/' || 'hostname')"), /Permission Error/);
    await assert.rejects(run("SELECT * FROM glob('/etc/*')"), /Permission Error/);
  });

  it('cannot write outside, attach databases, or reach the network', async () => {
    await assert.rejects(run(`COPY (SELECT 1) TO '${join(outside, 'x.csv')}'`), /Permission Error/);
    await assert.rejects(readFile(join(outside, 'x.csv')), { code: 'ENOENT' });
    await assert.rejects(run(`ATTACH '${join(outside, 'x.db')}'`), /Permission Error/);
    await assert.rejects(run("SELECT * FROM read_csv('https://example.com/x.csv')"), /Permission Error/);
    await assert.rejects(run("SELECT * FROM read_parquet('s3://bucket/x.parquet')"), /Permission Error/);
  });

  it('cannot install or load extensions', async () => {
    await assert.rejects(run('INSTALL httpfs'), /Permission Error|disabled/);
    await assert.rejects(run('LOAD httpfs'), /disabled through configuration|Permission Error/);
  });

  it('runs with its memory and thread limits, and fails cleanly beyond the memory', async () => {
    const r = await run("SELECT name, value FROM duckdb_settings() WHERE name IN ('threads', 'memory_limit', 'autoinstall_known_extensions', 'autoload_known_extensions') ORDER BY name");
    assert.deepEqual(r.getRowsJson(), [['autoinstall_known_extensions', 'false'], ['autoload_known_extensions', 'false'], ['memory_limit', '64.0 MiB'], ['threads', '1']]);
    // A list aggregate cannot spill: far beyond the 64 MiB, it runs out of memory and says so.
    await assert.rejects(run('SELECT list(range::VARCHAR || \'-padding-padding-padding\') FROM range(20000000)'), /Out of Memory Error/);
    assert.deepEqual((await run('SELECT 1')).getRowsJson(), [[1]]);
  });

  it('cannot change its settings: the configuration is locked', async () => {
    for (const s of ['SET enable_external_access = true', "SET allowed_directories = ['/']", "SET memory_limit = '64GB'", 'SET threads = 64', 'SET lock_configuration = false', 'RESET enable_external_access', 'SET autoload_known_extensions = true']) {
      await assert.rejects(run(s), /configuration has been locked/, s);
    }
    const r = await run("SELECT value FROM duckdb_settings() WHERE name = 'enable_external_access'");
    assert.deepEqual(r.getRowsJson(), [['false']]);
  });
});

describe('analytics sandbox pool (spares opened ahead, per set of limits)', () => {
  const limits = { memoryBytes: 64 * 1024 * 1024, threads: 1, tempBytes: 64 * 1024 * 1024 };

  it('opens nothing until asked; each lease is a new directory and a new locked instance', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sovra-pool-'));
    const pool = new SandboxPool(root);
    try {
      assert.deepEqual(await readdir(root), [], 'no spare before the first query');
      const a = pool.take(limits);
      const boxA = await a.sandbox;
      // What one query leaves in its instance is not in the next one's.
      await boxA.connection.run('CREATE TEMP TABLE leftover AS SELECT 42 AS x');
      await pool.replenish(limits);
      const b = pool.take(limits);
      const boxB = await b.sandbox;
      assert.notEqual(a.dir, b.dir);
      assert.notEqual(boxA, boxB);
      await assert.rejects(boxB.connection.run('SELECT * FROM leftover'), /does not exist/);
      await assert.rejects(boxB.connection.run('SET enable_external_access = true'), /configuration has been locked/);
      // The spare's directory is the only one it may read.
      await writeFile(join(a.dir, 'a.csv'), 'x\n1\n');
      await assert.rejects(boxB.connection.run(`SELECT * FROM read_csv('${join(a.dir, 'a.csv')}')`), /Permission Error/);
      boxA.close();
      boxB.close();
    } finally {
      await pool.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('close() closes a waiting spare and removes its directory; no spare is opened after', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sovra-pool-'));
    const pool = new SandboxPool(root);
    try {
      await pool.replenish(limits);
      assert.equal((await readdir(root)).length, 1);
      await pool.close();
      assert.deepEqual(await readdir(root), []);
      await pool.replenish(limits);
      assert.deepEqual(await readdir(root), []);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  /** The memory_limit and threads DuckDB reports for a sandbox. */
  async function settingsOf(box: Sandbox): Promise<unknown[][]> {
    return (await box.connection.runAndReadAll("SELECT name, value FROM duckdb_settings() WHERE name IN ('memory_limit', 'threads') ORDER BY name")).getRowsJson();
  }

  it('a spare serves only a query with the same limits; another gets a new sandbox with its own memory and threads', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sovra-pool-'));
    const pool = new SandboxPool(root);
    const narrow: SandboxLimits = { memoryBytes: 32 * 1024 * 1024, threads: 2, tempBytes: limits.tempBytes };
    try {
      await pool.replenish(limits);
      const [spareDir] = await readdir(root);
      const b = pool.take(narrow);
      const boxB = await b.sandbox;
      assert.notEqual(b.dir, join(root, spareDir ?? ''), 'not the spare opened with other limits');
      assert.deepEqual(b.limits, narrow);
      assert.deepEqual(await settingsOf(boxB), [['memory_limit', '32.0 MiB'], ['threads', '2']]);
      await assert.rejects(boxB.connection.run('SET threads = 4'), /configuration has been locked/);
      // The spare still waits for a query with its limits.
      assert.deepEqual(pool.spareLimits(), [limits]);
      const a = pool.take({ ...limits });
      assert.equal(a.dir, join(root, spareDir ?? ''));
      const boxA = await a.sandbox;
      assert.deepEqual(await settingsOf(boxA), [['memory_limit', '64.0 MiB'], ['threads', '1']]);
      assert.deepEqual(pool.spareLimits(), []);
      boxA.close();
      boxB.close();
    } finally {
      await pool.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it(`keeps at most ${MAX_SPARES} spares, one per set of limits, closing the least recently used`, async () => {
    const root = await mkdtemp(join(tmpdir(), 'sovra-pool-'));
    const pool = new SandboxPool(root);
    const two: SandboxLimits = { ...limits, threads: 2 };
    const small: SandboxLimits = { ...limits, memoryBytes: 16 * 1024 * 1024 };
    try {
      await pool.replenish(limits);
      await pool.replenish(limits);
      assert.equal((await readdir(root)).length, 1, 'one spare per set of limits');
      await pool.replenish(two);
      // Asked for again: the first becomes the most recently used, so the second goes.
      await pool.replenish(limits);
      await pool.replenish(small);
      assert.equal(MAX_SPARES, 2);
      assert.deepEqual(pool.spareLimits(), [limits, small]);
      assert.equal((await readdir(root)).length, 2, 'the pushed-out spare is closed and its directory removed');
      const s = pool.take(small);
      assert.deepEqual(await settingsOf(await s.sandbox), [['memory_limit', '16.0 MiB'], ['threads', '1']]);
      (await s.sandbox).close();
      const t = pool.take(two);
      assert.deepEqual(await settingsOf(await t.sandbox), [['memory_limit', '64.0 MiB'], ['threads', '2']]);
      (await t.sandbox).close();
      assert.deepEqual(pool.spareLimits(), [limits]);
    } finally {
      await pool.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});
