/**
 * Filesystem error cases shared by the stores that keep files (blob/fs and the engine's
 * object file cache).
 */
import { readdir } from 'node:fs/promises';

export function isNotFound(e: unknown): boolean {
  return (e as { code?: string }).code === 'ENOENT';
}

/** A hard link that cannot be made here (another filesystem, none supported, the link limit): copy instead. */
export function isLinkUnsupported(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP' || code === 'EMLINK';
}

/** A directory's entry names; none when it does not exist. */
export async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if (isNotFound(e)) return [];
    throw e;
  }
}
