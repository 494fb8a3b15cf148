/**
 * ObjectFile: the current bytes of an object (or a given version) as a file at a path the
 * caller chooses, for readers that need a file (the analytics engine). An object stored as
 * one file blob becomes a hard link to it ('linked'). An object of several segments (a
 * multipart upload) is assembled once into the engine's object file cache ('copied') and
 * later linked from there ('cached'; object-file-cache.ts); a small one, or any object when
 * there is no cache, is streamed into a new file ('copied'). The file is the caller's to
 * delete, and only to read: it may share its bytes with a blob or a cache entry.
 */
import { fail } from '../core/errors.js';
import type { EngineContext } from './context.js';
import { toObjectInfo } from './mappers.js';
import { writeNewFile } from './object-file-cache.js';
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
    let linked: 'linked' | 'missing' | 'unsupported' | undefined;
    if (only !== undefined && only.size === v.size && ctx.blobs.linkTo) {
      linked = await ctx.blobs.linkTo(only.blobId, input.path, signal ? { signal } : undefined);
      if (linked === 'linked') return { info: toObjectInfo(v), made: 'linked' };
      // Replaced or deleted meanwhile: resolve the version again.
      if (linked === 'missing') continue;
    }
    const open = () => openSegments(ctx.blobs, segments, v.size, undefined, signal);
    // A blob that cannot be linked (e.g. the destination is on another filesystem) is copied as
    // cheaply as a cache entry would be: caching it would only take space.
    const entry = linked === 'unsupported' ? undefined : ctx.objectFiles?.entryFor(segments, v.size);
    if (ctx.objectFiles && entry) {
      const made = await ctx.objectFiles.provide(entry, v.size, input.path, open, signal);
      if (made === undefined) continue;
      return { info: toObjectInfo(v), made };
    }
    const body = await open();
    if (body === undefined) continue;
    await writeNewFile(body, input.path, signal);
    return { info: toObjectInfo(v), made: 'copied' };
  }
  throw fail('Internal', 'The object data is missing.', { resource: input.key });
}
