/**
 * S3 Select SQL: parsing, refusals with AWS's codes, and the translated
 * queries run by DuckDB over real files (an in-memory DuckDB stands in for the
 * analytics engine's runner; the handler's tests use the engine itself).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { isAppError } from '../../core/errors.js';
import { parseSelectRequest, type SelectRequest } from './request.js';
import { planSelect, type Row, type SqlRunner } from './plan.js';
import { recordWriter } from './output.js';
import { parseSelectSql } from './sql.js';

let dir: string;
let conn: DuckDBConnection;
let instance: DuckDBInstance;

const runner = (): SqlRunner => ({
  async describe(sql) {
    const r = await conn.runAndReadAll(`DESCRIBE ${sql}`);
    return r.getRowObjectsJS().map((o) => ({ name: String(o['column_name']), type: String(o['column_type']) }));
  },
  async *rows(sql) {
    const r = await conn.runAndReadAll(sql);
    for (const row of r.getRowsJS()) yield row.map((v) => (v === null ? null : String(v)));
  },
});

function request(expression: string, input: string, output = '<CSV/>', extra = ''): SelectRequest {
  return parseSelectRequest(Buffer.from(
    `<SelectObjectContentRequest><Expression>${expression.replaceAll('&', '&amp;').replaceAll('<', '&lt;')}</Expression><ExpressionType>SQL</ExpressionType>` +
      `<InputSerialization>${input}</InputSerialization><OutputSerialization>${output}</OutputSerialization>${extra}</SelectObjectContentRequest>`,
  ));
}

async function select(file: string, expression: string, input: string, output = '<CSV/>', opts: { gzip?: boolean; array?: boolean } = {}): Promise<string> {
  const req = request(expression, input, output);
  const sql = await planSelect(req, parseSelectSql(req.expression), { path: join(dir, file), compression: opts.gzip ? 'GZIP' : 'NONE', topLevelArray: opts.array ?? false }, runner());
  const write = recordWriter(req.output);
  let out = '';
  for await (const row of runner().rows(sql) as AsyncIterable<Row>) out += write(row);
  return out;
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

async function asyncCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

const CSV_USE = '<CSV><FileHeaderInfo>USE</FileHeaderInfo></CSV>';
const CSV_NONE = '<CSV><FileHeaderInfo>NONE</FileHeaderInfo></CSV>';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sovra-select-'));
  const people = 'name,age,city\nalice,30,"Paris, FR"\nbob,007,Berlin\ncarol,41,\ndave,x,Oslo\n';
  writeFileSync(join(dir, 'people.csv'), people);
  writeFileSync(join(dir, 'people.csv.gz'), gzipSync(people));
  writeFileSync(join(dir, 'semi.csv'), '# a comment\nalpha;1\nbeta;2\n');
  writeFileSync(join(dir, 'lines.json'), '{"id":1,"user":{"name":"Ann"},"tags":["a","b"],"score":2.5}\n{"id":2,"user":{"name":"Bo"},"tags":[],"score":null}\n');
  writeFileSync(join(dir, 'doc.json'), '{"items":[{"sku":"A","qty":2},{"sku":"B","qty":5}],"owner":"x"}');
  writeFileSync(join(dir, 'array.json'), '[{"n":1},{"n":2},{"n":3}]');
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  await conn.run(`COPY (SELECT range AS id, 'p' || range AS label, range * 1.5 AS price FROM range(10)) TO '${join(dir, 't.parquet')}' (FORMAT parquet)`);
});

after(() => {
  conn.closeSync();
  instance.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

describe('S3 Select SQL parsing', () => {
  it('accepts the dialect: paths, aliases, predicates, functions, aggregates, LIMIT', () => {
    const q = parseSelectSql(`SELECT s."Name", s._2 AS age, UPPER(TRIM(LEADING 'x' FROM s.c)) FROM S3Object[*].a[*] AS s WHERE s.a BETWEEN 1 AND 5 AND s.b NOT IN ('x','y') OR s.c IS NOT MISSING LIMIT 10`);
    assert.equal(q.alias, 's');
    assert.equal(q.limit, 10);
    assert.deepEqual(q.fromPath, [{ wildcard: true }, { name: 'a', quoted: false }, { wildcard: true }]);
    assert.ok(Array.isArray(q.items) && q.items.length === 3);
    assert.equal(parseSelectSql('select count(*) from s3object').items !== '*', true);
    assert.equal(parseSelectSql('SELECT * FROM S3Object s;').items, '*');
  });

  it('refuses what S3 Select lacks with the code AWS answers', () => {
    const cases: Array<[string, string]> = [
      ['SELECT * FROM S3Object s ORDER BY s._1', 'UnsupportedSqlOperation'],
      ['SELECT s._1, COUNT(*) FROM S3Object s GROUP BY s._1', 'ParseExpectedIdentForGroupName'],
      ['SELECT * FROM S3Object a JOIN S3Object b ON a._1 = b._1', 'ParseMalformedJoin'],
      ['SELECT * FROM S3Object a, S3Object b', 'ParseMalformedJoin'],
      ['SELECT CASE WHEN s._1 = 1 THEN 2 END FROM S3Object s', 'ParseUnsupportedCase'],
      ['SELECT * FROM (SELECT * FROM S3Object)', 'ParseUnsupportedSelect'],
      ['SELECT *, s._1 FROM S3Object s', 'ParseAsteriskIsNotAloneInSelectList'],
      ['SELECT FROM S3Object', 'ParseEmptySelect'],
      ['SELECT s._1', 'ParseSelectMissingFrom'],
      ['SELECT SUM(*) FROM S3Object', 'ParseUnsupportedCallWithStar'],
      ['SELECT MAX(s._1, s._2) FROM S3Object s', 'ParseNonUnaryAgregateFunctionCall'],
      ['SELECT REVERSE(s._1) FROM S3Object s', 'UnsupportedFunction'],
      ['SELECT UTCNOW() FROM S3Object s', 'UnsupportedFunction'],
      ['SELECT NULLIF(s._1) FROM S3Object s', 'EvaluatorInvalidArguments'],
      ['SELECT CAST(s._1 AS BLOB) FROM S3Object s', 'ParseExpectedTypeName'],
      ['SELECT CAST s._1 FROM S3Object s', 'ParseExpectedLeftParenAfterCast'],
      ["SELECT 'abc FROM S3Object", 'LexerInvalidLiteral'],
      ['SELECT s._1 FROM S3Object s WHERE s._1 ! 2', 'LexerInvalidOperator'],
      ['SELECT s._1 FROM S3Object s WHERE s._1 = \u00a7', 'LexerInvalidChar'],
      ['SELECT * FROM S3Object LIMIT -1', 'EvaluatorNegativeLimit'],
      ['SELECT * FROM S3Object LIMIT x', 'ParseExpectedNumber'],
      ['SELECT * FROM mytable', 'UnsupportedSqlStructure'],
      ['SELECT * FROM S3Object WHERE', 'ParseExpectedExpression'],
      ['SELECT s._1 FROM S3Object s WHERE s._1 = 1 s._2', 'ParseUnexpectedToken'],
      ['SELECT DISTINCT s._1 FROM S3Object s', 'ParseUnsupportedSyntax'],
      ['SELECT s._1 AS FROM S3Object s', 'ParseExpectedIdentForAlias'],
      ['SELECT s.a[x] FROM S3Object s', 'ParseInvalidPathComponent'],
    ];
    for (const [sql, want] of cases) assert.equal(code(() => parseSelectSql(sql)), want, sql);
  });
});

describe('S3 Select request document', () => {
  it('reads every InputSerialization and OutputSerialization setting', () => {
    const r = request('SELECT * FROM S3Object', '<CompressionType>GZIP</CompressionType><CSV><FileHeaderInfo>use</FileHeaderInfo><FieldDelimiter>;</FieldDelimiter><QuoteCharacter>\'</QuoteCharacter><QuoteEscapeCharacter>\\</QuoteEscapeCharacter><Comments>#</Comments><RecordDelimiter>&#13;&#10;</RecordDelimiter><AllowQuotedRecordDelimiter>TRUE</AllowQuotedRecordDelimiter></CSV>',
      '<JSON><RecordDelimiter>,</RecordDelimiter></JSON>', '<RequestProgress><Enabled>true</Enabled></RequestProgress>');
    assert.deepEqual(r.input, { format: 'CSV', fileHeaderInfo: 'USE', fieldDelimiter: ';', recordDelimiter: '\r\n', quoteCharacter: "'", quoteEscapeCharacter: '\\', comments: '#', allowQuotedRecordDelimiter: true });
    assert.equal(r.compression, 'GZIP');
    assert.deepEqual(r.output, { format: 'JSON', recordDelimiter: ',' });
    assert.equal(r.requestProgress, true);
  });

  it('answers AWS codes for bad or missing parameters', () => {
    const doc = (inner: string) => () => parseSelectRequest(Buffer.from(`<SelectObjectContentRequest>${inner}</SelectObjectContentRequest>`));
    const io = '<InputSerialization><CSV/></InputSerialization><OutputSerialization><CSV/></OutputSerialization>';
    assert.equal(code(() => parseSelectRequest(Buffer.alloc(0))), 'EmptyRequestBody');
    assert.equal(code(doc(`<ExpressionType>SQL</ExpressionType>${io}`)), 'MissingRequiredParameter');
    assert.equal(code(doc(`<Expression>SELECT 1</Expression>${io}`)), 'MissingRequiredParameter');
    assert.equal(code(doc(`<Expression>SELECT 1</Expression><ExpressionType>XPATH</ExpressionType>${io}`)), 'InvalidExpressionType');
    assert.equal(code(doc('<Expression>x</Expression><ExpressionType>SQL</ExpressionType><OutputSerialization><CSV/></OutputSerialization>')), 'MissingRequiredParameter');
    const withIn = (input: string, output = '<CSV/>') => doc(`<Expression>x</Expression><ExpressionType>SQL</ExpressionType><InputSerialization>${input}</InputSerialization><OutputSerialization>${output}</OutputSerialization>`);
    assert.equal(code(withIn('<CSV/><JSON/>')), 'ObjectSerializationConflict');
    assert.equal(code(withIn('<CSV/>', '<CSV/><JSON/>')), 'ObjectSerializationConflict');
    assert.equal(code(withIn('<CSV><FileHeaderInfo>MAYBE</FileHeaderInfo></CSV>')), 'InvalidFileHeaderInfo');
    assert.equal(code(withIn('<JSON><Type>XML</Type></JSON>')), 'InvalidJsonType');
    assert.equal(code(withIn('<CSV/>', '<CSV><QuoteFields>SOMETIMES</QuoteFields></CSV>')), 'InvalidQuoteFields');
    assert.equal(code(withIn('<CompressionType>ZSTD</CompressionType><CSV/>')), 'InvalidCompressionFormat');
    assert.equal(code(withIn('<CompressionType>BZIP2</CompressionType><CSV/>')), 'NotImplemented');
    assert.equal(code(withIn('<CSV><FieldDelimiter>;;</FieldDelimiter></CSV>')), 'InvalidRequestParameter');
    assert.equal(code(withIn('<CSV/><Bogus/>')), 'MalformedXML');
    const ranged = (range: string, input = '<CSV/>') => doc(`<Expression>x</Expression><ExpressionType>SQL</ExpressionType><InputSerialization>${input}</InputSerialization><OutputSerialization><CSV/></OutputSerialization><ScanRange>${range}</ScanRange>`);
    assert.equal(code(ranged('<Start>10</Start><End>5</End>')), 'InvalidScanRange');
    assert.equal(code(ranged('<Start>0</Start>', '<Parquet/>')), 'UnsupportedScanRangeInput');
    assert.equal(code(() => request('x'.repeat(256 * 1024 + 1), '<CSV/>')), 'ExpressionTooLong');
  });
});

describe('S3 Select translated to DuckDB', () => {
  it('CSV with a header: names (any case), positions, quoted fields, empty fields', async () => {
    assert.equal(await select('people.csv', 'SELECT s.NAME, s._3 FROM S3Object s', CSV_USE), 'alice,"Paris, FR"\nbob,Berlin\ncarol,\ndave,Oslo\n');
    assert.equal(await select('people.csv', 'SELECT * FROM S3Object LIMIT 2', CSV_USE), 'alice,30,"Paris, FR"\nbob,007,Berlin\n');
    assert.equal(await select('people.csv', `SELECT s.name FROM S3Object s WHERE s.city = ''`, CSV_USE), 'carol\n');
    assert.equal(await select('people.csv', 'SELECT s."name" FROM S3Object s WHERE s."city" LIKE \'%R\'', CSV_USE), 'alice\n');
  });

  it('CSV fields compare as numbers against numbers, and as text otherwise', async () => {
    assert.equal(await select('people.csv', 'SELECT s.name FROM S3Object s WHERE s.age > 20', CSV_USE), 'alice\ncarol\n');
    assert.equal(await select('people.csv', 'SELECT s.name FROM S3Object s WHERE s.age = 7', CSV_USE), 'bob\n');
    assert.equal(await select('people.csv', "SELECT s.name FROM S3Object s WHERE s.age = '007'", CSV_USE), 'bob\n');
    assert.equal(await select('people.csv', 'SELECT s.name FROM S3Object s WHERE s.age BETWEEN 1 AND 35 OR s.name IN (\'dave\')', CSV_USE), 'alice\nbob\ndave\n');
    assert.equal(await select('people.csv', 'SELECT s.name FROM S3Object s WHERE NOT s.age < 35 AND s.city IS NOT NULL', CSV_USE), 'carol\n');
  });

  it('CSV without a header: _N only; IGNORE skips the first line', async () => {
    assert.equal(await select('people.csv', 'SELECT s._1 FROM S3Object s LIMIT 2', CSV_NONE), 'name\nalice\n');
    assert.equal(await select('people.csv', 'SELECT s._1 FROM S3Object s LIMIT 1', '<CSV><FileHeaderInfo>IGNORE</FileHeaderInfo></CSV>'), 'alice\n');
    assert.equal(await asyncCode(select('people.csv', 'SELECT s.name FROM S3Object s', CSV_NONE)), 'EvaluatorBindingDoesNotExist');
    assert.equal(await asyncCode(select('people.csv', 'SELECT s._9 FROM S3Object s', CSV_USE)), 'InvalidColumnIndex');
    assert.equal(await asyncCode(select('people.csv', 'SELECT s.nope FROM S3Object s', CSV_USE)), 'EvaluatorBindingDoesNotExist');
  });

  it('CSV dialect: delimiter, comments, GZIP', async () => {
    assert.equal(await select('semi.csv', 'SELECT s._2, s._1 FROM S3Object s', '<CSV><FieldDelimiter>;</FieldDelimiter><Comments>#</Comments></CSV>'), '1,alpha\n2,beta\n');
    assert.equal(await select('people.csv.gz', 'SELECT COUNT(*) FROM S3Object', CSV_USE, '<CSV/>', { gzip: true }), '4\n');
  });

  it('aggregates, CAST and functions', async () => {
    assert.equal(await select('people.csv', "SELECT COUNT(*), MAX(s.name), SUM(CAST(s.age AS INT)) FROM S3Object s WHERE s.name <> 'dave'", CSV_USE), '3,carol,78\n');
    assert.equal(await select('people.csv', 'SELECT AVG(s.age) FROM S3Object s WHERE s.age > 0', CSV_USE), '26.0\n');
    assert.equal(await select('people.csv', "SELECT UPPER(s.name), LOWER('AbC'), CHAR_LENGTH(s.city), SUBSTRING(s.name, 2, 3), SUBSTRING(s.name FROM 3), TRIM('  x '), COALESCE(NULLIF(s.city, ''), 'none') FROM S3Object s WHERE s.name = 'carol'", CSV_USE), 'CAROL,abc,0,aro,rol,x,none\n');
    assert.equal(await select('people.csv', 'SELECT s.name || \'-\' || s.age, CAST(s.age AS INT) + 1 FROM S3Object s LIMIT 2', CSV_USE), 'alice-30,31\nbob-007,8\n');
    assert.equal(await asyncCode(select('people.csv', 'SELECT s.name, COUNT(*) FROM S3Object s', CSV_USE)), 'UnsupportedSqlStructure');
    assert.equal(await asyncCode(select('people.csv', 'SELECT s.name FROM S3Object s WHERE COUNT(*) > 1', CSV_USE)), 'UnsupportedSqlOperation');
  });

  it('JSON LINES and DOCUMENT: nested paths, FROM paths, JSON output keys', async () => {
    const lines = '<JSON><Type>LINES</Type></JSON>';
    assert.equal(await select('lines.json', 'SELECT s.id, s.user.name, s.tags[0] FROM S3Object[*] s', lines, '<JSON/>'),
      '{"id":1,"name":"Ann","_3":"a"}\n{"id":2,"name":"Bo","_3":null}\n');
    assert.equal(await select('lines.json', 'SELECT * FROM S3Object s WHERE s.score IS NULL', lines, '<JSON/>'), '{"id":2,"user":{"name":"Bo"},"tags":[],"score":null}\n');
    assert.equal(await select('lines.json', 'SELECT s.user FROM S3Object s WHERE s.id = 1', lines), '"{""name"":""Ann""}"\n');
    assert.equal(await select('lines.json', 'SELECT s.missing FROM S3Object s LIMIT 1', lines, '<JSON/>'), '{"missing":null}\n');
    assert.equal(await select('doc.json', 'SELECT d.sku AS s, d.qty FROM S3Object[*].items[*] d WHERE d.qty > 3', '<JSON><Type>DOCUMENT</Type></JSON>', '<JSON/>'), '{"s":"B","qty":5}\n');
    assert.equal(await select('array.json', 'SELECT SUM(a.n) AS total FROM S3Object[*] a', '<JSON><Type>DOCUMENT</Type></JSON>', '<JSON/>', { array: true }), '{"total":6}\n');
  });

  it('Parquet columns keep their types', async () => {
    assert.equal(await select('t.parquet', 'SELECT s.label, s.price FROM S3Object s WHERE s.id >= 8', '<Parquet/>'), 'p8,12.0\np9,13.5\n');
    assert.equal(await select('t.parquet', 'SELECT COUNT(*) AS n, MIN(s.price) AS lo FROM S3Object s', '<Parquet/>', '<JSON/>'), '{"n":10,"lo":0.0}\n');
  });

  it('CSV output settings: delimiter, quoting ALWAYS, escape, record delimiter', async () => {
    const out = '<CSV><FieldDelimiter>|</FieldDelimiter><QuoteFields>ALWAYS</QuoteFields><RecordDelimiter>&#13;&#10;</RecordDelimiter></CSV>';
    assert.equal(await select('people.csv', 'SELECT s.name, s.city FROM S3Object s LIMIT 1', CSV_USE, out), '"alice"|"Paris, FR"\r\n');
    const esc = "<CSV><QuoteEscapeCharacter>\\</QuoteEscapeCharacter></CSV>";
    assert.equal(await select('people.csv', `SELECT 'say "hi"' FROM S3Object s LIMIT 1`, CSV_USE, esc), '"say \\"hi\\""\n');
  });

  it('a CAST that fails on the data is CastFailed', async () => {
    assert.equal(await asyncCode((async () => {
      try {
        return await select('people.csv', 'SELECT CAST(s.age AS INT) FROM S3Object s', CSV_USE);
      } catch (e) {
        const { selectErrorOf } = await import('./duckdb-errors.js');
        throw selectErrorOf(e);
      }
    })()), 'CastFailed');
  });

  it('DuckDB running out of its memory (a narrow memory quota) is QueryMemoryExceeded, not an internal error', async () => {
    const { selectErrorOf } = await import('./duckdb-errors.js');
    // DuckDB's message when a 16 MiB instance opened a CSV file with its default 30.5 MiB buffer.
    const e = selectErrorOf(new Error("Out of Memory Error: could not allocate block of size 30.5 MiB (0 bytes/16.0 MiB used)\n\nLINE 1: SELECT * FROM read_csv('/x/object')")) as { code?: string; message?: string };
    assert.equal(e.code, 'QueryMemoryExceeded');
    assert.match(e.message ?? '', /more memory than a query of yours may use on this server\. \(Out of Memory Error: could not allocate block of size 30\.5 MiB/);
  });
});
