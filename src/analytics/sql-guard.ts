/**
 * What a query may be, decided on DuckDB's own parse tree (json_serialize_sql) rather than
 * on the text: exactly one read-only query (SELECT, WITH, VALUES, FROM-first, PIVOT, ...);
 * every other statement (ATTACH, COPY, INSTALL, LOAD, SET, PRAGMA, CREATE, EXPORT, CALL...)
 * cannot be serialized as a query and is refused. Inside the query, table functions are
 * limited to the file readers and pure generators, a few scalar functions that reveal the
 * engine's configuration are refused, and tables are named by s3:// URLs (or CTEs).
 *
 * It also finds the s3:// references to resolve: string literals among the arguments of a
 * table function (read_parquet('s3://b/k'), read_csv(['s3://…', …])) and quoted table names
 * (FROM 's3://b/k.csv'), each with the exact span of its literal in the text.
 */
import { fail } from '../core/errors.js';
import { queryRefused, invalidQuery } from './errors.js';

/** Table functions a query may call: readers of objects, metadata of Parquet files, generators. */
export const ALLOWED_TABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  'read_csv', 'read_csv_auto', 'sniff_csv',
  'read_parquet', 'parquet_scan', 'parquet_metadata', 'parquet_schema', 'parquet_file_metadata', 'parquet_kv_metadata',
  'read_json', 'read_json_auto', 'read_ndjson', 'read_ndjson_auto', 'read_json_objects', 'read_ndjson_objects', 'read_json_objects_auto', 'read_ndjson_objects_auto',
  'read_text', 'read_blob',
  'range', 'generate_series', 'unnest', 'json_each', 'json_tree',
]);

/**
 * Scalar functions refused anywhere: they reveal the engine's settings (scratch paths, limits)
 * or would run SQL text the guard never saw.
 */
export const REFUSED_FUNCTIONS: ReadonlySet<string> = new Set([
  'current_setting', 'getenv', 'getvariable', 'query', 'query_table', 'json_execute_serialized_sql', 'json_deserialize_sql',
]);

export interface S3Reference {
  /** The URL as written, e.g. s3://bucket/sales/2025/*.parquet */
  url: string;
  bucket: string;
  /** The key or key pattern after the bucket. */
  key: string;
  /** 'reader': an argument of a table function; 'table': a quoted table name (a replacement scan). */
  kind: 'reader' | 'table';
  /** Character span of the literal (quotes included) in the query text. */
  start: number;
  end: number;
}

export interface GuardResult {
  references: S3Reference[];
}

export type SerializeSql = (sql: string) => Promise<string>;

type Node = Record<string, unknown>;

const S3_URL = /^s3:\/\/([^/]+)\/(.*)$/is;

/** Parses the query with DuckDB's parser (through `serialize`) and applies the rules above. */
export async function guardQuery(sql: string, serialize: SerializeSql): Promise<GuardResult> {
  if (sql.trim() === '') throw invalidQuery('The query is empty.');
  let parsed: Node;
  try {
    parsed = JSON.parse(await serialize(sql)) as Node;
  } catch (e) {
    throw fail('Internal', `The query could not be parsed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (parsed['error'] === true) {
    const type = String(parsed['error_type'] ?? '');
    const message = String(parsed['error_message'] ?? 'The query could not be parsed.');
    if (type === 'not implemented' && /Only SELECT statements/i.test(message)) {
      throw queryRefused('Only a single read-only query (SELECT, WITH, VALUES, FROM, PIVOT, DESCRIBE/SUMMARIZE) is allowed; ATTACH, COPY, INSTALL, LOAD, SET, PRAGMA, CREATE, INSERT, EXPORT, CALL and other statements are refused.');
    }
    const position = Number(parsed['position']);
    throw invalidQuery(`Parser Error: ${message}`, Number.isFinite(position) ? position : undefined);
  }
  const statements = parsed['statements'];
  if (!Array.isArray(statements) || statements.length !== 1) throw queryRefused(`Exactly one query per request is allowed; this text holds ${Array.isArray(statements) ? statements.length : 0} statements.`);
  const ctes = new Set<string>();
  collectCteNames(statements[0], ctes);
  const references: S3Reference[] = [];
  walk(statements[0], false, { sql, ctes, references });
  references.sort((a, b) => a.start - b.start);
  return { references };
}

interface WalkState {
  sql: string;
  ctes: Set<string>;
  references: S3Reference[];
}

function collectCteNames(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) return node.forEach((n) => collectCteNames(n, out));
  if (node === null || typeof node !== 'object') return;
  const n = node as Node;
  const map = (n['cte_map'] as Node | undefined)?.['map'];
  if (Array.isArray(map)) for (const entry of map) out.add(String((entry as Node)['key']).toLowerCase());
  for (const v of Object.values(n)) collectCteNames(v, out);
}

function walk(node: unknown, inTableFunction: boolean, st: WalkState): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, inTableFunction, st);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as Node;
  const type = n['type'];
  if (type === 'TABLE_FUNCTION') {
    const fn = n['function'] as Node | undefined;
    const name = String(fn?.['function_name'] ?? '').toLowerCase();
    if (!ALLOWED_TABLE_FUNCTIONS.has(name) || (fn?.['schema'] !== '' && fn?.['schema'] !== undefined) || (fn?.['catalog'] !== '' && fn?.['catalog'] !== undefined)) {
      throw queryRefused(`The table function ${name}() is not allowed; a query reads objects with ${['read_parquet', 'read_csv', 'read_json', 'read_text', 'read_blob'].join(', ')} and friends.`, location(n));
    }
    for (const [k, v] of Object.entries(n)) walk(v, k === 'function' || inTableFunction, st);
    return;
  }
  if (n['class'] === 'FUNCTION' || type === 'FUNCTION') {
    const name = String(n['function_name'] ?? '').toLowerCase();
    if (REFUSED_FUNCTIONS.has(name) || name.startsWith('duckdb_') || name.startsWith('pragma_')) {
      throw queryRefused(`The function ${name}() is not allowed in a query.`, location(n));
    }
  }
  if (type === 'BASE_TABLE') {
    const table = String(n['table_name'] ?? '');
    const qualified = n['schema_name'] !== '' || n['catalog_name'] !== '';
    const m = S3_URL.exec(table);
    if (m && !qualified) {
      st.references.push(reference(st.sql, table, m, 'table', location(n)));
    } else if (qualified || !st.ctes.has(table.toLowerCase())) {
      throw queryRefused(`The table ${JSON.stringify(table)} does not exist: a query reads objects named by s3:// URLs, e.g. FROM 's3://bucket/key.parquet' or read_csv('s3://bucket/key.csv').`, location(n));
    }
  }
  if (type === 'VALUE_CONSTANT' && inTableFunction) {
    const value = n['value'] as Node | undefined;
    const text = value?.['value'];
    if (typeof text === 'string') {
      const m = S3_URL.exec(text);
      if (m) st.references.push(reference(st.sql, text, m, 'reader', location(n)));
      else if (/^s3:\/\//i.test(text)) throw invalidQuery(`${JSON.stringify(text)} names no object: write s3://bucket/key.`, location(n));
    }
  }
  for (const v of Object.values(n)) walk(v, inTableFunction, st);
}

function location(n: Node): number | undefined {
  const l = n['query_location'];
  return typeof l === 'number' && Number.isSafeInteger(l) && l >= 0 ? l : undefined;
}

function reference(sql: string, url: string, m: RegExpExecArray, kind: S3Reference['kind'], at: number | undefined): S3Reference {
  if (at === undefined) throw queryRefused(`Cannot place ${url} in the query text; write it as a plain 'quoted' literal.`);
  const end = literalEnd(sql, at);
  if (end === undefined) throw queryRefused(`Write ${url} as a plain 'quoted' string literal.`, at);
  return { url, bucket: m[1] ?? '', key: m[2] ?? '', kind, start: at, end };
}

/** The end (exclusive) of the string literal starting at `at`: '…' (with ''), E'…' (with \ escapes) or $tag$…$tag$. */
export function literalEnd(sql: string, at: number): number | undefined {
  const c = sql[at];
  const escapes = (c === 'E' || c === 'e') && sql[at + 1] === "'";
  if (c === "'" || escapes) {
    for (let i = at + (escapes ? 2 : 1); i < sql.length; i++) {
      if (escapes && sql[i] === '\\') {
        i++;
        continue;
      }
      if (sql[i] !== "'") continue;
      if (sql[i + 1] === "'") {
        i++;
        continue;
      }
      return i + 1;
    }
    return undefined;
  }
  if (c === '$') {
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(at));
    if (!m) return undefined;
    const close = sql.indexOf(m[0], at + m[0].length);
    return close < 0 ? undefined : close + m[0].length;
  }
  return undefined;
}
