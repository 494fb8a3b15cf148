/**
 * A byte stream over bytes already in memory (a small blob read whole from SQLite) that
 * keeps them at hand: a sender that sees one may write the bytes in one go instead of
 * streaming them, which for a small object costs far less than the stream machinery
 * (pipeline, end-of-stream tracking, abort listeners). Read as a stream it behaves like
 * any other: chunks of at most `chunkSize`, and it stops at the next chunk once `signal`
 * is aborted (there is no I/O in flight to cancel, so no listener is needed).
 */
import { Readable } from 'node:stream';

export class BufferedReadable extends Readable {
  private offset = 0;

  constructor(
    readonly bytes: Buffer,
    private readonly chunkSize = 256 * 1024,
    private readonly signal?: AbortSignal,
  ) {
    super();
  }

  override _read(): void {
    if (this.signal?.aborted) {
      // As node's addAbortSignal reports it.
      this.destroy(Object.assign(new Error('The operation was aborted', { cause: this.signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' }));
      return;
    }
    if (this.offset >= this.bytes.byteLength) {
      this.push(null);
      return;
    }
    const end = Math.min(this.offset + this.chunkSize, this.bytes.byteLength);
    const chunk = this.bytes.subarray(this.offset, end);
    this.offset = end;
    this.push(chunk);
  }
}

/**
 * The whole content of `body` when it is a BufferedReadable nobody has read from yet;
 * the caller then owns the bytes and should destroy the stream.
 */
export function wholeBytes(body: unknown): Buffer | undefined {
  return body instanceof BufferedReadable && !body.readableDidRead && !body.destroyed ? body.bytes : undefined;
}
