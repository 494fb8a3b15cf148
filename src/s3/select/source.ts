/**
 * The DuckDB relation that reads one object's bytes (a local file the
 * analytics engine exposes) the way the request's InputSerialization says.
 *
 * - CSV: every field a string (all_varchar), S3's own dialect settings, short
 *   rows padded; FileHeaderInfo USE/IGNORE skip the first line.
 * - JSON LINES: one record per line. DOCUMENT: each top-level value is a record,
 *   or each element when the document is one array (S3Object and S3Object[*]
 *   mean the same then). A path after S3Object (S3Object[*].items[*]) unnests.
 * - Parquet: as written.
 */
import { fail } from '../../core/errors.js';
import type { InputFormat } from './request.js';
import type { PathStep } from './sql.js';
import { quoteIdent, quoteString } from './translate.js';

export interface SourceFile {
  path: string;
  compression: 'NONE' | 'GZIP';
  /** For JSON DOCUMENT: whether the document is one top-level array. */
  topLevelArray?: boolean;
}

function csvOptions(input: Extract<InputFormat, { format: 'CSV' }>): string[] {
  const o = [
    `header=${input.fileHeaderInfo === 'NONE' ? 'false' : 'true'}`,
    'all_varchar=true',
    `delim=${quoteString(input.fieldDelimiter)}`,
    `quote=${quoteString(input.quoteCharacter)}`,
    `escape=${quoteString(input.quoteEscapeCharacter)}`,
    `new_line=${quoteString(input.recordDelimiter === '\n' ? '\\n' : input.recordDelimiter === '\r' ? '\\r' : '\\r\\n')}`,
    'null_padding=true',
    'max_line_size=1048576',
    // S3 Select records are at most 1 MiB: a 4 MiB read buffer instead of DuckDB's 32 MiB lets a
    // scan run in a few MiB of memory (the reader holds two), so more scans fit at once.
    'buffer_size=4194304',
  ];
  if (input.comments !== undefined) o.push(`comment=${quoteString(input.comments)}`);
  return o;
}

function baseRelation(input: InputFormat, file: SourceFile): string {
  const path = quoteString(file.path);
  const compression = `compression=${file.compression === 'GZIP' ? "'gzip'" : "'uncompressed'"}`;
  switch (input.format) {
    case 'CSV':
      return `read_csv(${path}, ${[...csvOptions(input), compression].join(', ')})`;
    case 'JSON': {
      const format = input.type === 'LINES' ? 'newline_delimited' : file.topLevelArray ? 'array' : 'unstructured';
      return `read_json(${path}, format='${format}', maximum_object_size=16777216, ${compression})`;
    }
    case 'Parquet':
      return `read_parquet(${path})`;
  }
}

const badPath = (why: string) => fail('ParseInvalidPathComponent', `The FROM path is not valid: ${why}`);

/** The relation for `FROM S3Object<fromPath>`. */
export function sourceRelation(input: InputFormat, file: SourceFile, fromPath: readonly PathStep[]): string {
  const base = baseRelation(input, file);
  const steps = fromPath[0] !== undefined && 'wildcard' in fromPath[0] ? fromPath.slice(1) : fromPath;
  if (steps.length === 0) return base;
  if (input.format !== 'JSON') throw badPath('only JSON objects have paths below S3Object');
  const last = steps[steps.length - 1]!;
  const unnestList = 'wildcard' in last;
  const names = unnestList ? steps.slice(0, -1) : steps;
  if (names.length === 0) throw badPath('a path must name a field');
  let expr = '"_r"';
  for (const s of names) {
    if ('wildcard' in s) throw badPath('only the last step may be [*]');
    expr += 'index' in s ? `[${s.index + 1}]` : `.${quoteIdent(s.name)}`;
  }
  // unnest() of a STRUCT in a select list expands its fields into columns.
  return unnestList
    ? `(SELECT unnest("_v") FROM (SELECT unnest(${expr}) AS "_v" FROM ${base} AS "_r"))`
    : `(SELECT unnest(${expr}) FROM ${base} AS "_r")`;
}
