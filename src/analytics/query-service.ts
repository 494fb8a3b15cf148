/**
 * The analytics engine: runs one SQL query over stored objects for one caller. The query is
 * checked (sql-guard), its s3:// references resolved and authorized through the caller's
 * ObjectAccess, its buckets' residency made compatible (residency.ts), the objects made
 * files in a per-query scratch directory, and the query run in a locked DuckDB (sandbox.ts)
 * under the limits. The whole result is made in the scratch directory first (result-statement.ts:
 * a failed query is an error, never a short result), then streamed (JSON lines, CSV, Arrow
 * IPC, Parquet) or written back as an object. Bytes scanned and query time go to the usage recorder.
 */
import { StatementType, type DuckDBConnection, type DuckDBDataChunk, type DuckDBResult } from '@duckdb/node-api';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { fail, isAppError, type AppError } from '../core/errors.js';
import type { UsageRecorder } from '../metering/model.js';
import { arrowEncoder } from './arrow-ipc.js';
import { duckError } from './duck-errors.js';
import { quoteNonFiniteInFile } from './json-nonfinite.js';
import { columnsOf, type ChunkEncoder, type Column } from './encoders.js';
import { DEFAULT_ANALYTICS_LIMITS, effectiveLimits, type AnalyticsLimits, type CallerLimits } from './limits.js';
import { materialize } from './materialize.js';
import type { ObjectAccess, ResidencyRules } from './ports.js';
import { QueryRun, resultTooLarge, type QueryStatus } from './query-run.js';
import { QueryRegistry, type SharedQuery } from './query-registry.js';
import { processingRegion } from './residency.js';
import { copyStatement, tableStatement } from './result-statement.js';
import { rewriteQuery, type Rewritten } from './rewrite.js';
import { SandboxPool, SqlParser, type SandboxLimits } from './sandbox.js';
import { CheckedQueries } from './checked-queries.js';

export type ResultFormat = 'jsonl' | 'csv' | 'arrow' | 'parquet';
export const RESULT_FORMATS: readonly ResultFormat[] = ['jsonl', 'csv', 'arrow', 'parquet'];

export const CONTENT_TYPES: Record<ResultFormat, string> = {
  jsonl: 'application/x-ndjson',
  csv: 'text/csv',
  arrow: 'application/vnd.apache.arrow.stream',
  parquet: 'application/vnd.apache.parquet',
};

export interface QueryInput {
  sql: string;
  /** The caller's own id for the query (to poll or cancel it before the result starts); default a random one. */
  id?: string;
  format: ResultFormat;
  /** Write the result to this object instead of returning it. */
  output?: { bucket: string; key: string };
  /** The caller's account: owner of the query (status, cancel) and of its concurrency share. */
  accountId: string;
  /** The account's own limits (its quotas), within the server's; absent: the server's. */
  limits?: CallerLimits;
  /** The caller's view of storage (authorization included). */
  access: ObjectAccess;
  /** Aborted when the caller goes away: the query is cancelled. */
  signal?: AbortSignal;
}

export interface QueryStats {
  bytesScanned: number;
  elapsedMs: number;
  rows: number;
}

export interface StreamedResult {
  kind: 'stream';
  id: string;
  columns: Column[];
  contentType: string;
  body: Readable;
  /** Final once the body has ended. */
  stats(): QueryStats;
}

export interface StoredResult extends QueryStats {
  kind: 'stored';
  id: string;
  columns: Column[];
  bucket: string;
  key: string;
  etag: string;
  size: number;
}

export interface AnalyticsServiceOptions {
  /** Parent of the per-query scratch directories; on the data directory's filesystem (hard links). */
  scratchRoot: string;
  residency: ResidencyRules;
  /** Where a query that reads no object runs (the node's region). */
  localRegion: string;
  limits?: Partial<AnalyticsLimits>;
  usage?: UsageRecorder;
  /** How long a finished query's status stays readable. Default 15 minutes. */
  keepFinishedMs?: number;
}

const KEEP_FINISHED_MAX = 1000;
/** The temporary table an Arrow result is made in. */
const RESULT_TABLE = 'sovra_result';
/** How often a running query's status is shared and a cancellation from another process looked for. */
const SHARE_EVERY_MS = 200;
/** Remembered result columns: at most this many, for keys (text and object versions) up to this long. */
const KNOWN_COLUMNS_MAX = 256;
const KNOWN_COLUMNS_KEY_CHARS = 32_768;
/** Results up to this size are read whole (synchronously, from the page cache) rather than streamed from their file. */
const WHOLE_RESULT_BYTES = 1024 * 1024;
export const QUERY_ID = /^[A-Za-z0-9_-]{8,64}$/;

export class AnalyticsService {
  readonly limits: AnalyticsLimits;
  private readonly parser = new SqlParser();
  private readonly checked = new CheckedQueries((s) => this.parser.serialize(s));
  /** Result columns by query text and the versions of the objects read (bounded, least recently used out). */
  private readonly knownColumns = new Map<string, Column[]>();
  private readonly runs = new Map<string, QueryRun>();
  private readonly runningByAccount = new Map<string, number>();
  private running = 0;
  private cleaned: Promise<void> | undefined;
  /** Query state shared with the other processes of this server; opened with the scratch area. */
  private registry: QueryRegistry | undefined;
  /** Sandboxes opened ahead of queries, in this process's scratch directory; made with it. */
  private pool: SandboxPool | undefined;
  /** Clean-ups of ended queries still under way (close() waits for them). */
  private readonly cleanups = new Set<Promise<void>>();

  constructor(private readonly opts: AnalyticsServiceOptions) {
    this.limits = { ...DEFAULT_ANALYTICS_LIMITS, ...opts.limits };
  }

  /**
   * Removes scratch directories a previous process left behind (a crash mid-query). Each
   * process keeps its own under <scratchRoot>/<pid>, so workers sharing a data directory
   * never remove each other's.
   */
  private cleanLeftovers(): Promise<void> {
    this.cleaned ??= (async () => {
      await mkdir(this.opts.scratchRoot, { recursive: true });
      this.registry ??= new QueryRegistry(join(this.opts.scratchRoot, 'queries.db'), this.keepFinishedMs);
      for (const name of await readdir(this.opts.scratchRoot)) {
        // Only the per-process directories (the shared query database stays).
        if (!/^\d+$/.test(name) || name === String(process.pid) || processAlive(Number(name))) continue;
        await rm(join(this.opts.scratchRoot, name), { recursive: true, force: true });
      }
      await rm(this.scratchDir, { recursive: true, force: true });
      await mkdir(this.scratchDir, { recursive: true });
      this.pool = new SandboxPool(this.scratchDir);
    })();
    return this.cleaned;
  }

  private get scratchDir(): string {
    return join(this.opts.scratchRoot, String(process.pid));
  }

  /** Prepares the scratch area, removing what a crashed process left; run() does it too if this was not called. */
  start(): Promise<void> {
    return this.cleanLeftovers();
  }

  private get keepFinishedMs(): number {
    return this.opts.keepFinishedMs ?? 900_000;
  }

  /** A query of the caller's, run by this process or another of this server. */
  async status(id: string, accountId: string): Promise<QueryStatus> {
    await this.cleanLeftovers();
    const run = this.runs.get(`${accountId}/${id}`);
    if (run) return run.status();
    return this.shared(id, accountId).status;
  }

  async cancel(id: string, accountId: string): Promise<QueryStatus> {
    await this.cleanLeftovers();
    const run = this.runs.get(`${accountId}/${id}`);
    if (run) {
      run.stop('cancelled');
      return run.status();
    }
    const shared = this.shared(id, accountId);
    // Another process runs it: it notices the request within a poll.
    if (shared.status.state === 'running') this.registry?.requestCancel(accountId, id);
    return shared.status;
  }

  private shared(id: string, accountId: string): SharedQuery {
    // Queries are kept per account: another account's query is as absent as an unknown one.
    const q = this.registry?.get(accountId, id);
    if (!q) throw fail('NoSuchQuery', `There is no query ${id} of yours (finished queries are kept ${Math.round(this.keepFinishedMs / 60_000)} minutes).`);
    if (q.status.state === 'running' && q.pid !== process.pid && !processAlive(q.pid)) {
      return { pid: q.pid, status: { ...q.status, state: 'failed', progress: null, error: { code: 'Internal', message: 'The server process that ran the query stopped before it finished.' } } };
    }
    return q;
  }

  private rememberColumns(key: string, columns: Column[]): void {
    this.knownColumns.delete(key);
    if (key.length > KNOWN_COLUMNS_KEY_CHARS) return;
    if (this.knownColumns.size >= KNOWN_COLUMNS_MAX) this.knownColumns.delete(this.knownColumns.keys().next().value as string);
    this.knownColumns.set(key, Object.freeze(columns.map((c) => Object.freeze({ ...c }))) as Column[]);
  }

  private admit(accountId: string, limits: AnalyticsLimits): void {
    if (limits.maxConcurrentPerAccount <= 0) throw fail('QuotaExceeded', 'Analytics is off for your account: its quota allows no queries; ask your provider to allow them.');
    const mine = this.runningByAccount.get(accountId) ?? 0;
    if (mine >= limits.maxConcurrentPerAccount) {
      throw fail('TooManyQueries', `Your account runs ${mine} queries already, the most it may run at once; wait for one to finish.`);
    }
    if (this.running >= this.limits.maxConcurrent) throw fail('TooManyQueries', 'This region runs as many queries as it may at once; try again shortly.');
    this.runningByAccount.set(accountId, mine + 1);
    this.running++;
  }

  private release(run: QueryRun): void {
    const mine = (this.runningByAccount.get(run.accountId) ?? 1) - 1;
    if (mine <= 0) this.runningByAccount.delete(run.accountId);
    else this.runningByAccount.set(run.accountId, mine);
    this.running--;
    this.record(run);
    this.share(run);
    const cleaned = run.cleaned;
    if (cleaned) {
      this.cleanups.add(cleaned);
      void cleaned.then(() => {
        this.cleanups.delete(cleaned);
        // The next query's sandbox opens once this one's is closed, not while it still works;
        // with this query's limits, the likeliest of the next one (the same account again).
        void this.pool?.replenish(sandboxLimits(run.limits, this.limits));
      });
    }
    const keep = this.keepFinishedMs;
    setTimeout(() => {
      if (this.runs.get(`${run.accountId}/${run.id}`) === run) this.runs.delete(`${run.accountId}/${run.id}`);
    }, keep).unref();
    if (this.runs.size > KEEP_FINISHED_MAX) {
      for (const [id, r] of this.runs) {
        if (this.runs.size <= KEEP_FINISHED_MAX) break;
        if (r.state !== 'running') this.runs.delete(id);
      }
    }
  }

  /** Writes the run's status for the other processes; true when one of them asked to cancel it. */
  private share(run: QueryRun): boolean {
    try {
      return this.registry?.update(run.accountId, run.status()) ?? false;
    } catch {
      // The shared record is a view of the query, not the query: a busy database only delays it.
      return false;
    }
  }

  /** Bytes scanned per bucket, billed to each bucket's owner; the query time to the first bucket read. */
  private record(run: QueryRun): void {
    const usage = this.opts.usage;
    if (!usage || run.region === undefined) return;
    let first = true;
    for (const [bucket, bytes] of run.bytesByBucket) {
      const owner = run.owners.get(bucket) ?? run.accountId;
      usage.analytics({ accountId: owner, bucket, region: run.region, bytesScanned: bytes, elapsedMs: first ? (run.endedAt ?? Date.now()) - run.startedAt : 0, at: run.endedAt ?? Date.now() });
      first = false;
    }
  }

  async run(input: QueryInput): Promise<StreamedResult | StoredResult> {
    await this.cleanLeftovers();
    const id = input.id ?? randomBytes(12).toString('hex');
    if (!QUERY_ID.test(id)) throw fail('InvalidArgument', 'A query id is 8 to 64 letters, digits, "-" or "_".');
    const elsewhere = this.runs.has(`${input.accountId}/${id}`) ? undefined : this.registry?.get(input.accountId, id);
    if (this.runs.get(`${input.accountId}/${id}`)?.state === 'running' || (elsewhere?.status.state === 'running' && processAlive(elsewhere.pid))) {
      throw fail('Conflict', `Your query ${id} is still running; choose another id.`);
    }
    const limits = effectiveLimits(this.limits, input.limits);
    this.admit(input.accountId, limits);
    if (!this.pool) throw fail('Internal', 'The analytics scratch area is not ready.');
    const run = new QueryRun(id, input.accountId, limits, this.pool.take(sandboxLimits(limits, this.limits)), (r) => this.release(r));
    // The limits hold for all of the server's processes together (they share the data
    // directory): counted and recorded in the shared registry in one transaction.
    const refused = this.registry?.admit(input.accountId, run.status(), { perAccount: limits.maxConcurrentPerAccount, total: this.limits.maxConcurrent }, processAlive);
    if (refused) {
      const err = refused.limit === 'account'
        ? fail('TooManyQueries', `Your account runs ${refused.running} queries already, the most it may run at once; wait for one to finish.`)
        : fail('TooManyQueries', 'This region runs as many queries as it may at once; try again shortly.');
      await run.end(err);
      throw err;
    }
    this.runs.set(`${input.accountId}/${id}`, run);
    const timer = setTimeout(() => run.stop('timeout'), limits.timeoutMs);
    timer.unref();
    // Status for the other processes, and their cancellation requests, while it runs.
    const poll = setInterval(() => {
      if (run.stopReason) run.interrupt();
      else if (this.share(run)) run.stop('cancelled');
    }, SHARE_EVERY_MS);
    poll.unref();
    const onAbort = () => run.stop('cancelled');
    input.signal?.addEventListener('abort', onAbort, { once: true });
    if (input.signal?.aborted) onAbort();
    const done = async (error?: unknown) => {
      clearTimeout(timer);
      clearInterval(poll);
      input.signal?.removeEventListener('abort', onAbort);
      await run.end(error === undefined ? undefined : (error as AppError));
    };
    let rewritten: Rewritten | undefined;
    try {
      // The query goes inside a COPY: its trailing semicolons blanked, which must change nothing else.
      const { references, sql } = await this.checked.check(input.sql);
      const names = [...new Set(references.map((r) => r.bucket))];
      const inputs = [];
      for (const name of names) inputs.push(await input.access.bucket(name));
      for (const b of inputs) run.owners.set(b.name, b.owner);
      const output = input.output ? await input.access.bucket(input.output.bucket) : undefined;
      if (input.output) await input.access.authorizeWrite(input.output.bucket, input.output.key);
      run.region = processingRegion(this.opts.residency, inputs, output, this.opts.localRegion);
      run.throwIfStopped();
      const m = await materialize({
        access: input.access, references, dir: join(run.dir, 'in'), maxObjects: this.limits.maxObjects, signal: run.signal,
        onObject: (bytes) => {
          run.bytesScanned = bytes;
        },
      });
      run.bytesByBucket = m.bytesByBucket;
      rewritten = rewriteQuery(sql, m.resolved, run.dir);
      const sandbox = await run.openSandbox();
      run.throwIfStopped();
      const rw = rewritten;
      // The result's columns: known when this text ran before over these very objects (the
      // same text over the same bytes binds to the same columns); otherwise JSON lines and Arrow
      // need them before the statement that makes the result (JSON: repeated names; Arrow:
      // checked as a query first), and CSV and Parquet read them on a second connection while
      // the COPY runs, so that the two binds overlap instead of following each other.
      const columnsKey = JSON.stringify([input.sql, m.versions]);
      let columns = this.knownColumns.get(columnsKey);
      let described: Promise<Column[]> | undefined;
      if (columns === undefined && (input.format === 'jsonl' || input.format === 'arrow')) columns = await describeQuery(sandbox.connection, rw.sql);
      else if (columns === undefined) {
        described = sandbox.connect().then((c) => describeQuery(c, rw.sql).finally(() => c.closeSync()));
        described.catch(() => undefined); // a failing COPY reports the query's error instead
      }
      // The whole result is made in the scratch directory before any of it is sent: a query
      // that fails, at any row, answers an error, never a short result.
      const file = join(run.dir, `result.${input.format}`);
      const using = (r: Rewritten) => { rewritten = r; };
      try {
        if (input.format === 'arrow') await this.arrowResult(run, rw, file, using);
        else await this.copyResult(run, copyStatement(rw, input.format, file, columns?.map((c) => c.name) ?? []), file, using);
      } finally {
        // The describing connection is done before the sandbox can be closed.
        if (described) await described.catch(() => undefined);
      }
      rewritten = rw;
      const cols = columns ?? (await (described as Promise<Column[]>));
      this.rememberColumns(columnsKey, cols);
      if (input.format === 'jsonl') {
        await quoteNonFiniteInFile(file);
        if ((await stat(file)).size > limits.maxResultBytes) throw resultTooLarge(limits.maxResultBytes);
      }
      rewritten = rw;
      run.throwIfStopped();
      if (input.output) {
        const size = (await stat(file)).size;
        const stored = await input.access.write(input.output.bucket, input.output.key, createReadStream(file), size, CONTENT_TYPES[input.format], run.signal);
        await done();
        const stats = statsOf(run);
        return { kind: 'stored', id, columns: cols, bucket: input.output.bucket, key: input.output.key, etag: stored.etag, size: stored.size, ...stats };
      }
      const body = Readable.from(this.fileBody(run, file, done), { objectMode: false });
      return { kind: 'stream', id, columns: cols, contentType: CONTENT_TYPES[input.format], body, stats: () => statsOf(run) };
    } catch (e) {
      const err = this.failure(run, e, rewritten);
      await done(err);
      throw err;
    }
  }

  /**
   * Runs the COPY that writes the whole result to `file` (or raises DuckDB's error), watching
   * the file grow and stopping the query once it passes the result limit. `using` is told the
   * statement run, so DuckDB's messages about it map back to the caller's text.
   */
  private async copyResult(run: QueryRun, copy: Rewritten, file: string, using: (r: Rewritten) => void): Promise<void> {
    const sandbox = run.sandbox;
    if (!sandbox) throw fail('Internal', 'The query has no sandbox.');
    using(copy);
    run.throwIfStopped();
    const watch = setInterval(() => {
      stat(file).then((st) => {
        if (st.size > run.limits.maxResultBytes) run.stop('too-large');
      }, () => undefined);
    }, 200);
    try {
      const count = (await sandbox.connection.runAndReadAll(copy.sql)).getRows()[0]?.[0];
      run.rows = Number(count ?? 0);
    } finally {
      clearInterval(watch);
    }
    run.throwIfStopped();
    if ((await stat(file)).size > run.limits.maxResultBytes) throw resultTooLarge(run.limits.maxResultBytes);
  }

  /**
   * Arrow IPC (no DuckDB writer): the whole result made a temporary table first (or DuckDB's
   * error), then encoded from it to `file`; the rows read must be all the rows made.
   */
  private async arrowResult(run: QueryRun, rw: Rewritten, file: string, using: (r: Rewritten) => void): Promise<void> {
    const sandbox = run.sandbox;
    if (!sandbox) throw fail('Internal', 'The query has no sandbox.');
    const made = tableStatement(rw, RESULT_TABLE);
    using(made);
    run.throwIfStopped();
    const count = Number((await sandbox.connection.runAndReadAll(made.sql)).getRows()[0]?.[0] ?? 0);
    run.throwIfStopped();
    const result = await sandbox.connection.stream(`SELECT * FROM ${RESULT_TABLE}`);
    await writeAll(this.encoded(run, result, arrowEncoder(result.deduplicatedColumnNames(), result.columnTypes()), count), file);
  }

  /** The encoded result, counting rows and bytes against the result limit; it must hold `expected` rows. */
  private async *encoded(run: QueryRun, result: DuckDBResult, encoder: ChunkEncoder, expected: number): AsyncGenerator<Buffer, void, undefined> {
    let bytes = 0;
    let rows = 0;
    const limit = run.limits.maxResultBytes;
    const emit = (buf: Buffer): Buffer => {
      bytes += buf.length;
      if (bytes > limit) throw resultTooLarge(limit);
      return buf;
    };
    // The header goes out with the first rows, so that the first item already read the data.
    let head: Buffer | undefined = encoder.begin();
    for (;;) {
      run.throwIfStopped();
      const chunk: DuckDBDataChunk | null = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      rows += chunk.rowCount;
      run.rows = rows;
      const buf = encoder.encode(chunk);
      yield emit(head ? Buffer.concat([head, buf]) : buf);
      head = undefined;
    }
    // A DuckDB stream ends alike whether it is complete, failed or interrupted.
    run.throwIfStopped();
    if (rows !== expected) throw fail('Internal', `The result ended after ${rows} of its ${expected} rows.`);
    const tail = encoder.end();
    const last = head ? Buffer.concat([head, tail]) : tail;
    if (last.length > 0) yield emit(last);
  }

  private async *fileBody(run: QueryRun, file: string, done: (e?: unknown) => Promise<void>): AsyncGenerator<Buffer> {
    try {
      // Most results are small, and DuckDB has just written them: one read from the page cache
      // costs less than a stream's open, reads and close, each a trip through the thread pool.
      const size = statSync(file).size;
      if (size <= WHOLE_RESULT_BYTES) yield readFileSync(file);
      else for await (const chunk of createReadStream(file)) yield chunk as Buffer;
      await done();
    } finally {
      if (run.state === 'running') await done(fail('QueryCancelled', 'The result was not read to its end.'));
    }
  }

  private failure(run: QueryRun, e: unknown, rewritten: Rewritten | undefined): AppError {
    if (run.stopReason) return run.stoppedError();
    if (isAppError(e)) return e;
    return duckError(e, rewritten);
  }

  async close(): Promise<void> {
    for (const run of this.runs.values()) run.stop('cancelled');
    await Promise.all(this.cleanups);
    await this.pool?.close();
    await this.parser.close();
    this.registry?.close();
    this.registry = undefined;
  }
}

/** The result's column names and types, from a prepared (never run) statement; it must be a query. */
async function describeQuery(connection: DuckDBConnection, sql: string): Promise<Column[]> {
  const prepared = await connection.prepare(sql);
  try {
    if (prepared.statementType !== StatementType.SELECT) throw fail('QueryRefused', 'Only a single read-only query is allowed.');
    return columnsOf(Array.from({ length: prepared.columnCount }, (_, i) => prepared.columnName(i)), Array.from({ length: prepared.columnCount }, (_, i) => prepared.columnType(i)));
  } finally {
    // A live prepared statement keeps its readers' buffers (30.5 MiB per CSV file) out of the
    // query's memory until it is collected.
    prepared.destroySync();
  }
}

/** Writes an encoded result to a new file. */
async function writeAll(chunks: AsyncIterable<Buffer>, file: string): Promise<void> {
  const out = createWriteStream(file, { flags: 'wx' });
  const sink = finished(out);
  try {
    for await (const buf of chunks) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    out.end();
    await sink;
  } catch (e) {
    out.destroy();
    await sink.catch(() => undefined);
    throw e;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}


/** What a query's sandbox is opened with: its memory and threads, the server's spill space. */
function sandboxLimits(query: Pick<AnalyticsLimits, 'memoryBytes' | 'threads'>, server: AnalyticsLimits): SandboxLimits {
  return { memoryBytes: query.memoryBytes, threads: query.threads, tempBytes: server.tempBytes };
}

function statsOf(run: QueryRun): QueryStats {
  return { bytesScanned: run.bytesScanned, elapsedMs: (run.endedAt ?? Date.now()) - run.startedAt, rows: run.rows };
}
