/**
 * The UsageRecorder of one serving process: counts in memory per (account, bucket, region,
 * UTC hour, meter) and flushes every `flushIntervalMs` to the store of the bucket's region.
 *
 * Exactly once: a flush cuts what was counted into batches with fresh ids; a batch that
 * fails stays queued and is sent again with the same id (the store applies an id once), so
 * a retry after an ambiguous failure (the store committed, the answer was lost) is never
 * counted twice, and nothing counted is dropped while the process lives. What a kill -9
 * loses is what was counted since the last successful flush: at most one flush interval of
 * requests (plus any batch a region refused until then). close() flushes before the stores
 * close.
 */
import { randomBytes } from 'node:crypto';
import { fail } from '../core/errors.js';
import type { HourlyUsage, UsageBatch } from '../meta/types.js';
import type { AnalyticsUsage, MeterName, ReplicationUsage, RequestUsage, UsageRecorder } from './model.js';

const HOUR_MS = 3_600_000;

export interface RecorderOptions {
  /** Stores a batch in `region`'s metadata store (the local engine, or a peer over the internal API). */
  sink(region: string, batch: UsageBatch): Promise<void>;
  /** Default 1000 ms: the most a kill -9 can lose. 0 turns the timer off (flush() by hand). */
  flushIntervalMs?: number;
  /** Rows per batch (an internal JSON body stays far below its 1 MiB limit). Default 2000. */
  maxBatchRows?: number;
  log?: (line: string) => void;
}

interface Pending {
  region: string;
  batch: UsageBatch;
}

export interface RecorderStats {
  /** Rows counted but not yet flushed (in memory). */
  live: number;
  /** Batches waiting to be retried. */
  pending: number;
  flushes: number;
  failedFlushes: number;
}

/** A figure being counted: a number while it is safely one (the common case), carried into `big` beyond. */
interface LiveRow {
  accountId: string;
  bucket: string;
  region: string;
  hour: number;
  meter: MeterName;
  quantity: number;
  big: bigint;
}

/** Above this a count moves into the row's bigint (a number stays exact up to 2^53). */
const CARRY_ABOVE = 2 ** 52;

/** Where a count belongs, as the start of its key: the meter name completes it. */
function placeKey(u: { accountId: string; bucket: string; region: string }, hour: number): string {
  return `${u.accountId}\u0000${u.bucket}\u0000${u.region}\u0000${hour}\u0000`;
}

export class MemoryUsageRecorder implements UsageRecorder {
  private live = new Map<string, LiveRow>();
  private readonly pending: Pending[] = [];
  private readonly idPrefix = randomBytes(8).toString('hex');
  private seq = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly maxBatchRows: number;
  private closed = false;
  private lastComplaint = 0;
  private flushes = 0;
  private failedFlushes = 0;

  constructor(private readonly opts: RecorderOptions) {
    this.maxBatchRows = Math.max(1, opts.maxBatchRows ?? 2000);
    const interval = opts.flushIntervalMs ?? 1000;
    if (interval > 0) {
      this.timer = setInterval(() => {
        this.flush().catch((e: unknown) => this.complain(e));
      }, interval);
      this.timer.unref();
    }
  }

  request(u: RequestUsage): void {
    const hour = Math.floor(u.at / HOUR_MS);
    const where = placeKey(u, hour);
    this.add(u, where, hour, u.class === 'write' ? 'requests.write' : 'requests.read', 1);
    if (u.bytesIn > 0) this.add(u, where, hour, 'bytes.in', u.bytesIn);
    if (u.bytesOut > 0) this.add(u, where, hour, 'bytes.out', u.bytesOut);
  }

  replicated(u: ReplicationUsage): void {
    const hour = Math.floor(u.at / HOUR_MS);
    if (u.bytes > 0) this.add(u, placeKey(u, hour), hour, 'bytes.replicated', u.bytes);
  }

  /** Query time is billed in whole seconds, rounded up per query (a 10 ms query is 1 query-second). */
  analytics(u: AnalyticsUsage): void {
    const hour = Math.floor(u.at / HOUR_MS);
    const where = placeKey(u, hour);
    if (u.bytesScanned > 0) this.add(u, where, hour, 'analytics.bytes_scanned', u.bytesScanned);
    const seconds = Math.ceil(u.elapsedMs / 1000);
    if (seconds > 0) this.add(u, where, hour, 'analytics.query_seconds', seconds);
  }

  private add(u: { accountId: string; bucket: string; region: string }, where: string, hour: number, meter: MeterName, quantity: number): void {
    if (!Number.isSafeInteger(quantity) || quantity < 0) return;
    const key = where + meter;
    const hit = this.live.get(key);
    if (hit === undefined) {
      this.live.set(key, { accountId: u.accountId, bucket: u.bucket, region: u.region, hour, meter, quantity, big: 0n });
      return;
    }
    hit.quantity += quantity;
    if (hit.quantity > CARRY_ABOVE) {
      hit.big += BigInt(hit.quantity);
      hit.quantity = 0;
    }
  }

  /** Makes everything counted so far durable; rejects (keeping the counts queued) when a region refused. */
  flush(): Promise<void> {
    const run = this.chain.catch(() => undefined).then(() => this.flushOnce());
    this.chain = run;
    return run;
  }

  private cut(): void {
    if (this.live.size === 0) return;
    const byRegion = new Map<string, HourlyUsage[]>();
    for (const r of this.live.values()) {
      const row: HourlyUsage = { accountId: r.accountId, bucket: r.bucket, region: r.region, hour: r.hour, meter: r.meter, quantity: r.big + BigInt(r.quantity) };
      const rows = byRegion.get(row.region);
      if (rows) rows.push(row);
      else byRegion.set(row.region, [row]);
    }
    this.live = new Map();
    for (const [region, rows] of byRegion) {
      for (let i = 0; i < rows.length; i += this.maxBatchRows) {
        this.pending.push({ region, batch: { id: `${this.idPrefix}-${++this.seq}`, rows: rows.slice(i, i + this.maxBatchRows) } });
      }
    }
  }

  private async flushOnce(): Promise<void> {
    this.cut();
    if (this.pending.length === 0) return;
    this.flushes++;
    const failed: Pending[] = [];
    const reasons = new Set<string>();
    for (const p of this.pending.splice(0)) {
      try {
        await this.opts.sink(p.region, p.batch);
      } catch (e) {
        failed.push(p);
        reasons.add(`${p.region}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (failed.length > 0) {
      this.failedFlushes++;
      // Queued before anything cut later, so each region's batches keep their order.
      this.pending.unshift(...failed);
      const rows = failed.reduce((n, p) => n + p.batch.rows.length, 0);
      throw fail('Unavailable', `usage not yet recorded (${rows} rows in ${failed.length} batches kept for retry): ${[...reasons].join('; ')}`);
    }
  }

  private complain(e: unknown): void {
    const now = Date.now();
    if (now - this.lastComplaint < 60_000) return;
    this.lastComplaint = now;
    this.opts.log?.(`metering: ${e instanceof Error ? e.message : String(e)}`);
  }

  stats(): RecorderStats {
    return { live: this.live.size, pending: this.pending.length, flushes: this.flushes, failedFlushes: this.failedFlushes };
  }

  /** Stops the timer and flushes, retrying a few times; rejects naming what could not be recorded. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.closed = true;
    let last: unknown;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.flush();
        return;
      } catch (e) {
        last = e;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
    throw last;
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
