/**
 * CopyObject: a streamed byte copy into a new blob (so deleting either object never touches
 * the other's bytes), metadata and tags per their directives, destination conditions and
 * versioning as for PutObject. The copy gets a plain MD5 ETag and, when the request or the
 * source names a checksum algorithm, a FULL_OBJECT checksum computed over the copied bytes.
 */
import { fail } from '../core/errors.js';
import type { ObjectVersion, StoredHeaders } from '../meta/index.js';
import { assertKey, type EngineContext } from './context.js';
import { copyFromSource } from './copy-source.js';
import { commitIngested, precheckWrite } from './put-object.js';
import type { CopyObjectInput, CopyResult } from './types.js';

function isSameObject(input: CopyObjectInput, source: ObjectVersion): boolean {
  return input.source.bucket === input.dest.bucket && input.source.key === input.dest.key && source.isLatest;
}

/** S3 allows copying an object onto itself only when something about it changes. */
function changesSomething(input: CopyObjectInput, source: ObjectVersion): boolean {
  if (input.metadataDirective === 'REPLACE') return true;
  const h = input.headers;
  if (h?.storageClass !== undefined && h.storageClass !== (source.headers.storageClass ?? 'STANDARD')) return true;
  if (h?.websiteRedirectLocation !== undefined && h.websiteRedirectLocation !== source.headers.websiteRedirectLocation) return true;
  return input.checksumAlgorithm !== undefined && input.checksumAlgorithm !== source.checksum?.algorithm;
}

/**
 * The destination's headers per x-amz-metadata-directive. Exported for copies between two
 * engines (regions), which must give the same result as a copy within one.
 */
export function copiedHeaders(input: Pick<CopyObjectInput, 'metadataDirective' | 'headers'>, source: StoredHeaders): StoredHeaders {
  if (input.metadataDirective === 'REPLACE') return input.headers ?? { userMetadata: {} };
  const headers: StoredHeaders = { ...source };
  // Storage class and redirect location are per request even when metadata is copied.
  if (input.headers?.storageClass !== undefined) headers.storageClass = input.headers.storageClass;
  if (input.headers?.websiteRedirectLocation !== undefined) headers.websiteRedirectLocation = input.headers.websiteRedirectLocation;
  return headers;
}

const ILLEGAL_SELF_COPY =
  "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.";

export async function copyObject(ctx: EngineContext, input: CopyObjectInput): Promise<CopyResult> {
  assertKey(ctx, input.dest.key);
  await precheckWrite(ctx, input.dest.bucket, input.dest.key, input.destConditions, input.signal);
  const { source, data } = await copyFromSource(ctx, {
    source: input.source,
    conditions: input.sourceConditions,
    validate: (src) => {
      if (isSameObject(input, src) && !changesSomething(input, src)) throw fail('InvalidRequest', ILLEGAL_SELF_COPY);
    },
    algorithm: (src) => input.checksumAlgorithm ?? src.checksum?.algorithm ?? ctx.defaultChecksum,
    elideEmpty: true,
    signal: input.signal,
  });
  const written = await commitIngested(
    ctx,
    data,
    {
      bucket: input.dest.bucket,
      key: input.dest.key,
      owner: input.owner,
      headers: copiedHeaders(input, source.headers),
      tags: input.taggingDirective === 'REPLACE' ? (input.tags ?? {}) : source.tags,
      ...(input.acl ? { acl: input.acl } : {}),
    },
    input.destConditions,
  );
  return { ...written, sourceVersionId: source.versionId };
}
