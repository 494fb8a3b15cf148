/** Per-query and per-account limits of the analytics engine, with their defaults. */
export interface AnalyticsLimits {
  /** Wall-clock time a query may take, streaming its result included. */
  timeoutMs: number;
  /** DuckDB memory per query; beyond it DuckDB spills to the scratch directory, then fails. */
  memoryBytes: number;
  /** Spill space per query in its scratch directory. */
  tempBytes: number;
  /** Worker threads per query. */
  threads: number;
  /** Largest result a query may return or write. */
  maxResultBytes: number;
  /** Queries one account may run at once. */
  maxConcurrentPerAccount: number;
  /** Queries this node runs at once, over all accounts. */
  maxConcurrent: number;
  /** Objects one query may read (after glob expansion). */
  maxObjects: number;
}

export const DEFAULT_ANALYTICS_LIMITS: AnalyticsLimits = {
  timeoutMs: 5 * 60_000,
  memoryBytes: 1024 * 1024 * 1024,
  tempBytes: 10 * 1024 * 1024 * 1024,
  threads: 2,
  maxResultBytes: 1024 * 1024 * 1024,
  maxConcurrentPerAccount: 4,
  maxConcurrent: 16,
  maxObjects: 10_000,
};

/**
 * One caller's own limits (its account's quotas, in the engine's units), each narrowing the
 * server's; absent or null: the server's limit.
 */
export interface CallerLimits {
  /** Queries the caller's account may run at once; 0: none (analytics is off for it). */
  maxConcurrent?: number | null;
  timeoutMs?: number | null;
  memoryBytes?: number | null;
  threads?: number | null;
  maxResultBytes?: number | null;
}

/** The server's limit, or the caller's where that is smaller (a quota never widens a limit). */
export function narrow(server: number, caller: number | null | undefined): number {
  return caller === null || caller === undefined ? server : Math.min(server, caller);
}

/** The limits a caller's query runs under: the smaller of the caller's and the server's, each. */
export function effectiveLimits(server: AnalyticsLimits, caller: CallerLimits | undefined): AnalyticsLimits {
  if (!caller) return server;
  return {
    ...server,
    timeoutMs: narrow(server.timeoutMs, caller.timeoutMs),
    memoryBytes: narrow(server.memoryBytes, caller.memoryBytes),
    threads: narrow(server.threads, caller.threads),
    maxResultBytes: narrow(server.maxResultBytes, caller.maxResultBytes),
    maxConcurrentPerAccount: narrow(server.maxConcurrentPerAccount, caller.maxConcurrent),
  };
}
