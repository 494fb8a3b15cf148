/**
 * The statement that produces a query's result whole before any of it is sent: a COPY of
 * the query to a file in its scratch directory (CSV, JSON lines, Parquet), or a temporary
 * table (Arrow, encoded from it afterwards). Either completes or raises DuckDB's error; a
 * streamed DuckDB result does not (@duckdb/node-api 1.5 ends a stream that failed midway
 * like a complete one), so a failed query could look like a short successful one.
 *
 * The caller's query goes on lines of its own (a trailing `--` comment cannot swallow the
 * closing parenthesis), its trailing semicolons blanked (same length: positions in DuckDB's
 * messages still map back to the caller's text).
 */
import type { Rewritten } from './rewrite.js';

export type FileFormat = 'csv' | 'jsonl' | 'parquet';

const COPY_OPTIONS: Record<FileFormat, string> = {
  csv: 'FORMAT csv, HEADER true',
  jsonl: 'FORMAT json',
  parquet: 'FORMAT parquet',
};

/**
 * The text with each semicolon outside strings, quoted names and comments replaced by a
 * space. The guard has made sure the text is one statement, so those are trailing ones.
 */
export function blankStatementEnds(sql: string): string {
  let out = '';
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i] ?? '';
    const next = sql[i + 1] ?? '';
    let end = i + 1;
    if (c === '-' && next === '-') {
      const nl = sql.indexOf('\n', i);
      end = nl < 0 ? n : nl;
    } else if (c === '/' && next === '*') {
      // Block comments nest, as in PostgreSQL's grammar DuckDB uses.
      let depth = 1;
      end = i + 2;
      while (end < n && depth > 0) {
        if (sql.startsWith('/*', end)) { depth++; end += 2; } else if (sql.startsWith('*/', end)) { depth--; end += 2; } else end++;
      }
    } else if (c === "'" || c === '"') {
      // E'...' strings take backslash escapes.
      const escapes = c === "'" && /[eE]/.test(sql[i - 1] ?? '') && !/[A-Za-z0-9_]/.test(sql[i - 2] ?? '');
      end = i + 1;
      while (end < n) {
        const d = sql[end];
        if (escapes && d === '\\') { end += 2; continue; }
        if (d === c) {
          if (sql[end + 1] === c) { end += 2; continue; }
          end++;
          break;
        }
        end++;
      }
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        end = close < 0 ? n : close + tag[0].length;
      }
    } else if (c === ';') {
      out += ' ';
      i++;
      continue;
    }
    out += sql.slice(i, end);
    i = end;
  }
  return out;
}

/** DESCRIBE, SUMMARIZE and SHOW are not queries DuckDB accepts inside COPY (...): they go in a FROM (...). */
const SHOW = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[^]*?\*\/)*(?:DESCRIBE|DESC|SUMMARIZE|SHOW)\b/i;

/**
 * The query as the body of a COPY or CREATE TABLE AS: as it is, or inside FROM (...) when it
 * is a DESCRIBE/SUMMARIZE/SHOW, or when its column names repeat and the writer needs them
 * distinct (JSON objects; the subquery names them a, a_1, ... as DuckDB does everywhere).
 */
function body(rw: Rewritten, distinctNames: boolean): Rewritten {
  const q = rw.within('\n', '\n');
  return SHOW.test(rw.sql) || distinctNames ? q.within('FROM (', ')') : q;
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** COPY (query) TO file: the whole result written, or DuckDB's error. */
export function copyStatement(rw: Rewritten, format: FileFormat, file: string, columnNames: readonly string[]): Rewritten {
  const repeated = format === 'jsonl' && new Set(columnNames.map((c) => c.toLowerCase())).size !== columnNames.length;
  return body(rw, repeated).within('COPY (', `) TO ${sqlString(file)} (${COPY_OPTIONS[format]})`);
}

/** CREATE TEMP TABLE name AS (query): the whole result kept by DuckDB (spilling under its limits), or DuckDB's error. */
export function tableStatement(rw: Rewritten, table: string): Rewritten {
  return body(rw, false).within(`CREATE TEMP TABLE ${table} AS (`, ')');
}
