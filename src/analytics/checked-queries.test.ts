import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isAppError } from '../core/errors.js';
import { CheckedQueries } from './checked-queries.js';
import { SqlParser } from './sandbox.js';

describe('checked queries', () => {
  const parser = new SqlParser();
  after(() => parser.close());
  /** DuckDB's parser, counting its calls. */
  function counted() {
    const calls: string[] = [];
    return { calls, serialize: (sql: string) => { calls.push(sql); return parser.serialize(sql); } };
  }
  const code = async (p: Promise<unknown>) => p.then(() => 'passed', (e: unknown) => (isAppError(e) ? e.code : String(e)));

  it('checks a text once: the same text again is answered without parsing, with the same verdict', async () => {
    const p = counted();
    const q = new CheckedQueries(p.serialize);
    const text = "SELECT count(*) FROM read_parquet('s3://b/sales/*.parquet');";
    const first = await q.check(text);
    const parses = p.calls.length;
    assert.ok(parses >= 1);
    const again = await q.check(text);
    assert.equal(p.calls.length, parses, 'no parse the second time');
    assert.deepEqual(again, first);
    assert.equal(again.sql, "SELECT count(*) FROM read_parquet('s3://b/sales/*.parquet') ");
    assert.deepEqual(again.references.map((r) => [r.bucket, r.key]), [['b', 'sales/*.parquet']]);
    assert.throws(() => { (again.references[0] as { key: string }).key = 'other'; }, TypeError, 'what is remembered cannot be changed by a caller');
  });

  it('a text that differs by one character is checked anew, and a refused one is refused every time', async () => {
    const p = counted();
    const q = new CheckedQueries(p.serialize);
    await q.check("SELECT * FROM 's3://b/k.csv'");
    assert.equal(await code(q.check("SELECT * FROM current_setting('temp_directory')")), 'QueryRefused');
    const before = p.calls.length;
    assert.equal(await code(q.check("SELECT * FROM current_setting('temp_directory')")), 'QueryRefused');
    assert.ok(p.calls.length > before, 'a refused text is parsed again, never remembered');
    assert.equal(await code(q.check("SELECT * FROM 's3://b/k.csv'; ATTACH 'x.db'")), 'QueryRefused');
    assert.equal(q.size, 1);
  });

  it('keeps at most maxEntries texts, forgetting the least recently used, and never long ones', async () => {
    const p = counted();
    const q = new CheckedQueries(p.serialize, 2, 40);
    await q.check('SELECT 1');
    await q.check('SELECT 2');
    await q.check('SELECT 1');
    await q.check('SELECT 3');
    const n = p.calls.length;
    await q.check('SELECT 1');
    assert.equal(p.calls.length, n, 'SELECT 1 was used last: kept');
    await q.check('SELECT 2');
    assert.equal(p.calls.length, n + 1, 'SELECT 2 was forgotten');
    await q.check(`SELECT '${'x'.repeat(40)}'`);
    assert.equal(q.size, 2);
  });
});
