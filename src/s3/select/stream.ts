/**
 * Turns the rows of a running query into SelectObjectContent's event stream:
 * Records events in chunks, Cont keep-alives (and Progress, when requested)
 * while a long scan returns nothing, then Progress, Stats and End; an error
 * after the start becomes an error event that ends the stream.
 */
import { Readable } from 'node:stream';
import { isAppError } from '../../core/errors.js';
import { S3_ERRORS } from '../errors.js';
import type { Row } from './plan.js';
import { contEvent, endEvent, errorEvent, progressEvent, recordsEvent, statsEvent, type ScanStats } from './event-stream.js';


export interface StreamOptions {
  /** Formats one row as output bytes (record delimiter included). */
  format: (row: Row) => string;
  requestProgress: boolean;
  /** Bytes of the object read, and after decompression. */
  bytesScanned: number;
  bytesProcessed: number;
  /** Flush a Records event once this many bytes are buffered. */
  chunkBytes?: number;
  /** Send a keep-alive after this long without an event. */
  keepAliveMs?: number;
  /** Maps an error thrown by the rows to an S3 code and message. */
  describeError: (err: unknown) => { code: string; message: string };
  /** Called once the stream ends, however it ends. */
  onClose?: () => void;
}

export const DEFAULT_CHUNK_BYTES = 256 * 1024;
export const DEFAULT_KEEP_ALIVE_MS = 5000;

/**
 * The stream starts once the query is planned (a refused expression or an unknown
 * column is an ordinary S3 error before it); the scan runs while it is open, so a
 * long one is kept alive, and a failure on the data is an error event, as on AWS.
 */
export function selectEventStream(rows: AsyncIterator<Row>, o: StreamOptions): Readable {
  const chunkBytes = o.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const keepAliveMs = o.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
  let returned = 0;
  const stats = (done: boolean): ScanStats => ({
    bytesScanned: done ? o.bytesScanned : 0,
    bytesProcessed: done ? o.bytesProcessed : 0,
    bytesReturned: returned,
  });

  async function* events(): AsyncGenerator<Buffer> {
    let pending: string[] = [];
    let pendingBytes = 0;
    const flush = (): Buffer => {
      const payload = Buffer.from(pending.join(''), 'utf8');
      pending = [];
      pendingBytes = 0;
      returned += payload.length;
      return recordsEvent(payload);
    };
    try {
      for (;;) {
        // Wait for the next row, sending keep-alives while the scan is silent.
        let r: IteratorResult<Row>;
        const next = rows.next();
        let timer: NodeJS.Timeout | undefined;
        for (;;) {
          const tick = new Promise<'tick'>((resolve) => (timer = setTimeout(() => resolve('tick'), keepAliveMs)));
          const got = await Promise.race([next, tick]);
          clearTimeout(timer);
          if (got !== 'tick') {
            r = got;
            break;
          }
          if (pendingBytes > 0) yield flush();
          yield contEvent();
          if (o.requestProgress) yield progressEvent(stats(false));
        }
        if (r.done) break;
        const rec = o.format(r.value);
        pending.push(rec);
        pendingBytes += Buffer.byteLength(rec);
        if (pendingBytes >= chunkBytes) yield flush();
      }
      if (pendingBytes > 0) yield flush();
      if (o.requestProgress) yield progressEvent(stats(true));
      yield statsEvent(stats(true));
      yield endEvent();
    } catch (err) {
      if (pendingBytes > 0) yield flush();
      const { code, message } = o.describeError(err);
      yield errorEvent(code, message);
    } finally {
      await rows.return?.();
      o.onClose?.();
    }
  }
  return Readable.from(events(), { objectMode: false });
}

/** An AppError's S3 code and message; anything else is an internal error. */
export function s3ErrorOf(err: unknown): { code: string; message: string } {
  if (isAppError(err) && err.code !== 'Internal') return { code: S3_ERRORS[err.code].s3Code, message: err.message };
  return { code: 'InternalError', message: 'We encountered an internal error. Please try again.' };
}
