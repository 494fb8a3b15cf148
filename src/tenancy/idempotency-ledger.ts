/**
 * Replays of mutating admin calls, kept in the account store so every cluster worker sees
 * them. The first request claims (user, key) before acting; a concurrent duplicate finds
 * the claim pending and is refused (Conflict) rather than acting twice. A claim whose
 * request failed (thrown error or 5xx) is released so the client can retry; one left by a
 * crashed process expires after `pendingTimeoutMs`. Entries older than 24 hours are ignored
 * and purged.
 */
import { fail } from '../core/errors.js';
import type { IdempotencyLedger } from './model.js';
import type { SqliteAccountStore } from './sqlite-account-store.js';

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
const PURGE_EVERY_MS = 60_000;

export class StoreIdempotencyLedger implements IdempotencyLedger {
  private readonly now: () => Date;
  private readonly pendingTimeoutMs: number;
  private lastPurge = -Infinity;

  constructor(private readonly deps: { store: SqliteAccountStore; clock?: () => Date; pendingTimeoutMs?: number }) {
    this.now = deps.clock ?? (() => new Date());
    this.pendingTimeoutMs = deps.pendingTimeoutMs ?? 5 * 60_000;
  }

  async run(
    userId: string,
    key: string,
    fingerprint: string,
    act: () => Promise<{ status: number; body: unknown }>,
  ): Promise<{ status: number; body: unknown; replayed: boolean }> {
    const { store } = this.deps;
    const now = this.now().getTime();
    if (now - this.lastPurge >= PURGE_EVERY_MS) {
      store.purgeIdempotency(now - IDEMPOTENCY_TTL_MS);
      this.lastPurge = now;
    }
    const replay = store.transaction(() => {
      let e = store.getIdempotency(userId, key);
      if (e && (e.createdAt <= now - IDEMPOTENCY_TTL_MS || (e.status === 0 && e.createdAt <= now - this.pendingTimeoutMs))) {
        store.deleteIdempotency(userId, key);
        e = undefined;
      }
      if (!e) {
        store.claimIdempotency(userId, key, fingerprint, now);
        return undefined;
      }
      if (e.fingerprint !== fingerprint) {
        throw fail('IdempotencyKeyReused', `The idempotency key '${key}' was used for a different request in the last 24 hours; use a new key.`);
      }
      if (e.status === 0) throw fail('Conflict', `A request with the idempotency key '${key}' is still in progress; retry later.`);
      return { status: e.status, body: JSON.parse(e.body) as unknown, replayed: true };
    });
    if (replay) return replay;
    let result: { status: number; body: unknown };
    try {
      result = await act();
    } catch (e) {
      store.releaseIdempotency(userId, key, now);
      throw e;
    }
    if (result.status >= 500) store.releaseIdempotency(userId, key, now);
    else store.completeIdempotency(userId, key, now, result.status, JSON.stringify(result.body ?? null));
    return { ...result, replayed: false };
  }
}
