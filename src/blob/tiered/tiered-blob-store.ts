/**
 * A BlobStore over two others: blobs up to `threshold` bytes go to a store that is cheap
 * per blob (SQLite rows), larger ones to a store that is cheap per byte (files). Most S3
 * operations touch small objects, and a file per object costs about a millisecond of
 * kernel time to create and ~100 µs to open, so small ones are kept apart (as MinIO
 * inlines small objects into their metadata).
 *
 * Ids say which store holds a blob, so reads, stats and deletes are routed without a
 * lookup: `isSmallId` recognises the small store's ids (e.g. 's' + 31 hex for the SQLite
 * store), everything else belongs to the large store (32 hex for the fs store), which
 * also rejects malformed ids. GC sees both stores through list() and cleanTemp().
 */
import type { Readable } from 'node:stream';
import type { BlobStat, BlobStore, BlobWriter, CleanTempOptions, IoOptions, ReadOptions } from '../blob-store.js';
import { TieredBlobWriter } from './tiered-blob-writer.js';

export interface TieredBlobStoreOptions {
  small: BlobStore;
  large: BlobStore;
  /** True exactly for ids the small store issues. */
  isSmallId: (id: string) => boolean;
  /** Largest blob, in bytes, kept in the small store (and held in memory while written). Default 128 KiB. */
  threshold?: number;
}

export const DEFAULT_SMALL_BLOB_THRESHOLD = 128 * 1024;

export class TieredBlobStore implements BlobStore {
  readonly small: BlobStore;
  readonly large: BlobStore;
  readonly threshold: number;
  private readonly isSmallId: (id: string) => boolean;

  constructor(opts: TieredBlobStoreOptions) {
    this.small = opts.small;
    this.large = opts.large;
    this.isSmallId = opts.isSmallId;
    this.threshold = opts.threshold ?? DEFAULT_SMALL_BLOB_THRESHOLD;
    if (!Number.isSafeInteger(this.threshold) || this.threshold < 0) throw new Error('invalid small blob threshold');
  }

  async createWriter(opts?: IoOptions): Promise<BlobWriter> {
    opts?.signal?.throwIfAborted();
    return new TieredBlobWriter({ small: this.small, large: this.large, threshold: this.threshold, isSmallId: this.isSmallId });
  }

  open(id: string, opts?: ReadOptions): Promise<Readable | undefined> {
    return this.storeOf(id).open(id, opts);
  }

  stat(id: string, opts?: IoOptions): Promise<BlobStat | undefined> {
    return this.storeOf(id).stat(id, opts);
  }

  async linkTo(id: string, dest: string, opts?: IoOptions): Promise<'linked' | 'missing' | 'unsupported'> {
    const store = this.storeOf(id);
    return store.linkTo ? store.linkTo(id, dest, opts) : 'unsupported';
  }

  delete(id: string, opts?: IoOptions): Promise<void> {
    return this.storeOf(id).delete(id, opts);
  }

  async *list(opts?: IoOptions): AsyncIterable<string> {
    yield* this.small.list(opts);
    yield* this.large.list(opts);
  }

  async cleanTemp(opts: CleanTempOptions): Promise<number> {
    return (await this.small.cleanTemp(opts)) + (await this.large.cleanTemp(opts));
  }

  async close(): Promise<void> {
    await Promise.all([this.small.close?.(), this.large.close?.()]);
  }

  private storeOf(id: string): BlobStore {
    return this.isSmallId(id) ? this.small : this.large;
  }
}
