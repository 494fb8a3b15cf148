/**
 * OutputSerialization: the final DuckDB projection (every field as text, or
 * each record as one JSON object) and the CSV record writer.
 */
import { quoteNonFinite } from '../../analytics/json-nonfinite.js';
import type { CsvOutput, OutputFormat } from './request.js';
import { quoteString, type Column, type Translation } from './translate.js';

const NESTED = /^(STRUCT|MAP|UNION)\b|\]$/;

/**
 * Wraps the translated query so each row comes back as text: one VARCHAR per
 * field for CSV (nested values as JSON), or one JSON object per record, keyed
 * by S3's field names, for JSON.
 */
export function outputQuery(t: Translation, types: readonly Column[], out: OutputFormat): string {
  if (out.format === 'JSON') {
    const pairs = t.names.map((n, i) => `${quoteString(n)}, "q".c${i + 1}`);
    return `SELECT CAST(json_object(${pairs.join(', ')}) AS VARCHAR) FROM (${t.sql}) AS "q"`;
  }
  const cols = types.map((c, i) => (NESTED.test(c.type) ? `CAST(to_json("q".c${i + 1}) AS VARCHAR)` : `CAST("q".c${i + 1} AS VARCHAR)`));
  return `SELECT ${cols.join(', ')} FROM (${t.sql}) AS "q"`;
}

/** Formats one row (the fields of outputQuery's CSV form, or its one JSON text). */
export function recordWriter(out: OutputFormat): (row: readonly (string | null)[]) => string {
  // DuckDB's json_object writes a non-finite float bare (NaN, -Infinity): not JSON, so quoted.
  if (out.format === 'JSON') return (row) => `${quoteNonFinite(row[0] ?? '{}')}${out.recordDelimiter}`;
  return (row) => csvRecord(row, out);
}

function csvRecord(row: readonly (string | null)[], o: CsvOutput): string {
  let line = '';
  for (let i = 0; i < row.length; i++) {
    if (i > 0) line += o.fieldDelimiter;
    line += csvField(row[i] ?? '', o);
  }
  return line + o.recordDelimiter;
}

function csvField(v: string, o: CsvOutput): string {
  const needs = o.quoteFields === 'ALWAYS' ||
    v.includes(o.fieldDelimiter) || v.includes(o.quoteCharacter) || v.includes('\n') || v.includes('\r') || v.includes(o.recordDelimiter);
  if (!needs) return v;
  const escaped = o.quoteEscapeCharacter === o.quoteCharacter
    ? v.replaceAll(o.quoteCharacter, o.quoteCharacter + o.quoteCharacter)
    : v.replaceAll(o.quoteEscapeCharacter, o.quoteEscapeCharacter + o.quoteEscapeCharacter).replaceAll(o.quoteCharacter, o.quoteEscapeCharacter + o.quoteCharacter);
  return o.quoteCharacter + escaped + o.quoteCharacter;
}
