/**
 * The writer of a TieredBlobStore. Bytes are held in memory while the blob is no larger
 * than the threshold; the write that crosses it opens a writer on the large store, hands
 * it everything held so far and streams the rest straight through, so memory per writer
 * stays bounded by the threshold. A blob that ends at or under the threshold is written to
 * the small store in one go at commit.
 */
import type { BlobStore, BlobWriter, IoOptions } from '../blob-store.js';

export interface TieredWriterHost {
  readonly small: BlobStore;
  readonly large: BlobStore;
  readonly threshold: number;
  isSmallId(id: string): boolean;
}

type State = 'open' | 'committed' | 'aborted';

export class TieredBlobWriter implements BlobWriter {
  private state: State = 'open';
  private held: Uint8Array[] = [];
  private bytes = 0;
  private large: BlobWriter | undefined;

  constructor(private readonly host: TieredWriterHost) {}

  get size(): number {
    return this.bytes;
  }

  async write(chunk: Uint8Array, opts?: IoOptions): Promise<void> {
    this.assertOpen();
    opts?.signal?.throwIfAborted();
    if (chunk.byteLength === 0) return;
    if (this.large !== undefined) {
      await this.large.write(chunk, opts);
      this.bytes += chunk.byteLength;
      return;
    }
    this.held.push(chunk);
    this.bytes += chunk.byteLength;
    if (this.bytes > this.host.threshold) await this.spill(opts);
  }

  private async spill(opts?: IoOptions): Promise<void> {
    const writer = await this.host.large.createWriter(opts);
    // abort() may have run while the writer was being created; it could not see this one.
    if (this.state !== 'open') {
      await writer.abort();
      this.assertOpen();
    }
    this.large = writer;
    const held = this.held;
    this.held = [];
    for (const c of held) await writer.write(c, opts);
  }

  async commit(opts?: IoOptions): Promise<string> {
    this.assertOpen();
    opts?.signal?.throwIfAborted();
    const id = this.large !== undefined ? await this.large.commit(opts) : await this.commitSmall(opts);
    // A store issuing ids of the other's form would make them unreadable: fail loudly.
    if (this.host.isSmallId(id) !== (this.large === undefined)) {
      throw new Error(`blob id ${JSON.stringify(id)} does not name the store that holds it`);
    }
    this.state = 'committed';
    this.held = [];
    return id;
  }

  private async commitSmall(opts?: IoOptions): Promise<string> {
    const writer = await this.host.small.createWriter(opts);
    try {
      for (const c of this.held) await writer.write(c, opts);
      return await writer.commit(opts);
    } catch (e) {
      await writer.abort();
      throw e;
    }
  }

  /** After a failed commit the large writer is still open, so this also cleans up then. */
  async abort(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    this.held = [];
    this.bytes = 0;
    await this.large?.abort();
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new Error(`blob writer is ${this.state}`);
  }
}
