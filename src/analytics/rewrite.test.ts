import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { context, rewriteQuery, stripContext } from './rewrite.js';
import type { S3Reference } from './sql-guard.js';

function ref(sql: string, literal: string, kind: S3Reference['kind']): S3Reference {
  const start = sql.indexOf(literal);
  const url = literal.slice(1, -1);
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(url);
  return { url, bucket: m?.[1] ?? '', key: m?.[2] ?? '', kind, start, end: start + literal.length };
}

describe('analytics query rewriting', () => {
  const sql = "SELECT x FROM read_csv('s3://b/d/*.csv') JOIN 's3://b/t.parquet' USING (id) JOIN 's3://b/g/*.json' USING (id)";
  const scratch = '/data/analytics-scratch/123/q1';
  const resolved = [
    { ref: ref(sql, "'s3://b/d/*.csv'", 'reader'), files: [{ path: `${scratch}/in/o0.csv`, url: 's3://b/d/1.csv' }, { path: `${scratch}/in/o1.csv`, url: 's3://b/d/2.csv' }] },
    { ref: ref(sql, "'s3://b/t.parquet'", 'table'), files: [{ path: `${scratch}/in/o2.parquet`, url: 's3://b/t.parquet' }] },
    { ref: ref(sql, "'s3://b/g/*.json'", 'table'), files: [{ path: `${scratch}/in/o3.json`, url: 's3://b/g/a.json' }] },
  ];

  it('puts file paths in place of the literals: a list for a glob, a reader for a quoted glob table', () => {
    const r = rewriteQuery(sql, resolved, scratch);
    assert.equal(
      r.sql,
      `SELECT x FROM read_csv(['${scratch}/in/o0.csv', '${scratch}/in/o1.csv']) JOIN '${scratch}/in/o2.parquet' USING (id) JOIN read_json_auto(['${scratch}/in/o3.json']) USING (id)`,
    );
  });

  it('maps positions back to the original text', () => {
    const r = rewriteQuery(sql, resolved, scratch);
    assert.equal(r.originalPosition(7), 7);
    const usingNew = r.sql.indexOf('USING');
    assert.equal(r.originalPosition(usingNew), sql.indexOf('USING'));
    assert.equal(r.originalPosition(r.sql.indexOf('o2.parquet')), sql.indexOf("'s3://b/t.parquet'"));
  });

  it('never shows a scratch path in a message, and re-marks the position in the original text', () => {
    const r = rewriteQuery(sql, resolved, scratch);
    const at = r.sql.indexOf('x FROM');
    const duck = `Binder Error: Referenced column "x" not found in ${scratch}/in/o2.parquet\n\nLINE 1: ${r.sql}\n${' '.repeat('LINE 1: '.length + at)}^`;
    const t = r.translate(duck);
    assert.equal(t.position, sql.indexOf('x FROM'));
    assert.ok(!t.message.includes(scratch), t.message);
    assert.match(t.message, /not found in s3:\/\/b\/t\.parquet/);
    assert.ok(t.message.endsWith(context(sql, 7)));
    assert.ok(!r.translate(`IO Error: cannot open ${scratch}/spill/x.tmp`).message.includes(scratch));
  });

  it('finds the position in a windowed LINE excerpt of a long line', () => {
    const long = `SELECT ${Array.from({ length: 100 }, (_, i) => `c${i}, `).join('')}zz FROM t`;
    const from = long.indexOf('zz') - 60;
    const shown = `...${long.slice(from, from + 80)}...`;
    const caretCol = 60 + 3;
    const msg = `Binder Error: no zz\n\nLINE 1: ${shown}\n${' '.repeat('LINE 1: '.length + caretCol)}^`;
    assert.equal(stripContext(msg, long).position, long.indexOf('zz'));
  });
});
