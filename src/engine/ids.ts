/**
 * Identifiers the engine issues. Version ids are 32 hex digits that sort newest first
 * (reversed millisecond clock, reversed in-process sequence, 64 random bits); upload ids
 * sort by initiation (millisecond clock, then 128 random bits: unguessable).
 */
import { randomBytes } from 'node:crypto';
import { randomHex } from '../core/random-hex.js';
import { fail } from '../core/errors.js';

const MAX_MS = 0xffffffffffff;

/** A version id source; ids from one source sort strictly newest first, even within a millisecond. */
export function versionIdGenerator(): (now: Date) => string {
  let lastMs = -1;
  let seq = 0;
  return (now) => {
    const ms = now.getTime();
    seq = ms === lastMs ? Math.min(seq + 1, 0xffff) : 0;
    lastMs = ms;
    return (
      (MAX_MS - ms).toString(16).padStart(12, '0') +
      (0xffff - seq).toString(16).padStart(4, '0') +
      randomHex(8)
    );
  };
}

export function isValidVersionId(id: string): boolean {
  return id === 'null' || /^[0-9a-f]{32}$/.test(id);
}

/** Throws InvalidArgument for a malformed version id (as S3 does before any lookup). */
export function assertVersionId(id: string | undefined): void {
  if (id !== undefined && !isValidVersionId(id)) {
    throw fail('InvalidArgument', 'Invalid version id specified', { details: { ArgumentName: 'versionId', ArgumentValue: id } });
  }
}

export function newUploadId(now: Date): string {
  return now.getTime().toString(16).padStart(12, '0') + randomBytes(16).toString('hex');
}

export function isValidUploadId(id: string): boolean {
  return /^[0-9a-f]{44}$/.test(id);
}
