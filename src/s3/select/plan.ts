/**
 * From a parsed request to the one DuckDB query that produces its output
 * rows: read the object's columns, translate the S3 Select SQL against them,
 * then project the result as text in the requested OutputSerialization.
 */
import type { SelectRequest } from './request.js';
import { outputQuery } from './output.js';
import { sourceRelation, type SourceFile } from './source.js';
import type { SelectQuery } from './sql.js';
import { translateSelect, type Column } from './translate.js';

export type Row = readonly (string | null)[];

/** What Select needs from the analytics engine, over one object's file. */
export interface SqlRunner {
  /** The columns a query would return, without running it. */
  describe(sql: string): Promise<Column[]>;
  /** Runs a query whose columns are all VARCHAR; rows arrive as they are produced. */
  rows(sql: string): AsyncIterable<Row>;
}

export async function planSelect(req: SelectRequest, query: SelectQuery, file: SourceFile, runner: SqlRunner): Promise<string> {
  const source = sourceRelation(req.input, file, query.fromPath);
  const columns = await runner.describe(`SELECT * FROM ${source}`);
  const t = translateSelect(query, req.input, columns, source);
  const types = await runner.describe(t.sql);
  return outputQuery(t, types, req.output);
}
