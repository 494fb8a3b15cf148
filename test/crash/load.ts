/**
 * Concurrent writers whose every byte is known: each key's acceptable states after a crash
 * are its last acknowledged version plus every write or delete sent since (acknowledged or
 * not). A key belongs to one writer at a time, so those states are well defined.
 */
import {
  CompleteMultipartUploadCommand, CreateMultipartUploadCommand,
  DeleteObjectCommand, PutObjectCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { content, md5hex, sha256 } from './content.js';

const MiB = 1024 * 1024;

/** A version of a key: its bytes' sha256 and size; null means "absent". */
export interface Version { sha: string; size: number; seed: string }
export type State = Version | null;

export interface KeyEntry {
  /** The state the server confirmed last (an ack, or what a verification read). */
  confirmed: State;
  /** States sent since, whose outcome is unknown (the ack may have been lost in the crash). */
  pending: State[];
  busy: boolean;
}

export interface PartRecord { size: number; etag: string; seed: string; acked: boolean }
export interface UploadRecord {
  key: string;
  uploadId: string;
  parts: Map<number, PartRecord>;
  /** Total parts the writer meant to send; complete is sent after the last. */
  planned: number[];
  completeSent: boolean;
  completed: boolean;
  aborted: boolean;
}

export class Ledger {
  readonly keys = new Map<string, KeyEntry>();
  readonly uploads = new Map<string, UploadRecord>();
  /** Keys of multipart creates whose response never came: the server may hold an upload we can't name. */
  readonly unknownCreates = new Set<string>();

  entry(key: string): KeyEntry {
    let e = this.keys.get(key);
    if (!e) this.keys.set(key, (e = { confirmed: null, pending: [], busy: false }));
    return e;
  }
  /** An acknowledged write or delete: the key's state is now known exactly. */
  ack(key: string, s: State): void {
    const e = this.entry(key);
    e.confirmed = s;
    e.pending = [];
  }
  allowed(key: string): State[] {
    const e = this.entry(key);
    return [e.confirmed, ...e.pending];
  }
}

export interface LoadStats { started: number; acked: number; failedBeforeKill: string[]; byKind: Record<string, number> }

/** Object sizes for single PUTs: mostly small, with a steady share of big ones up to 64 MiB. */
const SIZES = [0, 1, 4096, 100_000, MiB, 5 * MiB, 16 * MiB, 64 * MiB];
const WEIGHTS = [1, 1, 3, 3, 3, 2, 2, 1];

export interface LoadOptions {
  s3: S3Client;
  bucket: string;
  ledger: Ledger;
  rand: () => number;
  round: number;
  workers: number;
  /** True once the kill is under way: errors from then on are expected. */
  killed: () => boolean;
  running: () => boolean;
}

function pickSize(rand: () => number): number {
  const total = WEIGHTS.reduce((a, b) => a + b, 0);
  let r = rand() * total;
  for (let i = 0; i < SIZES.length; i++) if ((r -= WEIGHTS[i]!) < 0) return SIZES[i]!;
  return 0;
}

/** Runs `workers` writer loops until running() turns false; resolves when all have stopped. */
export async function runLoad(o: LoadOptions): Promise<LoadStats> {
  const stats: LoadStats = { started: 0, acked: 0, failedBeforeKill: [], byKind: {} };
  let seq = 0;
  const idle = () => [...o.ledger.keys.entries()].filter(([, e]) => !e.busy && e.confirmed !== null).map(([k]) => k);

  async function one(w: number): Promise<void> {
    const r = o.rand();
    const fresh = `r${o.round}/w${w}/k${seq++}`;
    const existing = idle();
    let kind: string;
    if (r < 0.45 || existing.length === 0) kind = 'put';
    else if (r < 0.6) kind = 'overwrite';
    else if (r < 0.9) kind = 'multipart';
    else kind = 'delete';
    const key = kind === 'overwrite' || kind === 'delete' ? existing[Math.floor(o.rand() * existing.length)]! : fresh;
    const e = o.ledger.entry(key);
    e.busy = true;
    stats.started++;
    stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
    try {
      if (kind === 'delete') {
        e.pending.push(null);
        await o.s3.send(new DeleteObjectCommand({ Bucket: o.bucket, Key: key }));
        o.ledger.ack(key, null);
      } else if (kind === 'multipart') {
        await multipart(key);
      } else {
        const size = pickSize(o.rand);
        const seed = `${key}@${seq++}`;
        const body = content(seed, size);
        const v: Version = { sha: sha256(body), size, seed };
        e.pending.push(v);
        await o.s3.send(new PutObjectCommand({ Bucket: o.bucket, Key: key, Body: body, ContentLength: size }));
        o.ledger.ack(key, v);
      }
      stats.acked++;
    } catch (err) {
      if (!o.killed()) stats.failedBeforeKill.push(`${kind} ${key}: ${(err as Error).name}: ${(err as Error).message}`);
    } finally {
      e.busy = false;
    }
  }

  async function multipart(key: string): Promise<void> {
    const n = 2 + Math.floor(o.rand() * 3);
    const planned = Array.from({ length: n }, (_, i) => (i < n - 1 ? 5 * MiB : 1 + Math.floor(o.rand() * 5 * MiB)));
    o.ledger.unknownCreates.add(key);
    const cr = await o.s3.send(new CreateMultipartUploadCommand({ Bucket: o.bucket, Key: key }));
    o.ledger.unknownCreates.delete(key);
    const up: UploadRecord = { key, uploadId: cr.UploadId!, parts: new Map(), planned, completeSent: false, completed: false, aborted: false };
    o.ledger.uploads.set(up.uploadId, up);
    const bodies: Buffer[] = [];
    for (const [i, size] of planned.entries()) {
      const seed = `${key}#${up.uploadId}#${i + 1}`;
      const body = content(seed, size);
      bodies.push(body);
      const rec: PartRecord = { size, etag: `"${md5hex(body)}"`, seed, acked: false };
      up.parts.set(i + 1, rec);
      await o.s3.send(new UploadPartCommand({ Bucket: o.bucket, Key: key, UploadId: up.uploadId, PartNumber: i + 1, Body: body, ContentLength: size }));
      rec.acked = true;
    }
    const v: Version = { sha: sha256(bodies), size: planned.reduce((a, b) => a + b, 0), seed: `mpu:${up.uploadId}` };
    o.ledger.entry(key).pending.push(v);
    up.completeSent = true;
    await o.s3.send(new CompleteMultipartUploadCommand({
      Bucket: o.bucket, Key: key, UploadId: up.uploadId,
      MultipartUpload: { Parts: [...up.parts.entries()].map(([PartNumber, p]) => ({ PartNumber, ETag: p.etag })) },
    }));
    up.completed = true;
    o.ledger.ack(key, v);
  }

  await Promise.all(Array.from({ length: o.workers }, async (_, w) => {
    while (o.running()) await one(w);
  }));
  return stats;
}
