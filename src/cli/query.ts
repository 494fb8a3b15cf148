/**
 * `sovra query "SELECT ..."`: runs SQL over stored objects in the region the endpoint serves
 * (the analytics API), and prints a readable table, or writes CSV, JSON lines, Parquet or
 * Arrow to stdout, a file, or an object (--out s3://bucket/key). Finds the server and the
 * credentials like the other client commands. While a long query runs, a progress line on
 * the terminal shows its time, progress and bytes scanned; Ctrl-C cancels it on the server.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { AnalyticsApiError, AnalyticsClient, type QueryFormat, type QueryStats, type StreamedQuery } from '../client/analytics-client.js';
import { connectionFor, CONNECTION_HELP, CONNECTION_OPTIONS, reportFailure, table, UsageError, type Env } from './admin-connection.js';
import type { CommandOutput } from './regions.js';

export const QUERY_USAGE = `Usage: sovra query "SQL" [options]

Runs one read-only DuckDB query over your objects, inside the region of the endpoint (only the
result leaves it). Name objects with s3:// URLs in DuckDB's readers, or as quoted tables; keys
may use globs (* within a folder, ** across folders, ?, [abc]):

  sovra query "SELECT region, sum(amount) FROM read_csv('s3://sales/2025/*.csv') GROUP BY region"
  sovra query "SELECT * FROM 's3://logs/app.parquet' LIMIT 10" --format csv --out sample.csv
  sovra query "SELECT ..." --format parquet --out s3://reports/2025/totals.parquet

Without --format the result is printed as a table. The query may read only objects your key may
GET (and list, for a glob), in buckets whose residency policies allow this region; statements
other than a query (COPY, ATTACH, SET, INSTALL, ...) are refused.

  --format FORMAT     csv, json (JSON lines), parquet or arrow: the result as it comes
  --out DEST          A file, or s3://bucket/key to store the result as an object there
  --id ID             Your id for the query (8-64 of A-Z a-z 0-9 - _), to follow it elsewhere
  -q, --quiet         No progress line and no summary on stderr

${CONNECTION_HELP.replace(/\n *--json[^\n]*/, '')}`;

const FORMATS: Record<string, QueryFormat> = { csv: 'csv', json: 'jsonl', jsonl: 'jsonl', parquet: 'parquet', arrow: 'arrow' };

export interface QueryOutput extends CommandOutput {
  /** Raw result bytes to stdout (CSV, JSON lines, Parquet, Arrow). */
  stdoutBytes(b: Buffer): Promise<void>;
  /** Whether stderr is a terminal (the progress line) and stdout (refuse binary there). */
  stderrIsTTY: boolean;
  stdoutIsTTY: boolean;
  /** Called with a function that cancels the running query (Ctrl-C). */
  onInterrupt?(cancel: () => Promise<void>): void;
}

function human(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

function summary(s: QueryStats): string {
  return `${s.rows} row${s.rows === 1 ? '' : 's'}, ${human(s.bytesScanned)} scanned, ${(s.elapsedMs / 1000).toFixed(2)} s`;
}

/** A progress line, redrawn in place, while the server has not answered yet. */
function progress(client: AnalyticsClient, id: string, out: QueryOutput): { stop(): void } {
  let shown = false;
  let stopped = false;
  const spin = ['|', '/', '-', '\\'];
  let tick = 0;
  const timer = setInterval(() => {
    client.status(id).then((s) => {
      if (stopped || s.state !== 'running') return;
      const pct = s.progress === null ? '' : ` ${Math.round(s.progress * 100)}%`;
      out.stderr(`\r${spin[tick++ % spin.length]} running ${(s.elapsedMs / 1000).toFixed(1)} s${pct}, ${human(s.bytesScanned)} scanned   `);
      shown = true;
    }, () => undefined);
  }, 500);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      if (shown) out.stderr('\r\x1b[K');
    },
  };
}

/** Rows of JSON lines as a table; nested values as JSON. */
function renderTable(columns: { name: string }[], text: string): string {
  const rows = text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  const names = columns.map((c) => c.name);
  const cell = (v: unknown) => (v === null || v === undefined ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  // Deduplicated names (a, a_1) are how the JSON keys come.
  const keys = rows[0] ? Object.keys(rows[0]) : names;
  return table(names.length === keys.length ? names : keys, rows.map((r) => keys.map((k) => cell(r[k]).replace(/\s*\n\s*/g, ' '))));
}

export async function runQueryCommand(args: string[], env: Env, out: QueryOutput): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...CONNECTION_OPTIONS, format: { type: 'string' }, out: { type: 'string' }, id: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } },
      strict: true,
      allowPositionals: true,
    });
    if (values.help) {
      out.stdout(`${QUERY_USAGE}\n`);
      return 0;
    }
    const sql = positionals.join(' ').trim();
    if (sql === '') throw new UsageError(`query needs the SQL text, e.g. sovra query "SELECT count(*) FROM 's3://bucket/data.csv'"; try 'sovra query --help'`);
    const format = values.format === undefined ? undefined : FORMATS[values.format.toLowerCase()];
    if (values.format !== undefined && format === undefined) throw new UsageError(`--format must be csv, json, parquet or arrow, not '${values.format}'`);
    const dest = values.out;
    const toObject = dest !== undefined ? /^s3:\/\/([^/]+)\/(.+)$/.exec(dest) : null;
    if (dest?.startsWith('s3://') && !toObject) throw new UsageError(`--out ${dest} names no object: write s3://bucket/key`);
    if (dest === undefined && (format === 'parquet' || format === 'arrow') && out.stdoutIsTTY) {
      throw new UsageError(`${format} is binary: write it to a file or an object with --out, or pipe stdout`);
    }
    const client = new AnalyticsClient(connectionFor(values, env));
    const id = values.id ?? `cli-${randomBytes(8).toString('hex')}`;
    const quiet = values.quiet === true;
    const ticker = !quiet && out.stderrIsTTY ? progress(client, id, out) : undefined;
    out.onInterrupt?.(() => client.cancel(id).catch(() => undefined));
    let result;
    try {
      result = await client.query({
        sql, id, format: format ?? (toObject ? 'parquet' : 'jsonl'),
        ...(toObject ? { output: { bucket: toObject[1] ?? '', key: toObject[2] ?? '' } } : {}),
      });
    } finally {
      ticker?.stop();
    }
    if (result.kind === 'stored') {
      out.stdout(`Stored s3://${result.bucket}/${result.key} (${human(result.size)}, etag ${result.etag}).\n`);
      if (!quiet) out.stderr(`${summary(result)}\n`);
      return 0;
    }
    const stats = await deliver(client, result, format, dest, out);
    if (!quiet) out.stderr(`${summary(stats)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof AnalyticsApiError) {
      out.stderr(`sovra: ${e.code}: ${e.message}${e.position !== undefined && !/\nLINE \d+:/.test(e.message) ? ` (at character ${e.position})` : ''}\n`);
      return 2;
    }
    return reportFailure(e, 'query', out);
  }
}

async function deliver(client: AnalyticsClient, result: StreamedQuery, format: QueryFormat | undefined, dest: string | undefined, out: QueryOutput): Promise<QueryStats> {
  try {
    if (dest !== undefined) {
      await pipeline(result.body, createWriteStream(dest));
    } else if (format === undefined) {
      const chunks: Buffer[] = [];
      for await (const c of result.body) chunks.push(c as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      out.stdout(`${renderTable(result.columns, text)}\n`);
    } else {
      for await (const c of result.body) await out.stdoutBytes(c as Buffer);
    }
    return await result.stats();
  } catch (e) {
    // The stream was cut short: the server's record of the query says why.
    const status = await client.status(result.id).catch(() => undefined);
    if (status?.error) throw new AnalyticsApiError(status.error.code, 0, status.error.message, status.error.position, undefined);
    throw new UsageError(`the result was cut short: ${e instanceof Error ? e.message : String(e)}`);
  }
}
