/**
 * Puts the scratch files in place of the s3:// references, and maps what DuckDB says about
 * the rewritten text back to the customer's: positions to the original text, file paths to
 * the s3:// URLs they stand for, so a message never shows a scratch path.
 */
import type { S3Reference } from './sql-guard.js';

/** One reference, resolved: the files standing for its objects (several for a glob). */
export interface ResolvedReference {
  ref: S3Reference;
  files: { path: string; url: string }[];
}

/** Readers DuckDB picks for a quoted table name by its extension (a replacement scan). */
function readerFor(url: string): string | undefined {
  const name = url.toLowerCase().replace(/\.(gz|zst)$/, '');
  if (name.endsWith('.parquet')) return 'read_parquet';
  if (name.endsWith('.csv') || name.endsWith('.tsv')) return 'read_csv_auto';
  if (name.endsWith('.json') || name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'read_json_auto';
  return undefined;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

interface Span {
  origStart: number;
  origEnd: number;
  newStart: number;
  newEnd: number;
}

export interface Rewritten {
  sql: string;
  /** Position in the rewritten text → position in the original text. */
  originalPosition(position: number): number;
  /** A DuckDB message about the rewritten text, in terms of the original one. */
  translate(message: string): { message: string; position?: number };
  /** The rewritten text inside a statement (prefix + sql + suffix), with DuckDB's messages about that statement mapped back alike. */
  within(prefix: string, suffix: string): Rewritten;
}

/** The replacement text for one reference; undefined when a quoted table name cannot stand for several files. */
function replacement(r: ResolvedReference): string | undefined {
  const paths = r.files.map((f) => quote(f.path));
  const many = r.files.length !== 1 || r.ref.url !== r.files[0]?.url;
  if (!many) return paths[0] ?? "''";
  const list = `[${paths.join(', ')}]`;
  if (r.ref.kind === 'reader') return list;
  const reader = readerFor(r.ref.url);
  return reader === undefined ? undefined : `${reader}(${list})`;
}

export function rewriteQuery(sql: string, resolved: readonly ResolvedReference[], scratchDir: string): Rewritten {
  const sorted = [...resolved].sort((a, b) => a.ref.start - b.ref.start);
  let out = '';
  let cursor = 0;
  const spans: Span[] = [];
  for (const r of sorted) {
    const text = replacement(r);
    if (text === undefined) throw new Error(`no reader for ${r.ref.url}`);
    out += sql.slice(cursor, r.ref.start);
    spans.push({ origStart: r.ref.start, origEnd: r.ref.end, newStart: out.length, newEnd: out.length + text.length });
    out += text;
    cursor = r.ref.end;
  }
  out += sql.slice(cursor);

  const originalPosition = (p: number): number => {
    let delta = 0;
    for (const s of spans) {
      if (p < s.newStart) break;
      if (p < s.newEnd) return s.origStart;
      delta = s.origEnd - s.newEnd;
    }
    return Math.max(0, Math.min(sql.length, p + delta));
  };

  // Longest paths first, so a path that prefixes another is not replaced inside it.
  const urls = sorted.flatMap((r) => r.files).sort((a, b) => b.path.length - a.path.length);
  const lists = sorted.map((r) => ({ text: replacement(r) ?? '', url: r.ref.url })).sort((a, b) => b.text.length - a.text.length);
  const scrub = (text: string): string => {
    let t = text;
    for (const l of lists) if (l.text.length > 0) t = t.split(l.text).join(quote(l.url));
    for (const f of urls) t = t.split(f.path).join(f.url);
    return t.split(scratchDir).join('<query scratch>');
  };

  const make = (text: string, offset: number): Rewritten => ({
    sql: text,
    originalPosition: (p) => originalPosition(p - offset),
    translate(message: string) {
      const { text: stripped, position } = stripContext(message, text);
      const m = scrub(stripped).trim();
      // A position in the wrapper around the query (the COPY around it) is none of the caller's text.
      if (position === undefined || position < offset || position > offset + out.length) return { message: m };
      const original = originalPosition(position - offset);
      return { message: `${m}\n\n${context(sql, original)}`, position: original };
    },
    within: (prefix, suffix) => make(prefix + text + suffix, offset + prefix.length),
  });
  return make(out, 0);
}

/** The "LINE n: …" excerpt and caret that DuckDB appends, removed; the position it marks. */
export function stripContext(message: string, sql: string): { text: string; position?: number } {
  const m = /\n*LINE (\d+): ([^\n]*)\n( *)\^[^\n]*/.exec(message);
  if (!m) return { text: message };
  const text = message.slice(0, m.index) + message.slice(m.index + m[0].length);
  const lineNo = Number(m[1]);
  const shown = m[2] ?? '';
  const caret = (m[3] ?? '').length - `LINE ${m[1]}: `.length;
  const lines = sql.split('\n');
  const line = lines[lineNo - 1];
  if (line === undefined || caret < 0) return { text };
  const lineStart = lines.slice(0, lineNo - 1).reduce((n, l) => n + l.length + 1, 0);
  // DuckDB shows a window of a long line, marked with "..." at the cut ends.
  const leading = shown.startsWith('...') ? 3 : 0;
  const window = shown.slice(leading).replace(/\.\.\.$/, '');
  const at = leading === 0 ? 0 : line.indexOf(window);
  if (at < 0) return { text };
  return { text, position: lineStart + at + (caret - leading) };
}

/** The original line at a position, with a caret under it. */
export function context(sql: string, position: number): string {
  const before = sql.slice(0, position);
  const lineNo = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = sql.indexOf('\n', position);
  const line = sql.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
  const prefix = `LINE ${lineNo}: `;
  return `${prefix}${line}\n${' '.repeat(prefix.length + position - lineStart)}^`;
}
