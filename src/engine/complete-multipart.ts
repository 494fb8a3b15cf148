/**
 * CompleteMultipartUpload in one metadata transaction and no byte copying: the chosen
 * parts' blobs become the object's segments, in order. Validation as S3: at least one part,
 * ascending part numbers, each part uploaded with that ETag (and that checksum when the
 * client lists one; for COMPOSITE uploads every part must list it), every part but the last
 * at least minPartSize. ETag = MD5 of the parts'
 * MD5s + "-N". The object checksum is COMPOSITE (checksum of the parts' checksums, "-N") or
 * FULL_OBJECT (CRC of the whole object, combined from the parts' CRCs) per the upload's
 * checksum type; a full-object checksum sent with Complete is verified. Parts not chosen are
 * deleted with the upload. Completing it again with the same part list within a day, while
 * the version it made is still there, answers as the first time did (S3 does too: a client
 * whose answer was lost retries); anything else is NoSuchUpload.
 */
import { createHash } from 'node:crypto';
import {
  combineCrc,
  compositeChecksum,
  multipartEtag,
  MULTIPART_CHECKSUM_TYPES,
  type CompositeAlgorithm,
  type CrcAlgorithm,
} from '../core/checksums/index.js';
import { fail, isAppError } from '../core/errors.js';
import type { MetaTx, PartRecord, StoredChecksum, UploadRecord } from '../meta/index.js';
import type { EngineContext } from './context.js';
import { commitVersion } from './commit-version.js';
import { findUpload } from './multipart.js';
import { normalizeEtag } from './preconditions.js';
import type { CompleteMultipartInput, WriteResult } from './types.js';

const CRCS: readonly string[] = ['CRC32', 'CRC32C', 'CRC64NVME'];

const invalidPart = (partNumber: number) =>
  fail(
    'InvalidPart',
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    { details: { PartNumber: String(partNumber) } },
  );

const stripCount = (v: string) => v.replace(/-\d+$/, '');

function chooseParts(upload: UploadRecord, input: CompleteMultipartInput, stored: PartRecord[], minPartSize: number): PartRecord[] {
  const byNumber = new Map(stored.map((p) => [p.partNumber, p]));
  const alg = upload.checksumAlgorithm;
  // A COMPOSITE checksum is built from the parts' checksums, so S3 wants every one of them listed.
  const needsPartChecksums = alg !== undefined && (upload.checksumType ?? MULTIPART_CHECKSUM_TYPES[alg].default) === 'COMPOSITE';
  let previous = 0;
  const chosen: PartRecord[] = [];
  for (const want of input.parts) {
    if (want.partNumber <= previous) {
      throw fail('InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.');
    }
    previous = want.partNumber;
    if (needsPartChecksums && want.checksum === undefined) {
      throw fail(
        'InvalidRequest',
        `The upload was created using a ${(alg as string).toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${want.partNumber} in the request.`,
      );
    }
    const have = byNumber.get(want.partNumber);
    if (have === undefined || normalizeEtag(have.etag) !== normalizeEtag(want.etag)) throw invalidPart(want.partNumber);
    // Listed part checksums are compared for uploads that declared an algorithm; without one, a
    // part's stored checksum may be the engine's default CRC, not what the client computed.
    if (alg !== undefined && want.checksum !== undefined && have.checksum !== undefined && stripCount(want.checksum) !== have.checksum) {
      throw invalidPart(want.partNumber);
    }
    chosen.push(have);
  }
  chosen.forEach((p, i) => {
    if (i < chosen.length - 1 && p.size < minPartSize) {
      throw fail('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', {
        details: { ProposedSize: String(p.size), MinSizeAllowed: String(minPartSize), PartNumber: String(p.partNumber), ETag: p.etag },
      });
    }
  });
  return chosen;
}

function combine(alg: string, chosen: PartRecord[]): string {
  const parts = chosen.map((p) => ({ digest: Buffer.from(p.checksum as string, 'base64'), length: p.size }));
  return combineCrc(alg as CrcAlgorithm, parts).toString('base64');
}

function objectChecksum(upload: UploadRecord, chosen: PartRecord[], sent: CompleteMultipartInput['checksum']): StoredChecksum | undefined {
  const alg = upload.checksumAlgorithm;
  if (alg === undefined) {
    // No declared algorithm: when every part carries the same CRC (the default one, or one the
    // client sent with each part) the object gets that CRC as its full-object checksum.
    const crc = chosen[0]?.checksumAlgorithm;
    if (crc === undefined || !CRCS.includes(crc) || !chosen.every((p) => p.checksumAlgorithm === crc && p.checksum !== undefined)) {
      return undefined;
    }
    const value = combine(crc, chosen);
    if (sent !== undefined && sent.algorithm === crc && stripCount(sent.value) !== value) throw badDigest(crc);
    return { algorithm: crc, type: 'FULL_OBJECT', value };
  }
  const type = upload.checksumType ?? MULTIPART_CHECKSUM_TYPES[alg].default;
  for (const p of chosen) if (p.checksum === undefined || p.checksumAlgorithm !== alg) throw invalidPart(p.partNumber);
  const value =
    type === 'COMPOSITE'
      ? compositeChecksum(alg as CompositeAlgorithm, chosen.map((p) => Buffer.from(p.checksum as string, 'base64')))
      : combine(alg, chosen);
  if (sent !== undefined) {
    if (sent.algorithm !== alg) {
      throw fail('InvalidRequest', `Checksum Type mismatch occurred, expected checksum Type: ${alg.toLowerCase()}, actual checksum Type: ${sent.algorithm.toLowerCase()}`);
    }
    if (sent.type !== undefined && sent.type !== type) {
      throw fail('InvalidRequest', `The upload was created using the ${type} checksum mode. The complete request must use the same checksum mode.`);
    }
    if (stripCount(sent.value) !== stripCount(value)) throw badDigest(alg);
  }
  return { algorithm: alg, type, value };
}

/** How long a completed upload is remembered for a retried Complete. */
const COMPLETED_KEPT_MS = 24 * 3600_000;

/** The part list as the client named it: a retried Complete must name the same one. */
function partsDigest(parts: CompleteMultipartInput['parts']): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(`${p.partNumber}:${normalizeEtag(p.etag)}\n`);
  return h.digest('base64url');
}

/** The first answer again, when this upload was completed with these parts and its version stands. */
async function answerAgain(tx: MetaTx, input: CompleteMultipartInput): Promise<WriteResult | undefined> {
  const done = await tx.uploads.completed(input.uploadId);
  if (done === undefined || done.bucket !== input.bucket || done.key !== input.key || done.partsDigest !== partsDigest(input.parts)) return undefined;
  const v = await tx.objects.getVersion(input.bucket, input.key, done.versionId);
  if (v === undefined || v.deleteMarker || v.etag !== done.etag) return undefined;
  const out: WriteResult = { etag: v.etag, versionId: v.versionId, lastModified: v.lastModified, size: v.size };
  if (v.checksum) out.checksum = { ...v.checksum };
  return out;
}

const badDigest = (alg: string) => fail('BadDigest', `The ${alg} you specified did not match the calculated checksum.`);

export async function completeMultipartUpload(ctx: EngineContext, input: CompleteMultipartInput): Promise<WriteResult> {
  if (input.parts.length === 0) throw fail('InvalidRequest', 'You must specify at least one part');
  const result = await ctx.meta.write(async (tx) => {
    let upload: UploadRecord;
    try {
      upload = await findUpload(tx, input.bucket, input.key, input.uploadId);
    } catch (e) {
      const again = isAppError(e) && e.code === 'NoSuchUpload' ? await answerAgain(tx, input) : undefined;
      if (again === undefined) throw e;
      return { out: again, garbage: [] as string[] };
    }
    const chosen = chooseParts(upload, input, await tx.uploads.parts(input.uploadId), ctx.limits.minPartSize);
    const checksum = objectChecksum(upload, chosen, input.checksum);
    const etag = multipartEtag(chosen.map((p) => Buffer.from(normalizeEtag(p.etag), 'hex')));
    const size = chosen.reduce((n, p) => n + p.size, 0);
    const committed = await commitVersion(
      ctx,
      tx,
      {
        bucket: input.bucket,
        key: input.key,
        owner: upload.owner,
        size,
        etag,
        headers: upload.headers,
        tags: upload.tags ?? {},
        ...(upload.acl ? { acl: upload.acl } : {}),
        ...(checksum ? { checksum } : {}),
        segments: chosen.map((p) => ({
          blobId: p.blobId,
          size: p.size,
          partNumber: p.partNumber,
          ...(p.checksum !== undefined ? { checksum: p.checksum } : {}),
        })),
      },
      input.conditions,
    );
    const kept = new Set(chosen.map((p) => p.blobId));
    const all = (await tx.uploads.remove(input.uploadId)) ?? [];
    const garbage = [...committed.garbage, ...all.filter((p) => !kept.has(p.blobId)).map((p) => p.blobId)];
    await tx.uploads.recordCompleted(
      { uploadId: input.uploadId, bucket: input.bucket, key: input.key, versionId: committed.versionId, etag, partsDigest: partsDigest(input.parts), completedAt: committed.lastModified },
      new Date(committed.lastModified.getTime() - COMPLETED_KEPT_MS),
    );
    const out: WriteResult = { etag, versionId: committed.versionId, lastModified: committed.lastModified, size };
    if (checksum) out.checksum = { ...checksum };
    if (committed.replicationQueued) out.replicationQueued = true;
    return { out, garbage };
  });
  ctx.discard(result.garbage);
  return result.out;
}
