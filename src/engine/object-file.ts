/**
 * ObjectFile: the current bytes of an object (or a given version) as a file at a path the
 * caller chooses, for readers that need a file (the analytics engine). An object stored as
 * one file blob becomes a hard link (no copy); an inline (small) blob or a multipart object
 * of several segments is streamed into a new file. The file is the caller's to delete.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { fail } from '../core/errors.js';
import type { EngineContext } from './context.js';
import { toObjectInfo } from './mappers.js';
import { resolveVersion } from './resolve-version.js';
import { openSegments } from './segment-stream.js';
import type { ObjectFileInput, ObjectFileResult } from './types.js';

const ATTEMPTS = 3;

export async function objectFile(ctx: EngineContext, input: ObjectFileInput): Promise<ObjectFileResult> {
  const { signal } = input;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const v = await resolveVersion(ctx, input, 'read', { withSegments: true, ...(signal ? { signal } : {}) });
    const segments = v.segments ?? [];
    const only = segments.length === 1 ? segments[0] : undefined;
    if (only !== undefined && only.size === v.size && ctx.blobs.linkTo) {
      const linked = await ctx.blobs.linkTo(only.blobId, input.path, signal ? { signal } : undefined);
      if (linked === 'linked') return { info: toObjectInfo(v), linked: true };
      // Replaced or deleted meanwhile: resolve the version again.
      if (linked === 'missing') continue;
    }
    const body = await openSegments(ctx.blobs, segments, v.size, undefined, signal);
    if (body === undefined) continue;
    try {
      await pipeline(body, createWriteStream(input.path, { flags: 'wx' }), ...(signal ? [{ signal }] : []));
    } catch (e) {
      await rm(input.path, { force: true });
      throw e;
    }
    return { info: toObjectInfo(v), linked: false };
  }
  throw fail('Internal', 'The object data is missing.', { resource: input.key });
}
