/**
 * The AWS event-stream framing SelectObjectContent answers with
 * (application/vnd.amazon.eventstream):
 *
 *   total length u32 | headers length u32 | prelude CRC32 u32 | headers | payload | message CRC32 u32
 *
 * Each header is name length u8, name, value type u8 (7 = string), value length u16, value.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTSelectObjectAppendix.html
 */
import { crc32 } from 'node:zlib';

const STRING_TYPE = 7;
const PRELUDE_BYTES = 12;
const CRC_BYTES = 4;
/** The framing's own limit on one message (16 MiB); Records payloads are chunked well below it. */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export type EventHeaders = ReadonlyArray<readonly [name: string, value: string]>;

function encodeHeaders(headers: EventHeaders): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of headers) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    if (n.length > 255) throw new RangeError(`event-stream header name longer than 255 bytes: ${name}`);
    if (v.length > 0xffff) throw new RangeError(`event-stream header ${name} longer than 65535 bytes`);
    const head = Buffer.alloc(1 + n.length + 1 + 2);
    head.writeUInt8(n.length, 0);
    n.copy(head, 1);
    head.writeUInt8(STRING_TYPE, 1 + n.length);
    head.writeUInt16BE(v.length, 2 + n.length);
    parts.push(head, v);
  }
  return Buffer.concat(parts);
}

/** One framed message. */
export function encodeMessage(headers: EventHeaders, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const h = encodeHeaders(headers);
  const total = PRELUDE_BYTES + h.length + payload.length + CRC_BYTES;
  if (total > MAX_MESSAGE_BYTES) throw new RangeError(`event-stream message of ${total} bytes exceeds ${MAX_MESSAGE_BYTES}`);
  const msg = Buffer.alloc(total);
  msg.writeUInt32BE(total, 0);
  msg.writeUInt32BE(h.length, 4);
  msg.writeUInt32BE(crc32(msg.subarray(0, 8)), 8);
  h.copy(msg, PRELUDE_BYTES);
  msg.set(payload, PRELUDE_BYTES + h.length);
  msg.writeUInt32BE(crc32(msg.subarray(0, total - CRC_BYTES)), total - CRC_BYTES);
  return msg;
}

function event(type: string, contentType: string | undefined, payload?: Uint8Array): Buffer {
  const headers: Array<readonly [string, string]> = [[':message-type', 'event'], [':event-type', type]];
  if (contentType !== undefined) headers.push([':content-type', contentType]);
  return encodeMessage(headers, payload);
}

export interface ScanStats {
  bytesScanned: number;
  bytesProcessed: number;
  bytesReturned: number;
}

function statsXml(root: 'Stats' | 'Progress', s: ScanStats): Buffer {
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns=""><BytesScanned>${s.bytesScanned}</BytesScanned>` +
      `<BytesProcessed>${s.bytesProcessed}</BytesProcessed><BytesReturned>${s.bytesReturned}</BytesReturned></${root}>`,
    'utf8',
  );
}

export const recordsEvent = (payload: Uint8Array): Buffer => event('Records', 'application/octet-stream', payload);
export const statsEvent = (s: ScanStats): Buffer => event('Stats', 'text/xml', statsXml('Stats', s));
export const progressEvent = (s: ScanStats): Buffer => event('Progress', 'text/xml', statsXml('Progress', s));
/** A keep-alive during long scans that return nothing for a while. */
export const contEvent = (): Buffer => event('Cont', undefined);
export const endEvent = (): Buffer => event('End', undefined);

/** An error after the stream has begun (before it, errors are ordinary S3 XML errors). */
export function errorEvent(code: string, message: string): Buffer {
  return encodeMessage([
    [':message-type', 'error'],
    [':error-code', code],
    [':error-message', message.length > 4000 ? message.slice(0, 4000) : message],
  ]);
}
