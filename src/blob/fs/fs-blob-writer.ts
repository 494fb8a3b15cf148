/**
 * A BlobWriter onto a private temporary file. Small chunks are gathered and written with
 * one writev once FLUSH_BYTES accumulate, so a small object costs one write; the file is
 * only opened at the first flush, so an aborted small upload never touches the disk.
 * commit: (fdatasync) → close → rename into the fan-out directory → (fsync that directory).
 * With fsync, a large blob is also synced in the background every SYNC_BEHIND_BYTES while
 * it is written, so the disk writes back while the body is still arriving and the final
 * fdatasync (which the client waits for) has only the tail left to flush.
 */
import type { FileHandle } from 'node:fs/promises';
import { open, rm } from 'node:fs/promises';
import type { BlobWriter, IoOptions } from '../blob-store.js';

const FLUSH_BYTES = 256 * 1024;
const SYNC_BEHIND_BYTES = 16 * 1024 * 1024;

export interface WriterHost {
  readonly fsync: boolean;
  /** Makes sure the temp area exists (re-creating it if asked); returns a path for a new temp file. */
  tempPath(recreate?: boolean): Promise<string>;
  /** Moves a finished temp file into place under a new blob id (durably if fsync). */
  publish(tempPath: string): Promise<string>;
}

type State = 'open' | 'committed' | 'aborted';

export class FsBlobWriter implements BlobWriter {
  private state: State = 'open';
  private file: FileHandle | undefined;
  private path: string | undefined;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private written = 0;
  /** Bytes written since the last background sync started, and that sync while it runs. */
  private unsynced = 0;
  private syncing: Promise<unknown> | undefined;

  constructor(private readonly host: WriterHost) {}

  get size(): number {
    return this.written + this.pendingBytes;
  }

  async write(chunk: Uint8Array, opts?: IoOptions): Promise<void> {
    this.assertOpen();
    opts?.signal?.throwIfAborted();
    if (chunk.byteLength === 0) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.byteLength;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  async commit(opts?: IoOptions): Promise<string> {
    this.assertOpen();
    opts?.signal?.throwIfAborted();
    await this.flush();
    const file = this.file ?? (await this.openFile());
    // A background sync that failed fails the commit (the kernel reports a writeback error once).
    await this.syncing;
    if (this.host.fsync) await file.datasync();
    this.file = undefined;
    await file.close();
    opts?.signal?.throwIfAborted();
    const id = await this.host.publish(this.path as string);
    this.state = 'committed';
    return id;
  }

  async abort(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'aborted';
    this.pending = [];
    this.pendingBytes = 0;
    const file = this.file;
    this.file = undefined;
    await this.syncing?.catch(() => undefined);
    if (file !== undefined) await file.close().catch(() => undefined);
    if (this.path !== undefined) await rm(this.path, { force: true }).catch(() => undefined);
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new Error(`blob writer is ${this.state}`);
  }

  private async openFile(): Promise<FileHandle> {
    this.path = await this.host.tempPath();
    try {
      this.file = await open(this.path, 'wx');
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
      // The temp area was removed underneath us (e.g. by an operator): make it again.
      this.path = await this.host.tempPath(true);
      this.file = await open(this.path, 'wx');
    }
    return this.file;
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const file = this.file ?? (await this.openFile());
    let buffers = this.pending;
    let left = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    while (left > 0) {
      const { bytesWritten } = await file.writev(buffers as NodeJS.ArrayBufferView[]);
      this.written += bytesWritten;
      this.unsynced += bytesWritten;
      left -= bytesWritten;
      if (left > 0) buffers = dropBytes(buffers, bytesWritten);
    }
    if (this.host.fsync && this.unsynced >= SYNC_BEHIND_BYTES && this.syncing === undefined) {
      this.unsynced = 0;
      const sync = file.datasync().then(() => {
        if (this.syncing === sync) this.syncing = undefined;
      });
      // Kept (not awaited) until commit or abort collects it; marked handled meanwhile.
      sync.catch(() => undefined);
      this.syncing = sync;
    }
  }
}

/** The buffers that remain after the first n bytes were written (short writes are rare but legal). */
function dropBytes(buffers: Uint8Array[], n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const b of buffers) {
    if (n >= b.byteLength) {
      n -= b.byteLength;
      continue;
    }
    out.push(n > 0 ? b.subarray(n) : b);
    n = 0;
  }
  return out;
}
