/**
 * What SelectObjectContent needs to run: one object as a local file, read by a
 * locked DuckDB that can reach only that file's scratch directory. The
 * analytics engine's sandbox provides it (see select/session.ts); the S3 layer
 * sees only this interface.
 */
import type { CallerLimits } from '../../analytics/limits.js';
import type { ObjectInfo } from '../../engine/types.js';
import type { SqlRunner } from './plan.js';

export interface SelectOpenInput {
  bucket: string;
  key: string;
  /**
   * ScanRange: only the records that start within [start, end] (inclusive byte
   * offsets), split on LF. `header`: the object's first line is kept too (CSV USE/IGNORE).
   */
  range?: { start: number; end: number; header: boolean };
  /** The caller's analytics quotas: time, memory and threads within the server's (absent: the server's). */
  limits?: Pick<CallerLimits, 'timeoutMs' | 'memoryBytes' | 'threads'>;
  signal?: AbortSignal;
}

export interface SelectSession extends SqlRunner {
  /** The file DuckDB reads. */
  file: string;
  info: ObjectInfo;
  /** Bytes of the object read into the file. */
  bytesScanned: number;
  /** Releases the file, the scratch directory and the DuckDB instance. Idempotent. */
  close(): Promise<void>;
}

export interface SelectBackend {
  open(input: SelectOpenInput): Promise<SelectSession>;
}
