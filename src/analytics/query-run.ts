/**
 * One query's lifecycle: its id and owner, its scratch directory, the sandbox it runs in,
 * how far it got, and how it ends (succeeded, failed, cancelled, timed out). Stopping it
 * interrupts DuckDB; ending it, whichever way, closes the sandbox and removes the scratch
 * directory exactly once.
 */
import { rm } from 'node:fs/promises';
import type { AppError } from '../core/errors.js';
import { fail } from '../core/errors.js';
import { POSITION } from './errors.js';
import type { AnalyticsLimits } from './limits.js';
import type { Sandbox, SandboxLease } from './sandbox.js';

export type QueryState = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** What one query runs under: the server's limits, narrowed by its account's quotas. */
export type QueryLimits = Pick<AnalyticsLimits, 'timeoutMs' | 'memoryBytes' | 'threads' | 'maxResultBytes'>;

export interface QueryStatus {
  id: string;
  state: QueryState;
  /** 0..1 while DuckDB can tell, 1 when done, null when unknown. */
  progress: number | null;
  bytesScanned: number;
  elapsedMs: number;
  rows: number;
  /** The limits it runs under (the server's, narrowed by the account's quotas). */
  limits: QueryLimits;
  error?: { code: string; message: string; position?: number };
}

export type StopReason = 'timeout' | 'cancelled' | 'too-large';

export class QueryRun {
  readonly startedAt = Date.now();
  endedAt: number | undefined;
  state: QueryState = 'running';
  bytesScanned = 0;
  bytesByBucket = new Map<string, number>();
  /** Owner of each bucket read, who pays for the bytes scanned in it. */
  readonly owners = new Map<string, string>();
  rows = 0;
  region: string | undefined;
  sandbox: Sandbox | undefined;
  error: AppError | undefined;
  /** Why it was stopped from outside, if it was. */
  stopReason: StopReason | undefined;
  private readonly controller = new AbortController();
  private ended: Promise<void> | undefined;

  /** Settles once the sandbox is closed and the scratch directory removed, after end(). */
  cleaned: Promise<void> | undefined;
  readonly dir: string;

  constructor(
    readonly id: string,
    readonly accountId: string,
    readonly limits: QueryLimits,
    private readonly lease: SandboxLease,
    private readonly onEnd: (run: QueryRun) => void,
  ) {
    this.dir = lease.dir;
  }

  /** The query's sandbox, once it is open (a spare usually is already). */
  async openSandbox(): Promise<Sandbox> {
    const sandbox = await this.lease.sandbox;
    if (this.endedAt === undefined) this.sandbox = sandbox;
    return sandbox;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  stop(reason: StopReason): void {
    if (this.state !== 'running') return;
    this.stopReason ??= reason;
    this.controller.abort(this.stoppedError());
    this.interrupt();
  }

  /**
   * Interrupts the statement running in the sandbox. An interrupt that comes between two
   * statements is lost (DuckDB has nothing to interrupt then), so a stopped query that still
   * runs is interrupted again until it ends (see the service's poll).
   */
  interrupt(): void {
    try {
      this.sandbox?.connection.interrupt();
    } catch {
      // Already closed: nothing left to interrupt.
    }
  }

  /** The error a stopped query ends with. */
  stoppedError(): AppError {
    if (this.stopReason === 'timeout') return fail('QueryTimeout', `The query ran longer than ${formatSeconds(this.limits.timeoutMs)}, the most a query of yours may take, and was stopped.`);
    if (this.stopReason === 'too-large') return resultTooLarge(this.limits.maxResultBytes);
    return fail('QueryCancelled', 'The query was cancelled.');
  }

  throwIfStopped(): void {
    if (this.stopReason) throw this.stoppedError();
  }

  progress(): number | null {
    if (this.state === 'succeeded') return 1;
    if (this.state !== 'running' || !this.sandbox) return null;
    try {
      const p = this.sandbox.connection.progress.percentage;
      return p < 0 ? null : Math.min(1, p / 100);
    } catch {
      return null;
    }
  }

  status(): QueryStatus {
    const s: QueryStatus = {
      id: this.id, state: this.state, progress: this.progress(), bytesScanned: this.bytesScanned,
      elapsedMs: (this.endedAt ?? Date.now()) - this.startedAt, rows: this.rows,
      limits: { timeoutMs: this.limits.timeoutMs, memoryBytes: this.limits.memoryBytes, threads: this.limits.threads, maxResultBytes: this.limits.maxResultBytes },
    };
    if (this.error) {
      const position = this.error.details?.[POSITION];
      s.error = { code: this.error.code, message: this.error.message, ...(position !== undefined ? { position: Number(position) } : {}) };
    }
    return s;
  }

  /**
   * Ends the query (once): records the outcome and gives back its concurrency slot (onEnd);
   * then, in a later turn of the event loop, closes the sandbox and removes the scratch
   * files. Closing an instance blocks for several milliseconds, and a result's last bytes
   * are written out before it: the caller's response never waits for the clean-up.
   */
  end(error?: AppError): Promise<void> {
    this.ended ??= (async () => {
      this.endedAt = Date.now();
      this.sandbox = undefined;
      if (error) {
        this.error = error;
        this.state = error.code === 'QueryCancelled' ? 'cancelled' : 'failed';
      } else {
        this.state = 'succeeded';
      }
      const lease = this.lease;
      this.cleaned = new Promise<void>((resolve) => {
        setImmediate(() => {
          lease.sandbox
            .then((s) => s.close(), () => undefined)
            .finally(() => rm(lease.dir, { recursive: true, force: true }))
            .catch(() => undefined)
            .finally(resolve);
        });
      });
      this.onEnd(this);
    })();
    return this.ended;
  }
}

export function resultTooLarge(limit: number): AppError {
  return fail('ResultTooLarge', `The result is larger than ${limit} bytes, the most a query may return; aggregate or filter more, or write it to a bucket in Parquet.`);
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
