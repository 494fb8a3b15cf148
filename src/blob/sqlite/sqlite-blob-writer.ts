/**
 * A BlobWriter that keeps its chunks in memory and hands them to the store as one row on
 * commit. Nothing touches the disk before commit, so an unfinished or aborted write leaves
 * nothing behind and there is no temporary area to clean.
 */
import type { BlobWriter, IoOptions } from '../blob-store.js';

export interface SqliteWriterHost {
  /** Stores the bytes as a new blob (durably, per the store's policy); returns its id. */
  insert(data: Buffer, signal?: AbortSignal): Promise<string>;
}

type State = 'open' | 'committing' | 'committed' | 'aborted' | 'failed';

export class SqliteBlobWriter implements BlobWriter {
  private state: State = 'open';
  private chunks: Uint8Array[] = [];
  private bytes = 0;

  constructor(private readonly host: SqliteWriterHost) {}

  get size(): number {
    return this.bytes;
  }

  async write(chunk: Uint8Array, opts?: IoOptions): Promise<void> {
    this.assertOpen();
    opts?.signal?.throwIfAborted();
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.bytes += chunk.byteLength;
  }

  async commit(opts?: IoOptions): Promise<string> {
    this.assertOpen();
    opts?.signal?.throwIfAborted();
    this.state = 'committing';
    const data = toBuffer(this.chunks, this.bytes);
    this.chunks = [];
    try {
      const id = await this.host.insert(data, opts?.signal);
      this.state = 'committed';
      return id;
    } catch (e) {
      // The row may exist (a failed fdatasync after COMMIT); unreferenced, GC removes it.
      this.state = 'failed';
      throw e;
    }
  }

  async abort(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    this.chunks = [];
    this.bytes = 0;
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new Error(`blob writer is ${this.state}`);
  }
}

/** One Buffer over the chunks; a single chunk is wrapped, not copied. */
function toBuffer(chunks: Uint8Array[], bytes: number): Buffer {
  if (chunks.length === 1) {
    const c = chunks[0] as Uint8Array;
    return Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  }
  return Buffer.concat(chunks, bytes);
}
