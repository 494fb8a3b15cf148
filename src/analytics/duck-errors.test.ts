import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duckError } from './duck-errors.js';
import { POSITION } from './errors.js';
import { rewriteQuery } from './rewrite.js';

describe("DuckDB's errors as Sovra's", () => {
  const sql = "SELECT * FROM 's3://b/x.parquet'";
  const start = sql.indexOf("'s3");
  const rw = rewriteQuery(sql, [{ ref: { url: 's3://b/x.parquet', bucket: 'b', key: 'x.parquet', kind: 'table', start, end: sql.length }, files: [{ path: '/d/scratch/q/in/o0.parquet', url: 's3://b/x.parquet' }] }], '/d/scratch/q');

  it('maps sandbox refusals, memory, unreadable files and the rest', () => {
    assert.equal(duckError(new Error('Permission Error: Cannot access file "/etc/passwd" - file system operations are disabled by configuration'), rw).code, 'QueryRefused');
    assert.equal(duckError(new Error('Invalid Input Error: Cannot change configuration option "threads" - the configuration has been locked'), rw).code, 'QueryRefused');
    assert.equal(duckError(new Error('Out of Memory Error: failed to allocate data of size 8.0 MiB (61.0 MiB/64.0 MiB used)'), rw).code, 'QueryMemoryExceeded');
    const bad = duckError(new Error('Invalid Input Error: File \'/d/scratch/q/in/o0.parquet\' too small to be a Parquet file'), rw);
    assert.equal(bad.code, 'MalformedObject');
    assert.equal(bad.message, "Invalid Input Error: File 's3://b/x.parquet' too small to be a Parquet file");
    assert.equal(duckError(new Error('Conversion Error: Could not convert string "x" to INT32'), rw).code, 'InvalidQuery');
  });

  it('keeps the position, in the original text', () => {
    const rewritten = rw.sql;
    const e = duckError(new Error(`Catalog Error: Table Function with name nope does not exist!\n\nLINE 1: ${rewritten}\n${' '.repeat(8 + 7)}^`), rw);
    assert.equal(e.code, 'InvalidQuery');
    assert.equal(e.details?.[POSITION], '7');
    assert.doesNotMatch(e.message, /scratch/);
  });
});
