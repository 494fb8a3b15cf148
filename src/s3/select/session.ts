/**
 * The SelectBackend on the analytics engine's parts: the object becomes a file
 * in a per-request scratch directory (engine.objectFile: a hard link to the blob
 * or to its cached assembly; or the ScanRange's records), read by the engine's
 * locked DuckDB sandbox that can reach only that directory, under the engine's
 * per-query limits narrowed by the caller's analytics quotas (time, memory,
 * threads). Bytes scanned and time go to the usage recorder as analytics usage
 * of the bucket's owner, like a query.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DuckDBResult } from '@duckdb/node-api';
import { openSandbox, type Sandbox } from '../../analytics/sandbox.js';
import { narrow, type AnalyticsLimits } from '../../analytics/limits.js';
import { fail } from '../../core/errors.js';
import type { ObjectInfo, StorageEngine } from '../../engine/types.js';
import type { UsageRecorder } from '../../metering/model.js';
import type { SelectBackend, SelectOpenInput, SelectSession } from './backend.js';
import type { Row } from './plan.js';
import { firstLine, recordsInRange } from './scan-range.js';

export interface SelectBackendOptions {
  engine: StorageEngine;
  /** Parent of the per-request directories; on the data directory's filesystem (hard links). */
  scratchRoot: string;
  limits: Pick<AnalyticsLimits, 'memoryBytes' | 'threads' | 'tempBytes' | 'timeoutMs' | 'maxConcurrent'>;
  region: string;
  usage?: UsageRecorder;
  /** The bucket's owner, billed for the scan. */
  ownerOf?: (bucket: string) => Promise<string | undefined>;
}

const MAX_HEADER_BYTES = 1024 * 1024;

/** The ScanRange's records (and the header line when asked) into `path`; returns the bytes read. */
async function writeRange(engine: StorageEngine, input: SelectOpenInput & { range: NonNullable<SelectOpenInput['range']> }, path: string): Promise<{ info: ObjectInfo; bytes: number }> {
  const { start, end, header } = input.range;
  const from = Math.max(0, start - 1);
  const obj = await engine.getObject({ bucket: input.bucket, key: input.key, range: { start: from }, ...(input.signal ? { signal: input.signal } : {}) });
  let bytes = 0;
  let head: Buffer = Buffer.alloc(0);
  if (header && start > 0) {
    const first = await engine.getObject({ bucket: input.bucket, key: input.key, range: { start: 0, end: MAX_HEADER_BYTES - 1 }, ...(input.signal ? { signal: input.signal } : {}) });
    try {
      head = await firstLine(first.body, MAX_HEADER_BYTES);
    } finally {
      first.body.destroy();
    }
    bytes += head.length;
  }
  async function* content(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    try {
      for await (const b of recordsInRange(obj.body, from, start, end)) {
        bytes += b.length;
        yield b;
      }
    } finally {
      obj.body.destroy();
    }
  }
  await pipeline(Readable.from(content()), createWriteStream(path, { flags: 'wx' }));
  return { info: obj.info, bytes };
}

async function* chunkRows(result: DuckDBResult): AsyncGenerator<Row> {
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return;
    // The output query casts every field to VARCHAR: values are strings or NULL.
    for (const row of chunk.getRows()) yield row.map((v) => (v === null ? null : String(v)));
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function createSelectBackend(o: SelectBackendOptions): SelectBackend {
  let running = 0;
  // Directories are named <pid>-<random>: those of processes that no longer run (a crash
  // mid-request) are removed, never those of a sibling worker.
  const cleaned = (async () => {
    await mkdir(o.scratchRoot, { recursive: true });
    for (const name of await readdir(o.scratchRoot)) {
      const pid = Number(name.split('-')[0]);
      if (!Number.isInteger(pid) || !alive(pid)) await rm(join(o.scratchRoot, name), { recursive: true, force: true });
    }
  })();
  // A failure here (the data directory removed under a server that did not start, say) is
  // reported by the first request that awaits it, not as an unhandled rejection.
  cleaned.catch(() => undefined);

  return {
    async open(input) {
      await cleaned;
      if (running >= o.limits.maxConcurrent) throw fail('SlowDown', 'This node runs as many S3 Select and analytics requests as it may at once; try again shortly.');
      running++;
      const startedAt = Date.now();
      // The caller's quotas narrow the server's limits, as for a query.
      const timeoutMs = narrow(o.limits.timeoutMs, input.limits?.timeoutMs);
      const memoryBytes = narrow(o.limits.memoryBytes, input.limits?.memoryBytes);
      const threads = narrow(o.limits.threads, input.limits?.threads);
      const dir = join(o.scratchRoot, `${process.pid}-${randomBytes(9).toString('hex')}`);
      const file = join(dir, 'object');
      let sandbox: Sandbox | undefined;
      let timer: NodeJS.Timeout | undefined;
      let timedOut = false;
      let closed = false;
      let made = 0;
      let info: ObjectInfo;
      let bytesScanned: number;
      const close = async () => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        sandbox?.close();
        await rm(dir, { recursive: true, force: true });
        running--;
      };
      try {
        await mkdir(dir, { recursive: true });
        if (input.range) {
          ({ info, bytes: bytesScanned } = await writeRange(o.engine, { ...input, range: input.range }, file));
        } else {
          ({ info } = await o.engine.objectFile({ bucket: input.bucket, key: input.key, path: file, ...(input.signal ? { signal: input.signal } : {}) }));
          bytesScanned = info.size;
        }
        sandbox = await openSandbox(dir, { memoryBytes, threads, tempBytes: o.limits.tempBytes });
      } catch (e) {
        await close();
        throw e;
      }
      const connection = sandbox.connection;
      timer = setTimeout(() => {
        timedOut = true;
        connection.interrupt();
      }, timeoutMs);
      timer.unref();
      const onAbort = () => connection.interrupt();
      input.signal?.addEventListener('abort', onAbort, { once: true });
      const guard = <T>(p: Promise<T>): Promise<T> =>
        p.catch((e: unknown) => {
          if (timedOut) throw fail('QueryTimeout', `S3 Select stopped after ${Math.round(timeoutMs / 1000)} s, the most a scan of yours may take.`);
          throw e;
        });
      return {
        file,
        info,
        bytesScanned,
        async describe(sql) {
          const p = await guard(connection.prepare(sql));
          const columns = Array.from({ length: p.columnCount }, (_, i) => ({ name: p.columnName(i), type: p.columnType(i).toString() }));
          // Released now: a live prepared statement keeps its readers' buffers in the query's memory.
          p.destroySync();
          return columns;
        },
        async *rows(sql) {
          // The whole result is made first, as a temporary table DuckDB spills to the scratch
          // directory beyond the memory limit: @duckdb/node-api's streaming results end like a
          // complete result when the query fails midway, and a truncated answer must never
          // pass for a whole one. Only then is it streamed, and it must hold every row made.
          const table = `sovra_select_${++made}`;
          const count = await guard(connection.runAndReadAll(`CREATE TEMP TABLE ${table} AS (${sql})`));
          const expected = Number(count.getRows()[0]?.[0] ?? 0);
          const it = chunkRows(await guard(connection.stream(`SELECT * FROM ${table}`)));
          let rows = 0;
          for (;;) {
            const r = await guard(it.next());
            if (r.done) break;
            rows++;
            yield r.value;
          }
          if (timedOut) throw fail('QueryTimeout', `S3 Select stopped after ${Math.round(timeoutMs / 1000)} s, the most a scan of yours may take.`);
          if (rows !== expected) throw fail('Internal', `The result ended after ${rows} of its ${expected} records.`);
        },
        async close() {
          if (closed) return;
          input.signal?.removeEventListener('abort', onAbort);
          await close();
          const owner = (await o.ownerOf?.(input.bucket).catch(() => undefined)) ?? undefined;
          if (o.usage && owner !== undefined) {
            o.usage.analytics({ accountId: owner, bucket: input.bucket, region: o.region, bytesScanned, elapsedMs: Date.now() - startedAt, at: Date.now() });
          }
        },
      } satisfies SelectSession;
    },
  };
}
