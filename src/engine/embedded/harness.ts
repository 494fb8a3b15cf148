/**
 * Test support for engine tests: a real embedded storage in a fresh temp directory, a
 * controllable clock, and small stream helpers. Not used by production code.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { SqliteBlobStore } from '../../blob/sqlite/index.js';
import type { RegionEngine, StorageEngine } from '../types.js';
import { openEmbeddedStorage, type EmbeddedStorage, type EmbeddedStorageOptions } from './open-embedded-storage.js';

export interface Harness {
  dir: string;
  storage: EmbeddedStorage;
  engine: RegionEngine;
  /** Moves the engine clock forward. */
  advance(ms: number): void;
  /** Opens another engine instance on the same data directory. */
  openPeer(extra?: Partial<EmbeddedStorageOptions>): Promise<EmbeddedStorage>;
  /** Temp files under <dataDir>/tmp, and committed blobs (files under blobs/ plus rows in blobs-small.db) right now. */
  counts(): Promise<{ tmp: number; blobs: number }>;
  dispose(): Promise<void>;
}

export async function openHarness(extra: Partial<EmbeddedStorageOptions> = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'sovra-engine-'));
  let now = Date.UTC(2025, 0, 1, 12, 0, 0);
  const base: EmbeddedStorageOptions = { dataDir: dir, fsync: false, clock: () => new Date(now), ...extra };
  const storage = await openEmbeddedStorage(base);
  const peers: EmbeddedStorage[] = [];
  return {
    dir,
    storage,
    engine: storage.engine,
    advance: (ms) => {
      now += ms;
    },
    openPeer: async (more = {}) => {
      const peer = await openEmbeddedStorage({ ...base, ...more });
      peers.push(peer);
      return peer;
    },
    counts: async () => ({
      tmp: await countFiles(join(dir, 'tmp')),
      blobs: (await countFiles(join(dir, 'blobs'))) + (await countSmallBlobs(join(dir, 'blobs-small.db'))),
    }),
    dispose: async () => {
      for (const p of peers) await p.engine.close();
      await storage.engine.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Blobs in a small-blob database, read through a second connection (0 if there is none). */
export async function countSmallBlobs(path: string): Promise<number> {
  if (!existsSync(path)) return 0;
  const store = await SqliteBlobStore.open({ path, fsync: false });
  try {
    let n = 0;
    for await (const _ of store.list()) n++;
    return n;
  } finally {
    await store.close();
  }
}

export async function countFiles(dir: string): Promise<number> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
}

/** A body stream of the given bytes, in chunks. */
export function body(data: string | Buffer, chunkSize = 64 * 1024): Readable {
  const buf = Buffer.from(data);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunkSize) chunks.push(buf.subarray(i, i + chunkSize));
  return Readable.from(chunks);
}

export async function bytesOf(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function textOf(r: Readable): Promise<string> {
  return (await bytesOf(r)).toString('utf8');
}

export function md5Base64(data: string | Buffer): string {
  return createHash('md5').update(data).digest('base64');
}

export function md5Hex(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A deterministic pseudo-random buffer (xorshift32; fast to generate, distinct per seed). */
export function pattern(size: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  const whole = size - (size % 4);
  for (let i = 0; i < whole; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.writeUInt32LE(x, i);
  }
  for (let i = whole; i < size; i++) out[i] = (seed + i) & 0xff;
  return out;
}

export const OWNER = 'owner-1';

/** Minimal put for tests. */
export async function put(
  engine: StorageEngine,
  bucket: string,
  key: string,
  data: string | Buffer,
  extra: Partial<Parameters<StorageEngine['putObject']>[0]> = {},
) {
  return engine.putObject({
    bucket,
    key,
    owner: OWNER,
    body: body(data),
    claims: { contentLength: Buffer.byteLength(data) },
    headers: { userMetadata: {} },
    ...extra,
  });
}

export async function getText(engine: StorageEngine, bucket: string, key: string, versionId?: string): Promise<string> {
  const r = await engine.getObject({ bucket, key, ...(versionId !== undefined ? { versionId } : {}) });
  return textOf(r.body);
}
