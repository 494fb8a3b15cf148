/**
 * Port: a store of immutable byte blobs under generated ids. Blobs hold bytes only; what
 * they mean (object, part, offsets) lives in the metadata store. Writes go to a private
 * temporary area first and appear under their id only on commit, so a crash mid-write
 * leaves nothing visible.
 */
import type { Readable } from 'node:stream';

export interface IoOptions {
  signal?: AbortSignal;
}

export interface BlobWriter {
  /** Bytes accepted so far. */
  readonly size: number;
  /**
   * Appends bytes. The writer may keep a reference to `chunk` until it is flushed, so the
   * caller must not modify it afterwards.
   */
  write(chunk: Uint8Array, opts?: IoOptions): Promise<void>;
  /** Makes the bytes durable (per the store's fsync policy) and visible; returns the blob id. */
  commit(opts?: IoOptions): Promise<string>;
  /** Discards the bytes; idempotent, safe after a failed write, a no-op after commit. */
  abort(): Promise<void>;
}

export interface BlobStat {
  size: number;
  /** When the blob's bytes were last written (used by garbage collection grace periods). */
  modifiedAt: Date;
}

export interface ReadOptions extends IoOptions {
  /** First byte, default 0. */
  start?: number;
  /** Last byte, inclusive; default the blob's end. */
  end?: number;
}

export interface CleanTempOptions extends IoOptions {
  /** Instances whose temporary areas may hold in-flight writes. */
  live: ReadonlySet<string>;
  /** Temporary files last written before this are abandoned even if their instance lives. */
  olderThan: Date;
}

export interface BlobStore {
  createWriter(opts?: IoOptions): Promise<BlobWriter>;
  /** A stream of bytes [start, end] of a blob, or undefined when the blob does not exist. */
  open(id: string, opts?: ReadOptions): Promise<Readable | undefined>;
  stat(id: string, opts?: IoOptions): Promise<BlobStat | undefined>;
  /**
   * Makes the blob's bytes appear as the file `dest` without copying (a hard link), where
   * the store keeps blobs as files on the same filesystem. 'missing': no such blob;
   * 'unsupported': this store (or this blob) cannot be linked, the caller copies instead.
   * Optional: stores that keep no files have none. The linked file shares the blob's
   * bytes, so whoever holds it must only read it.
   */
  linkTo?(id: string, dest: string, opts?: IoOptions): Promise<'linked' | 'missing' | 'unsupported'>;
  /** Removes a blob; a missing blob is not an error. */
  delete(id: string, opts?: IoOptions): Promise<void>;
  /** Every committed blob id, in no particular order. */
  list(opts?: IoOptions): AsyncIterable<string>;
  /** Removes abandoned temporary data; returns how many files went. */
  cleanTemp(opts: CleanTempOptions): Promise<number>;
  /**
   * Lets pending commits finish, then releases what the store holds open (database
   * handles, descriptors). Optional: a store that holds nothing open has none.
   */
  close?(): Promise<void>;
}
