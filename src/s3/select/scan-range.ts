/**
 * ScanRange for line-delimited objects (CSV, JSON LINES): S3 processes every
 * record that *starts* within [start, end], so a record straddling `end` is
 * read to its end and one straddling `start` is left to the range before.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_SelectObjectContent.html#AmazonS3-SelectObjectContent-request-ScanRange
 */

const LF = 0x0a;

/**
 * The bytes of the records starting in [start, end] (inclusive), from a body
 * that begins at absolute offset `from` (max(0, start - 1): one byte before
 * `start` tells whether a record begins exactly there).
 */
export async function* recordsInRange(body: AsyncIterable<Uint8Array>, from: number, start: number, end: number): AsyncGenerator<Buffer> {
  let pos = from;
  let emitting = start === 0;
  for await (const raw of body) {
    let chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    let chunkPos = pos;
    pos += chunk.length;
    if (!emitting) {
      // Skip to just after the first LF at or after start - 1.
      const skipFrom = Math.max(0, start - 1 - chunkPos);
      if (skipFrom >= chunk.length) continue;
      const lf = chunk.indexOf(LF, skipFrom);
      if (lf < 0) continue;
      emitting = true;
      chunkPos += lf + 1;
      chunk = chunk.subarray(lf + 1);
      if (chunkPos > end) return;
    }
    // Stop after the LF that ends the record holding `end`.
    const stopFrom = Math.max(0, end - chunkPos);
    const lf = stopFrom < chunk.length ? chunk.indexOf(LF, stopFrom) : -1;
    if (lf >= 0) {
      yield chunk.subarray(0, lf + 1);
      return;
    }
    if (chunk.length > 0) yield chunk;
  }
}

/** The object's first line (LF included), read from a body that starts at byte 0; at most `max` bytes. */
export async function firstLine(body: AsyncIterable<Uint8Array>, max: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const raw of body) {
    const chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const lf = chunk.indexOf(LF);
    if (lf >= 0) {
      parts.push(chunk.subarray(0, lf + 1));
      break;
    }
    parts.push(chunk);
    size += chunk.length;
    if (size >= max) break;
  }
  const line = Buffer.concat(parts);
  return line.length > max ? line.subarray(0, max) : line;
}
