/**
 * SelectObjectContent: S3 Select over one CSV, JSON or Parquet object.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_SelectObjectContent.html
 *
 * The request's SQL is translated to one DuckDB query over the object (s3/select/);
 * errors found while planning (a bad request, a refused expression, an unknown
 * column, an unreadable object) are S3 XML errors; failures on the data while it
 * is scanned (a CAST, a malformed record) arrive as an error event, as on AWS.
 */
import { open as openFile } from 'node:fs/promises';
import { fail } from '../../core/errors.js';
import { readSmallBody } from '../body.js';
import type { S3Context } from '../context.js';
import type { ProtocolResponse } from '../request.js';
import { selectErrorOf } from '../select/duckdb-errors.js';
import { planSelect } from '../select/plan.js';
import { parseSelectRequest, SELECT_BODY_LIMIT, type SelectRequest } from '../select/request.js';
import { parseSelectSql } from '../select/sql.js';
import { s3ErrorOf, selectEventStream } from '../select/stream.js';
import { recordWriter } from '../select/output.js';
import type { SelectSession } from '../select/backend.js';
import { bucketOf, keyOf } from './target.js';

export const EVENT_STREAM_TYPE = 'application/vnd.amazon.eventstream';

/** The first non-blank bytes of the file, and (for GZIP) the uncompressed size from its trailer. */
async function inspect(path: string, compression: SelectRequest['compression']): Promise<{ topLevelArray: boolean; uncompressed?: number }> {
  const fh = await openFile(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const text = head.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '');
    const topLevelArray = text.trimStart().startsWith('[');
    if (compression !== 'GZIP') return { topLevelArray };
    const { size } = await fh.stat();
    if (size < 18) return { topLevelArray };
    const tail = Buffer.alloc(4);
    await fh.read(tail, 0, 4, size - 4);
    // ISIZE is the size modulo 2^32 of the last member: a lower bound for multi-member files.
    return { topLevelArray, uncompressed: tail.readUInt32LE(0) };
  } finally {
    await fh.close();
  }
}

async function rangeFor(req: SelectRequest, ctx: S3Context): Promise<{ start: number; end: number; header: boolean } | undefined> {
  if (!req.scanRange) return undefined;
  const head = await ctx.deps.engine.headObject({ bucket: bucketOf(ctx), key: keyOf(ctx) });
  const size = head.info.size;
  if (size === 0) return undefined;
  const start = req.scanRange.start ?? Math.max(0, size - (req.scanRange.end ?? 0));
  const end = req.scanRange.start === undefined ? size - 1 : Math.min(req.scanRange.end ?? size - 1, size - 1);
  if (start >= size && size > 0) throw fail('InvalidScanRange', 'The provided scan range is not valid: Start is beyond the end of the object.');
  return { start, end, header: req.input.format === 'CSV' && req.input.fileHeaderInfo !== 'NONE' };
}

export async function selectObjectContent(ctx: S3Context): Promise<ProtocolResponse> {
  const req = parseSelectRequest(await readSmallBody(ctx, { maxBytes: SELECT_BODY_LIMIT }));
  const query = parseSelectSql(req.expression);
  const backend = ctx.deps.select;
  if (!backend) throw fail('NotImplemented', 'S3 Select is not enabled on this node (the analytics engine is off).');
  if (req.scanRange && req.input.format === 'CSV' && req.input.recordDelimiter === '\r') {
    throw fail('UnsupportedScanRangeInput', 'Scan ranges split records on LF; objects delimited by CR alone cannot be ranged.');
  }
  const range = await rangeFor(req, ctx);
  // A scan runs on the analytics engine, under the caller's analytics quotas (the bucket
  // owner's for an anonymous caller); a quota of no queries turns S3 Select off too.
  const caller = ctx.principal?.accountId ?? ctx.bucketInfo?.owner;
  const quota = caller === undefined ? undefined : await ctx.deps.quotas?.queryLimits(caller);
  const limits = quota ? { timeoutMs: quota.timeoutMs, memoryBytes: quota.memoryBytes, threads: quota.threads } : undefined;
  const session: SelectSession = await backend.open({ bucket: bucketOf(ctx), key: keyOf(ctx), ...(range ? { range } : {}), ...(limits ? { limits } : {}), signal: ctx.req.signal });
  let sql: string;
  let processed = session.bytesScanned;
  try {
    const seen = await inspect(session.file, req.compression);
    if (seen.uncompressed !== undefined) processed = seen.uncompressed;
    sql = await planSelect(req, query, { path: session.file, compression: req.compression, topLevelArray: seen.topLevelArray }, session);
  } catch (err) {
    await session.close();
    throw selectErrorOf(err);
  }
  const body = selectEventStream(session.rows(sql)[Symbol.asyncIterator](), {
    format: recordWriter(req.output),
    requestProgress: req.requestProgress,
    bytesScanned: session.bytesScanned,
    bytesProcessed: processed,
    describeError: (err) => s3ErrorOf(selectErrorOf(err)),
    onClose: () => void session.close(),
  });
  return { status: 200, headers: { 'content-type': EVENT_STREAM_TYPE }, body };
}
