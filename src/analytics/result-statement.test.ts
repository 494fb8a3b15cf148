import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blankStatementEnds, copyStatement, tableStatement } from './result-statement.js';
import { rewriteQuery } from './rewrite.js';

describe('analytics result statements', () => {
  it('blanks only the semicolons that end the statement, keeping the length', () => {
    assert.equal(blankStatementEnds('SELECT 1;'), 'SELECT 1 ');
    assert.equal(blankStatementEnds('SELECT 1; -- done;\n;'), 'SELECT 1  -- done;\n ');
    for (const kept of ["SELECT ';' AS s", 'SELECT 1 AS ";"', "SELECT 'it''s;' AS s", "SELECT E'a\\';' AS s", 'SELECT $$;$$ AS s', 'SELECT $t$ ; $t$', 'SELECT 1 /* ; /* ; */ ; */', 'SELECT 1 -- ;']) {
      assert.equal(blankStatementEnds(kept), kept, kept);
    }
    assert.equal(blankStatementEnds("SELECT 'a;b';"), "SELECT 'a;b' ");
  });

  it('puts the query on lines of its own inside the COPY, and maps positions back', () => {
    const sql = 'SELECT nocol FROM t -- trailing comment';
    const rw = rewriteQuery(sql, [], '/scratch/q');
    const copy = copyStatement(rw, 'csv', '/scratch/q/result.csv', ['nocol']);
    assert.equal(copy.sql, `COPY (\n${sql}\n) TO '/scratch/q/result.csv' (FORMAT csv, HEADER true)`);
    const t = copy.translate('Binder Error: Referenced column "nocol" not found\n\nLINE 2: SELECT nocol FROM t -- trailing comment\n               ^');
    assert.equal(t.position, sql.indexOf('nocol'));
    assert.match(t.message, /^Binder Error: Referenced column "nocol" not found\n\nLINE 1: SELECT nocol/);
    // A position in the wrapper is none of the caller's text.
    assert.equal(copy.translate('Parser Error: x\n\nLINE 1: COPY (\n        ^').position, undefined);
  });

  it('reads DESCRIBE/SUMMARIZE from a subquery, and distinct names for JSON objects', () => {
    const rw = rewriteQuery('DESCRIBE SELECT 1', [], '/s');
    assert.equal(copyStatement(rw, 'jsonl', '/s/r.jsonl', ['column_name']).sql, "COPY (FROM (\nDESCRIBE SELECT 1\n)) TO '/s/r.jsonl' (FORMAT json)");
    assert.equal(tableStatement(rw, 'r').sql, 'CREATE TEMP TABLE r AS (FROM (\nDESCRIBE SELECT 1\n))');
    const dup = rewriteQuery('SELECT 1 AS a, 2 AS A', [], '/s');
    assert.equal(copyStatement(dup, 'jsonl', '/s/r.jsonl', ['a', 'A']).sql, "COPY (FROM (\nSELECT 1 AS a, 2 AS A\n)) TO '/s/r.jsonl' (FORMAT json)");
    assert.equal(copyStatement(dup, 'csv', '/s/r.csv', ['a', 'A']).sql, "COPY (\nSELECT 1 AS a, 2 AS A\n) TO '/s/r.csv' (FORMAT csv, HEADER true)");
  });
});
