/**
 * Result rows as bytes, a chunk at a time: JSON lines (one object per row, numbers as JSON
 * numbers, exact: integers and decimals of any size are written as their digits) and CSV
 * (RFC 4180, a header row; nested values as JSON text). Parquet is written by DuckDB itself;
 * Arrow IPC by arrow-ipc.ts.
 */
import { JsonDuckDBValueConverter, type DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';

export interface Column {
  name: string;
  /** DuckDB's type name, e.g. BIGINT, VARCHAR, DECIMAL(10,2), INTEGER[] */
  type: string;
}

export interface ChunkEncoder {
  /** Bytes that precede the rows (e.g. the CSV header); may be empty. */
  begin(): Buffer;
  encode(chunk: DuckDBDataChunk): Buffer;
  end(): Buffer;
}

/** DuckDB type ids whose JSON-converter value is the exact decimal text of a number. */
const NUMERIC_TEXT = new Set([5, 9, 16, 19, 32]); // BIGINT, UBIGINT, HUGEINT, DECIMAL, UHUGEINT

function numericText(v: unknown): boolean {
  return typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v);
}

export function columnsOf(names: readonly string[], types: readonly DuckDBType[]): Column[] {
  return names.map((name, i) => ({ name, type: types[i]?.toString() ?? 'UNKNOWN' }));
}

export function jsonLinesEncoder(names: readonly string[], types: readonly DuckDBType[]): ChunkEncoder {
  const keys = names.map((n) => JSON.stringify(n));
  const raw = types.map((t) => NUMERIC_TEXT.has(t.typeId));
  return {
    begin: () => Buffer.alloc(0),
    encode(chunk) {
      const rows = chunk.convertRows(JsonDuckDBValueConverter);
      let out = '';
      for (const row of rows) {
        let line = '{';
        for (let c = 0; c < keys.length; c++) {
          const v = row[c];
          line += (c === 0 ? '' : ',') + keys[c] + ':' + (raw[c] && numericText(v) ? (v as string) : JSON.stringify(v ?? null));
        }
        out += line + '}\n';
      }
      return Buffer.from(out);
    },
    end: () => Buffer.alloc(0),
  };
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvEncoder(names: readonly string[]): ChunkEncoder {
  return {
    begin: () => Buffer.from(names.map(csvField).join(',') + '\r\n'),
    encode(chunk) {
      const rows = chunk.convertRows(JsonDuckDBValueConverter);
      let out = '';
      for (const row of rows) out += row.map(csvField).join(',') + '\r\n';
      return Buffer.from(out);
    },
    end: () => Buffer.alloc(0),
  };
}
