/**
 * Driver errors at the port boundary, and lock waits that do not block the event loop.
 * The connection runs with busy_timeout 0: when another process holds a lock, SQLite
 * fails at once and we retry on a timer instead of letting SQLite sleep on our thread.
 */
import Database from 'better-sqlite3';
import { fail, isAppError } from '../../core/errors.js';

export function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** AppErrors pass; a lock timeout is Unavailable (clients retry); any other driver error is Internal. */
export function wrapError(e: unknown): unknown {
  if (isAppError(e)) return e;
  if (e instanceof Database.SqliteError) {
    if (isBusy(e)) return fail('Unavailable', 'The small-blob store is busy; please retry.', { cause: e });
    return fail('Internal', 'The small-blob store failed.', { cause: e });
  }
  return e;
}

/**
 * Runs fn, retrying with backoff (1 ms doubling to 25 ms) while SQLite reports a lock held
 * by another connection, until timeoutMs has passed. fn must be one synchronous statement
 * or transaction step, so nothing is left half-done between attempts.
 */
export function retryBusy<T>(fn: () => T, timeoutMs: number, signal?: AbortSignal): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  // The first attempt (nearly always the only one) runs without an async frame.
  try {
    return Promise.resolve(fn());
  } catch (e) {
    if (!isBusy(e)) return Promise.reject(wrapError(e));
    return retryLater(fn, deadline, e, signal);
  }
}

async function retryLater<T>(fn: () => T, deadline: number, busy: unknown, signal?: AbortSignal): Promise<T> {
  let delay = 1;
  for (;;) {
    if (Date.now() >= deadline) throw wrapError(busy);
    signal?.throwIfAborted();
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 25);
    try {
      return fn();
    } catch (e) {
      if (!isBusy(e)) throw wrapError(e);
      busy = e;
    }
  }
}
