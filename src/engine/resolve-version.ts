/**
 * Finds the version a read (GET, HEAD, tagging, copy source) addresses, with S3's errors:
 * a delete marker as latest is NoSuchKey with x-amz-delete-marker; a version id naming a
 * delete marker is MethodNotAllowed (InvalidRequest for a copy source); an unknown version
 * is NoSuchVersion; a malformed version id is InvalidArgument.
 */
import { fail } from '../core/errors.js';
import type { ObjectVersion } from '../meta/index.js';
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
  const found = await ctx.meta.read(
    async (tx) => {
      const v =
        at.versionId === undefined
          ? await tx.objects.getLatest(at.bucket, at.key, { withSegments: opts.withSegments })
          : await tx.objects.getVersion(at.bucket, at.key, at.versionId, { withSegments: opts.withSegments });
      if (v === undefined && (await tx.buckets.get(at.bucket)) === undefined) throw noSuchBucket(at.bucket);
      return v;
    },
    { signal: opts.signal },
  );
  return checkFound(found, at, mode);
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
