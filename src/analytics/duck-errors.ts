/**
 * DuckDB's errors as Sovra's: the refusals of the sandbox are QueryRefused, running out of
 * memory QueryMemoryExceeded, a file DuckDB could not read (or whose values do not fit the
 * types detected from its start) MalformedObject, everything else
 * (syntax, binding, types) InvalidQuery with DuckDB's message and the position in the
 * customer's text. Messages go through the rewrite's translation: no scratch path leaks.
 */
import { AppError, fail, isAppError } from '../core/errors.js';
import { POSITION } from './errors.js';
import type { Rewritten } from './rewrite.js';

export function duckError(e: unknown, rewritten: Rewritten | undefined): AppError {
  if (isAppError(e)) return e;
  const raw = e instanceof Error ? e.message : String(e);
  const { message, position } = rewritten ? rewritten.translate(raw) : { message: raw.replace(/\n*LINE \d+:[^]*$/, ''), position: undefined };
  const details = position === undefined ? undefined : { [POSITION]: String(position) };
  const opts = details ? { details } : {};
  if (/^Permission Error/i.test(raw) || /configuration has been locked|disabled through configuration/i.test(raw)) {
    return fail('QueryRefused', `Refused by the query sandbox: ${message}`, opts);
  }
  if (/^Out of Memory Error/i.test(raw)) {
    return fail('QueryMemoryExceeded', `The query needs more memory than it may use: ${message}`, opts);
  }
  // A CSV value that does not fit the column type read from the file's start is the file's fault too.
  if (/^(Invalid Input Error|IO Error|Invalid Error|Serialization Error|Conversion Error: CSV Error)/i.test(raw) && /s3:\/\//.test(message)) {
    return fail('MalformedObject', message, opts);
  }
  return fail('InvalidQuery', message, opts);
}
