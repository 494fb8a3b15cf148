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
