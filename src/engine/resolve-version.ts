/**
 * Finds the version a read (GET, HEAD, tagging, copy source) addresses, with S3's errors:
 * a delete marker as latest is NoSuchKey with x-amz-delete-marker; a version id naming a
 * delete marker is MethodNotAllowed (InvalidRequest for a copy source); an unknown version
 * is NoSuchVersion; a malformed version id is InvalidArgument.
 */
import { fail } from '../core/errors.js';
import type { MetaTx, ObjectVersion } from '../meta/index.js';
import { noSuchBucket, noSuchKey, type EngineContext } from './context.js';
import { assertVersionId } from './ids.js';

export type ReadMode = 'read' | 'copy';

export interface VersionAddress {
  bucket: string;
  key: string;
  versionId?: string;
}

export async function resolveVersion(
  ctx: EngineContext,
  at: VersionAddress,
  mode: ReadMode,
  opts: { withSegments?: boolean; signal?: AbortSignal } = {},
): Promise<ObjectVersion> {
  assertVersionId(at.versionId);
  // One query (a version comes with its segments); the bucket check on a miss needs no shared snapshot.
  const found = await ctx.meta.read((tx) => findVersion(tx, at, opts.withSegments), { signal: opts.signal, snapshot: false });
  return checkFound(found, at, mode);
}

/** The addressed version as the transaction sees it (undefined: none); NoSuchBucket when the bucket is gone. */
async function findVersion(tx: MetaTx, at: VersionAddress, withSegments?: boolean): Promise<ObjectVersion | undefined> {
  const v =
    at.versionId === undefined
      ? await tx.objects.getLatest(at.bucket, at.key, { withSegments })
      : await tx.objects.getVersion(at.bucket, at.key, at.versionId, { withSegments });
  if (v === undefined && (await tx.buckets.get(at.bucket)) === undefined) throw noSuchBucket(at.bucket);
  return v;
}

/**
 * Changes a setting of the addressed version (tags, ACL) in one write transaction, with the
 * same errors as a read of it; answers the version id changed.
 */
export async function updateVersion(ctx: EngineContext, at: VersionAddress, change: (tx: MetaTx, v: ObjectVersion) => Promise<unknown>): Promise<{ versionId: string }> {
  assertVersionId(at.versionId);
  return ctx.meta.write(async (tx) => {
    const v = checkFound(await findVersion(tx, at), at, 'read');
    await change(tx, v);
    return { versionId: v.versionId };
  });
}

export function checkFound(found: ObjectVersion | undefined, at: VersionAddress, mode: ReadMode): ObjectVersion {
  if (found === undefined) {
    if (at.versionId === undefined) throw noSuchKey(at.key);
    throw fail('NoSuchVersion', 'The specified version does not exist.', {
      resource: at.key,
      details: { Key: at.key, VersionId: at.versionId },
    });
  }
  if (!found.deleteMarker) return found;
  const markerHeaders = { 'x-amz-delete-marker': 'true', 'x-amz-version-id': found.versionId };
  if (at.versionId === undefined) throw noSuchKey(at.key, markerHeaders);
  if (mode === 'copy') {
    throw fail('InvalidRequest', 'The source of a copy request may not specifically refer to a delete marker by version id.');
  }
  throw fail('MethodNotAllowed', 'The specified method is not allowed against this resource.', {
    headers: { ...markerHeaders, 'Last-Modified': found.lastModified.toUTCString() },
    details: { ResourceType: 'DeleteMarker' },
  });
}
