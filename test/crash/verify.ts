/**
 * After a restart: every key must be in one of the states the ledger allows (absent, or some
 * version complete to the last byte), the listing must agree with what GET returns, and every
 * multipart upload must be either a complete object or a still-listed upload, never both or
 * neither. Problems are returned as sentences, so each one reads as a bug report.
 */
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, GetObjectCommand, ListMultipartUploadsCommand,
  ListObjectsV2Command, ListPartsCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { content, sha256 } from './content.js';
import type { Ledger, State, UploadRecord, Version } from './load.js';

const show = (s: State) => (s ? `${s.size} bytes sha256 ${s.sha.slice(0, 12)}… (${s.seed})` : 'absent');
const same = (a: State, b: State) => (a === null || b === null ? a === b : a.sha === b.sha && a.size === b.size);

/** Runs fn over items with at most `n` at a time. */
async function pool<T>(items: T[], n: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

export async function readState(s3: S3Client, bucket: string, key: string): Promise<{ sha: string; size: number } | null> {
  try {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const h = createHash('sha256');
    let size = 0;
    for await (const chunk of r.Body as Readable) {
      h.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    return { sha: h.digest('hex'), size };
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchKey' || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
    throw e;
  }
}

export async function listAll(s3: S3Client, bucket: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of r.Contents ?? []) out.set(o.Key!, o.Size ?? -1);
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** Checks every key against the ledger, then makes what was observed the new confirmed state. */
export async function verifyObjects(s3: S3Client, bucket: string, ledger: Ledger): Promise<{ problems: string[]; present: number }> {
  const problems: string[] = [];
  const observed = new Map<string, State>();
  await pool([...ledger.keys.keys()], 8, async (key) => {
    const got = await readState(s3, bucket, key);
    const allowed = ledger.allowed(key);
    const match = allowed.find((a) => same(a, got ? { ...got, seed: '' } : null));
    if (match === undefined) {
      problems.push(`key ${key}: GET gives ${got ? `${got.size} bytes sha256 ${got.sha.slice(0, 12)}…` : 'absent'}, allowed only: ${allowed.map(show).join(' | ')}`);
      observed.set(key, got ? { ...got, seed: 'unexpected' } : null);
    } else observed.set(key, match);
  });
  const listed = await listAll(s3, bucket);
  for (const [key, size] of listed) {
    const o = observed.get(key);
    if (o === undefined) problems.push(`listing shows ${key} (${size} bytes), a key this test never wrote`);
    else if (o === null) problems.push(`listing shows ${key} (${size} bytes) but GET says it is absent`);
    else if (o.size !== size) problems.push(`listing shows ${key} with ${size} bytes, GET returns ${o.size}`);
  }
  for (const [key, o] of observed) if (o && !listed.has(key)) problems.push(`GET returns ${key} (${o.size} bytes) but the listing omits it`);
  for (const [key, o] of observed) ledger.ack(key, o);
  return { problems, present: [...observed.values()].filter(Boolean).length };
}

async function listUploads(s3: S3Client, bucket: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let km: string | undefined, um: string | undefined;
  for (;;) {
    const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, KeyMarker: km, UploadIdMarker: um }));
    for (const u of r.Uploads ?? []) out.set(u.UploadId!, u.Key!);
    if (!r.IsTruncated) return out;
    km = r.NextKeyMarker;
    um = r.NextUploadIdMarker;
  }
}

/**
 * How many blob files the metadata should reference, as far as S3 shows it: an object has one
 * blob per part (the "-N" of a multipart ETag), one for a simple object, none when empty
 * (Sovra elides empty blobs); every part of an in-progress upload has one.
 */
export async function referencedBlobs(s3: S3Client, bucket: string): Promise<{ total: number; objects: number; parts: number }> {
  let objects = 0, parts = 0, token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of r.Contents ?? []) {
      const n = /-(\d+)"$/.exec(o.ETag ?? '');
      objects += n ? Number(n[1]) : o.Size ? 1 : 0;
    }
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  for (const [id, key] of await listUploads(s3, bucket)) {
    const lp = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: id }));
    parts += (lp.Parts ?? []).length;
  }
  return { total: objects + parts, objects, parts };
}

export interface UploadReport { problems: string[]; resumed: number; aborted: number; orphansAborted: number }

/**
 * Multipart atomicity after a crash, then cleanup: every second unfinished upload is resumed
 * (missing parts re-sent, completed, read back), the others are aborted.
 */
export async function verifyUploads(s3: S3Client, bucket: string, ledger: Ledger): Promise<UploadReport> {
  const rep: UploadReport = { problems: [], resumed: 0, aborted: 0, orphansAborted: 0 };
  const live = await listUploads(s3, bucket);
  let flip = false;
  for (const up of ledger.uploads.values()) {
    if (up.completed || up.aborted) {
      if (live.has(up.uploadId)) rep.problems.push(`upload ${up.uploadId} of ${up.key} was ${up.completed ? 'completed' : 'aborted'} but is still listed`);
      continue;
    }
    const state = ledger.entry(up.key).confirmed;
    const visible = state !== null && state.seed === `mpu:${up.uploadId}`;
    const listed = live.has(up.uploadId);
    if (visible && listed) rep.problems.push(`upload ${up.uploadId} of ${up.key} is half-visible: the object is readable and the upload is still listed`);
    if (!visible && !listed) rep.problems.push(`upload ${up.uploadId} of ${up.key} (create acknowledged, not completed) vanished: not listed and no object`);
    if (visible) { up.completed = true; continue; }
    if (!listed) { up.aborted = true; continue; }
    const parts = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: up.key, UploadId: up.uploadId }));
    const seen = new Map((parts.Parts ?? []).map((p) => [p.PartNumber!, p]));
    for (const [n, rec] of up.parts) {
      const p = seen.get(n);
      if (!p) { if (rec.acked) rep.problems.push(`upload ${up.uploadId}: acknowledged part ${n} is missing from ListParts`); continue; }
      if (p.Size !== rec.size || p.ETag !== rec.etag)
        rep.problems.push(`upload ${up.uploadId}: part ${n} listed as ${p.Size} bytes ${p.ETag}, sent ${rec.size} bytes ${rec.etag}${rec.acked ? '' : ' (unacknowledged: a partial part is visible)'}`);
    }
    for (const n of seen.keys()) if (!up.parts.has(n)) rep.problems.push(`upload ${up.uploadId}: ListParts shows part ${n}, never sent`);
    flip = !flip;
    if (flip) await resume(s3, bucket, ledger, up, rep);
    else {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: up.key, UploadId: up.uploadId }));
      up.aborted = true;
      rep.aborted++;
      const after = await readState(s3, bucket, up.key);
      if (!same(after ? { ...after, seed: '' } : null, state)) rep.problems.push(`aborting ${up.uploadId} changed ${up.key}`);
    }
  }
  // Uploads whose create reply was lost in the crash: legitimate, but they must be abortable.
  for (const [id, key] of await listUploads(s3, bucket)) {
    if (ledger.uploads.has(id)) continue;
    if (!ledger.unknownCreates.has(key)) rep.problems.push(`unexpected upload ${id} for ${key}`);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id }));
    rep.orphansAborted++;
  }
  ledger.unknownCreates.clear();
  const left = await listUploads(s3, bucket);
  if (left.size) rep.problems.push(`${left.size} uploads still listed after resuming/aborting all: ${[...left.keys()].join(', ')}`);
  return rep;
}

async function resume(s3: S3Client, bucket: string, ledger: Ledger, up: UploadRecord, rep: UploadReport): Promise<void> {
  const bodies: Buffer[] = [];
  for (const [i, size] of up.planned.entries()) {
    const n = i + 1;
    const seed = `${up.key}#${up.uploadId}#${n}`;
    const body = content(seed, size);
    bodies.push(body);
    const rec = up.parts.get(n);
    if (rec?.acked) continue;
    const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: up.key, UploadId: up.uploadId, PartNumber: n, Body: body, ContentLength: size }));
    up.parts.set(n, { size, seed, etag: r.ETag!, acked: true });
  }
  await s3.send(new CompleteMultipartUploadCommand({
    Bucket: bucket, Key: up.key, UploadId: up.uploadId,
    MultipartUpload: { Parts: up.planned.map((_, i) => ({ PartNumber: i + 1, ETag: up.parts.get(i + 1)!.etag })) },
  }));
  up.completed = true;
  const v: Version = { sha: sha256(bodies), size: up.planned.reduce((a, b) => a + b, 0), seed: `mpu:${up.uploadId}` };
  const got = await readState(s3, bucket, up.key);
  if (!got || got.sha !== v.sha) rep.problems.push(`resumed upload ${up.uploadId} of ${up.key} reads back wrong: ${got ? `${got.size} bytes` : 'absent'}, expected ${v.size}`);
  ledger.ack(up.key, v);
  rep.resumed++;
}
