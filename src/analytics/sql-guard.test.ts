import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { isAppError } from '../core/errors.js';
import { POSITION } from './errors.js';
import { SqlParser } from './sandbox.js';
import { guardQuery } from './sql-guard.js';

const parser = new SqlParser();
const guard = (sql: string) => guardQuery(sql, (s) => parser.serialize(s));

async function refusal(sql: string): Promise<{ code: string; message: string; position: string | undefined }> {
  try {
    await guard(sql);
  } catch (e) {
    if (!isAppError(e)) throw e;
    return { code: e.code, message: e.message, position: e.details?.[POSITION] };
  }
  assert.fail(`expected ${sql} to be refused`);
}

describe('analytics SQL guard (DuckDB parse tree)', () => {
  after(() => parser.close());

  it('finds s3:// references in readers and quoted table names, with their literal spans', async () => {
    const sql = "WITH t AS (SELECT * FROM read_parquet(['s3://a/x.parquet', 's3://a/y/*.parquet'])) SELECT * FROM t JOIN 's3://b/k.csv' USING (id) WHERE note = 's3://not/a/reference'";
    const { references } = await guard(sql);
    assert.deepEqual(references.map((r) => [r.kind, r.bucket, r.key, sql.slice(r.start, r.end)]), [
      ['reader', 'a', 'x.parquet', "'s3://a/x.parquet'"],
      ['reader', 'a', 'y/*.parquet', "'s3://a/y/*.parquet'"],
      ['table', 'b', 'k.csv', "'s3://b/k.csv'"],
    ]);
  });

  it("spans E'' and dollar-quoted literals and keys with quotes", async () => {
    const sql = "SELECT * FROM read_csv(E's3://a/it''s.csv') UNION ALL SELECT * FROM read_csv($$s3://a/b.csv$$)";
    const { references } = await guard(sql);
    assert.deepEqual(references.map((r) => [r.key, sql.slice(r.start, r.end)]), [["it's.csv", "E's3://a/it''s.csv'"], ['b.csv', '$$s3://a/b.csv$$']]);
  });

  it('allows queries that read nothing, CTEs, VALUES, FROM-first, DESCRIBE and SUMMARIZE', async () => {
    for (const sql of ['SELECT 1', 'VALUES (1), (2)', "FROM 's3://a/x.parquet'", 'WITH q AS (SELECT 42 AS n) SELECT n FROM q', "DESCRIBE SELECT * FROM 's3://a/x.csv'", "SUMMARIZE SELECT * FROM 's3://a/x.csv'", 'SELECT * FROM range(3)']) {
      await guard(sql);
    }
  });

  it('refuses every statement that is not a single read-only query', async () => {
    for (const sql of [
      "ATTACH '/tmp/x.db'", "ATTACH ':memory:' AS m", "COPY (SELECT 1) TO '/tmp/x.csv'", 'INSTALL httpfs', 'LOAD httpfs',
      'SET enable_external_access = true', "SET memory_limit = '64GB'", 'RESET lock_configuration', 'PRAGMA enable_profiling',
      'CREATE TABLE t AS SELECT 1', "CREATE MACRO m() AS 1", "INSERT INTO t VALUES (1)", "EXPORT DATABASE '/tmp/db'", 'CALL pragma_version()',
      "CREATE SECRET (TYPE s3)", 'CHECKPOINT', 'DETACH m', 'USE memory', 'EXPLAIN SELECT 1',
    ]) {
      const r = await refusal(sql);
      assert.equal(r.code, 'QueryRefused', `${sql}: ${r.code} ${r.message}`);
    }
    const two = await refusal('SELECT 1; SELECT 2');
    assert.equal(two.code, 'QueryRefused');
    assert.match(two.message, /one query/);
  });

  it('refuses table functions other than readers and generators, and functions that reveal settings or run SQL text', async () => {
    for (const [sql, name] of [
      ["SELECT * FROM query('SELECT 1')", 'query'], ["SELECT * FROM glob('/etc/*')", 'glob'], ['SELECT * FROM duckdb_settings()', 'duckdb_settings'],
      ["SELECT current_setting('allowed_directories')", 'current_setting'], ['SELECT * FROM pragma_database_list()', 'pragma_database_list'],
      ["SELECT * FROM json_execute_serialized_sql('x')", 'json_execute_serialized_sql'], ['SELECT * FROM which_secret(\'s3://a\', \'s3\')', 'which_secret'],
    ] as const) {
      const r = await refusal(sql);
      assert.equal(r.code, 'QueryRefused', sql);
      assert.match(r.message, new RegExp(name), sql);
      assert.ok(r.position !== undefined, `${sql} has a position`);
    }
  });

  it('refuses tables that are not objects or CTEs (the catalog, local files)', async () => {
    for (const sql of ['SELECT * FROM duckdb_settings', 'SELECT * FROM information_schema.tables', "SELECT * FROM '/etc/passwd'", 'SELECT * FROM pg_catalog.pg_settings']) {
      assert.equal((await refusal(sql)).code, 'QueryRefused', sql);
    }
  });

  it("gives DuckDB's syntax error with its position; an s3:// URL without a key is an invalid query", async () => {
    const r = await refusal('SELECT a, FROM WHERE');
    assert.equal(r.code, 'InvalidQuery');
    assert.match(r.message, /syntax error/);
    assert.equal(r.position, '15');
    assert.equal((await refusal("SELECT * FROM read_csv('s3://only-bucket')")).code, 'InvalidQuery');
    assert.equal((await refusal('   ')).code, 'InvalidQuery');
  });
});
