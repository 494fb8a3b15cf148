/**
 * Shared by the analytics integration tests: an analytics client for a test server, reading
 * a result whole, catching an API refusal, waiting for a query's state, and Parquet bytes
 * made by DuckDB itself.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalyticsApiError, AnalyticsClient, type QueryRequest, type QueryStats, type QueryStatus, type StoredQuery, type StreamedQuery } from '../../src/client/index.js';
import { ACCESS_KEY, REGION, SECRET_KEY, type TestServer } from './harness.js';

export function analyticsClient(s: TestServer, creds: { accessKeyId: string; secretAccessKey: string } = { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }): AnalyticsClient {
  return new AnalyticsClient({ endpoint: s.url, ...creds, region: REGION });
}

export interface Collected {
  id: string;
  columns: { name: string; type: string }[];
  contentType: string;
  bytes: Buffer;
  stats: QueryStats;
}

export async function collect(c: AnalyticsClient, q: QueryRequest): Promise<Collected> {
  const r = await c.query(q);
  assert.equal(r.kind, 'stream');
  const s = r as StreamedQuery;
  const chunks: Buffer[] = [];
  for await (const chunk of s.body) chunks.push(chunk as Buffer);
  return { id: s.id, columns: s.columns, contentType: s.contentType, bytes: Buffer.concat(chunks), stats: await s.stats() };
}

export async function rows(c: AnalyticsClient, sql: string): Promise<Record<string, unknown>[]> {
  const r = await collect(c, { sql, format: 'jsonl' });
  return r.bytes.toString('utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

export async function stored(c: AnalyticsClient, q: QueryRequest): Promise<StoredQuery> {
  const r = await c.query(q);
  assert.equal(r.kind, 'stored');
  return r as StoredQuery;
}

export async function refused(p: Promise<unknown>): Promise<AnalyticsApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AnalyticsApiError) return e;
    throw e;
  }
  assert.fail('expected the analytics API to refuse');
}

/** Never finishes in practice: a cross product of 10^16 rows. */
export const ENDLESS = 'SELECT sum(hash(a.range + b.range)) AS h FROM range(100000000) a, range(100000000) b';

/** The query's status once `ok` holds (polled; a query not registered yet is still being admitted). */
export async function until(c: AnalyticsClient, id: string, ok: (s: QueryStatus) => boolean): Promise<QueryStatus> {
  for (;;) {
    try {
      const s = await c.status(id);
      if (ok(s)) return s;
    } catch (e) {
      if ((e as { code?: string }).code !== 'NoSuchQuery') throw e;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Runs SQL in a scratch DuckDB with a temporary directory (to make or read Parquet files). */
export async function withDuck<T>(fn: (run: (sql: string) => Promise<unknown[][]>, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sovra-duck-'));
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    return await fn(async (sql) => (await conn.runAndReadAll(sql)).getRowsJson(), dir);
  } finally {
    conn.closeSync();
    db.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Parquet bytes of a query's result, written by DuckDB. */
export function parquetOf(sql: string): Promise<Buffer> {
  return withDuck(async (run, dir) => {
    const path = join(dir, 'x.parquet');
    await run(`COPY (${sql}) TO '${path}' (FORMAT parquet)`);
    return readFile(path);
  });
}

/** The rows of Parquet bytes, read back by DuckDB (values as DuckDB's JSON converter gives them). */
export function parquetRows(bytes: Buffer, sql = 'SELECT * FROM t'): Promise<unknown[][]> {
  return withDuck(async (run, dir) => {
    const path = join(dir, 'in.parquet');
    await writeFile(path, bytes);
    return run(sql.replace(/\bt\b/, `read_parquet('${path}')`));
  });
}
