/**
 * A result's columns, and the shape of an encoder that turns result chunks into bytes
 * (Arrow IPC, arrow-ipc.ts). CSV, JSON lines and Parquet are written by DuckDB's own COPY.
 */
import type { DuckDBDataChunk, DuckDBType } from '@duckdb/node-api';

export interface Column {
  name: string;
  /** DuckDB's type name, e.g. BIGINT, VARCHAR, DECIMAL(10,2), INTEGER[] */
  type: string;
}

export interface ChunkEncoder {
  /** Bytes that precede the rows (e.g. Arrow's schema message); may be empty. */
  begin(): Buffer;
  encode(chunk: DuckDBDataChunk): Buffer;
  end(): Buffer;
}

export function columnsOf(names: readonly string[], types: readonly DuckDBType[]): Column[] {
  return names.map((name, i) => ({ name, type: types[i]?.toString() ?? 'UNKNOWN' }));
}
