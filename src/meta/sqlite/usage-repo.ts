/**
 * UsageRepo on SQLite, and the UsageLedger the object, upload and bucket repositories apply
 * their changes through (inside the caller's transaction): it advances the bucket's storage
 * meters to the moment of the change, then applies the change.
 */
import type Database from 'better-sqlite3';
import { accrue, HOUR_MS, OBJECTS_METER, STORAGE_METER, type AccrualState } from '../usage-accrual.js';
import type { HourlyUsage, UsageBatch, UsageCounts, UsageHoursQuery } from '../types.js';
import type { UsageRepo } from '../usage-repo.js';

/** How long a batch id is remembered (a recorder retries a failed flush for far less). */
const BATCH_MEMORY_MS = 7 * 24 * HOUR_MS;

/** Read with safe integers: every number column arrives as a bigint. */
interface LedgerRow {
  owner: string;
  region: string;
  bytes: bigint | null;
  objects: bigint | null;
  since: bigint | null;
  carry_bytes: bigint | null;
  carry_objects: bigint | null;
}

type AddParams = [string, number, string, string, string, bigint];

/** The statement that adds to one hourly figure. */
function addStatement(db: Database.Database): Database.Statement<AddParams> {
  return db.prepare<AddParams>(
    `INSERT INTO usage_hours (bucket, hour, meter, account, region, quantity) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (bucket, hour, meter, account, region) DO UPDATE SET quantity = quantity + excluded.quantity`,
  );
}

function stateOf(row: LedgerRow): AccrualState {
  return {
    bytes: Number(row.bytes ?? 0n), objects: Number(row.objects ?? 0n), since: Number(row.since ?? 0n),
    carryBytes: row.carry_bytes ?? 0n, carryObjects: row.carry_objects ?? 0n,
  };
}

/** Applies deltas to a bucket's counters and advances its storage meters; used by the repositories that own the counted rows. */
export class UsageLedger {
  private readonly s;
  /**
   * The bucket this transaction changed last, as it now stands: its next change (the other
   * half of an overwrite, the next PUT of a batch) needs no read. Only valid inside the write
   * transaction that set it: the store calls reset() whenever one starts or rolls back.
   */
  private last: { bucket: string; owner: string; region: string; state: AccrualState } | undefined;

  constructor(db: Database.Database, private readonly clock: () => number) {
    this.s = {
      state: db
        .prepare<[string], LedgerRow>(
          `SELECT b.owner, b.region, u.bytes, u.objects, u.since, u.carry_bytes, u.carry_objects
           FROM buckets b LEFT JOIN bucket_usage u ON u.bucket = b.name WHERE b.name = ?`,
        )
        .safeIntegers(true),
      put: db.prepare<[string, number, number, number, bigint, bigint]>(
        `INSERT INTO bucket_usage (bucket, bytes, objects, since, carry_bytes, carry_objects) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (bucket) DO UPDATE SET bytes = excluded.bytes, objects = excluded.objects, since = excluded.since,
           carry_bytes = excluded.carry_bytes, carry_objects = excluded.carry_objects`,
      ),
      // A bucket row missing (never expected: counted rows belong to a bucket): counters only.
      addBare: db.prepare<[string, number, number]>(
        `INSERT INTO bucket_usage (bucket, bytes, objects, since) VALUES (?, ?, ?, 0)
         ON CONFLICT (bucket) DO UPDATE SET bytes = bytes + excluded.bytes, objects = objects + excluded.objects`,
      ),
      drop: db.prepare<[string]>('DELETE FROM bucket_usage WHERE bucket = ?'),
      add: addStatement(db),
    };
  }

  /** Forgets the bucket remembered from this transaction (see `last`). */
  reset(): void {
    this.last = undefined;
  }

  /** The bucket's owner, region and counters: remembered from this transaction's last change, else read. */
  private current(bucket: string): { owner: string; region: string; state: AccrualState } | undefined {
    if (this.last !== undefined && this.last.bucket === bucket) return this.last;
    const row = this.s.state.get(bucket);
    return row === undefined ? undefined : { owner: row.owner, region: row.region, state: stateOf(row) };
  }

  /** Accrues up to now and returns the new state, or undefined when the bucket is unknown. */
  private advance(bucket: string): { owner: string; region: string; state: AccrualState; t: number; carryBytes: bigint; carryObjects: bigint } | undefined {
    const cur = this.current(bucket);
    if (cur === undefined) return undefined;
    const { owner, region, state } = cur;
    // Another process's clock may lag a little: time never runs backwards for a bucket.
    const t = Math.max(this.clock(), state.since);
    const { hours, carryBytes, carryObjects } = accrue(state, t);
    for (const h of hours) {
      if (h.byteHours !== 0n) this.s.add.run(bucket, h.hour, STORAGE_METER, owner, region, h.byteHours);
      if (h.objectHours !== 0n) this.s.add.run(bucket, h.hour, OBJECTS_METER, owner, region, h.objectHours);
    }
    return { owner, region, state, t, carryBytes, carryObjects };
  }

  change(bucket: string, bytes: number, objects: number): void {
    if (bytes === 0 && objects === 0) return;
    const a = this.advance(bucket);
    if (a === undefined) {
      this.last = undefined;
      this.s.addBare.run(bucket, bytes, objects);
      return;
    }
    const next: AccrualState = { bytes: a.state.bytes + bytes, objects: a.state.objects + objects, since: a.t, carryBytes: a.carryBytes, carryObjects: a.carryObjects };
    this.last = undefined;
    this.s.put.run(bucket, next.bytes, next.objects, next.since, next.carryBytes, next.carryObjects);
    this.last = { bucket, owner: a.owner, region: a.region, state: next };
  }

  /** Closes a deleted bucket's meters (accrued up to now) and forgets its counters. Call before the bucket row goes. */
  forget(bucket: string): void {
    this.advance(bucket);
    this.last = undefined;
    this.s.drop.run(bucket);
  }
}

export class SqliteUsageRepo implements UsageRepo {
  private readonly s;
  private lastPrune = 0;

  constructor(db: Database.Database, private readonly clock: () => number = Date.now) {
    this.s = {
      get: db.prepare<[string], UsageCounts>('SELECT bytes, objects FROM bucket_usage WHERE bucket = ?'),
      byOwner: db.prepare<[string], UsageCounts & { buckets: number }>(
        `SELECT coalesce(sum(u.bytes), 0) AS bytes, coalesce(sum(u.objects), 0) AS objects, count(*) AS buckets
         FROM buckets b LEFT JOIN bucket_usage u ON u.bucket = b.name WHERE b.owner = ?`,
      ),
      versions: db.prepare<[string], UsageCounts>(
        `SELECT coalesce(sum(size), 0) AS bytes, count(*) AS objects FROM object_versions WHERE bucket = ? AND delete_marker = 0`,
      ),
      parts: db.prepare<[string], { bytes: number }>(
        `SELECT coalesce(sum(p.size), 0) AS bytes FROM upload_parts p JOIN uploads u ON u.upload_id = p.upload_id WHERE u.bucket = ?`,
      ),
      claim: db.prepare<[string, number]>('INSERT INTO usage_batches (id, applied_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING'),
      prune: db.prepare<[number]>('DELETE FROM usage_batches WHERE applied_at < ?'),
      add: addStatement(db),
      hours: db
        .prepare<[number, number], { bucket: string; hour: number; meter: string; account: string; region: string; quantity: bigint }>(
          'SELECT bucket, hour, meter, account, region, quantity FROM usage_hours WHERE hour >= ? AND hour < ?',
        )
        .safeIntegers(true),
      bucketHours: db
        .prepare<[string, number, number], { bucket: string; hour: number; meter: string; account: string; region: string; quantity: bigint }>(
          'SELECT bucket, hour, meter, account, region, quantity FROM usage_hours WHERE bucket = ? AND hour >= ? AND hour < ?',
        )
        .safeIntegers(true),
      open: db
        .prepare<[], LedgerRow & { bucket: string }>(
          `SELECT u.bucket, b.owner, b.region, u.bytes, u.objects, u.since, u.carry_bytes, u.carry_objects
           FROM bucket_usage u JOIN buckets b ON b.name = u.bucket WHERE u.bytes > 0 OR u.objects > 0`,
        )
        .safeIntegers(true),
      openBucket: db
        .prepare<[string], LedgerRow & { bucket: string }>(
          `SELECT u.bucket, b.owner, b.region, u.bytes, u.objects, u.since, u.carry_bytes, u.carry_objects
           FROM bucket_usage u JOIN buckets b ON b.name = u.bucket WHERE u.bucket = ?`,
        )
        .safeIntegers(true),
    };
  }

  async get(bucket: string): Promise<UsageCounts> {
    const row = this.s.get.get(bucket);
    return row === undefined ? { bytes: 0, objects: 0 } : { bytes: row.bytes, objects: row.objects };
  }

  async byOwner(owner: string): Promise<UsageCounts & { buckets: number }> {
    const row = this.s.byOwner.get(owner);
    return { bytes: row?.bytes ?? 0, objects: row?.objects ?? 0, buckets: row?.buckets ?? 0 };
  }

  async recount(bucket: string): Promise<UsageCounts> {
    const v = this.s.versions.get(bucket);
    const p = this.s.parts.get(bucket);
    return { bytes: (v?.bytes ?? 0) + (p?.bytes ?? 0), objects: v?.objects ?? 0 };
  }

  async addCounters(batch: UsageBatch): Promise<boolean> {
    const now = this.clock();
    if (now - this.lastPrune > HOUR_MS) {
      this.s.prune.run(now - BATCH_MEMORY_MS);
      this.lastPrune = now;
    }
    if (this.s.claim.run(batch.id, now).changes === 0) return false;
    for (const r of batch.rows) {
      if (r.quantity !== 0n) this.s.add.run(r.bucket, r.hour, r.meter, r.accountId, r.region, r.quantity);
    }
    return true;
  }

  async hours(q: UsageHoursQuery): Promise<HourlyUsage[]> {
    const accounts = q.accountIds === undefined ? undefined : new Set(q.accountIds);
    const meters = q.meters === undefined ? undefined : new Set(q.meters);
    const wanted = (accountId: string, meter: string) => (accounts === undefined || accounts.has(accountId)) && (meters === undefined || meters.has(meter));
    const out = new Map<string, HourlyUsage>();
    const add = (u: HourlyUsage) => {
      if (u.quantity === 0n || !wanted(u.accountId, u.meter) || u.hour < q.fromHour || u.hour >= q.toHour) return;
      const k = `${u.bucket}\u0000${u.hour}\u0000${u.meter}\u0000${u.accountId}\u0000${u.region}`;
      const hit = out.get(k);
      if (hit) hit.quantity += u.quantity;
      else out.set(k, u);
    };
    const stored = q.bucket === undefined ? this.s.hours.all(q.fromHour, q.toHour) : this.s.bucketHours.all(q.bucket, q.fromHour, q.toHour);
    for (const r of stored) add({ accountId: r.account, bucket: r.bucket, region: r.region, meter: r.meter, hour: Number(r.hour), quantity: r.quantity });
    // The open interval: what each bucket has accrued since its last change, up to now.
    if (q.now > q.fromHour * HOUR_MS && (meters === undefined || meters.has(STORAGE_METER) || meters.has(OBJECTS_METER))) {
      const open = q.bucket === undefined ? this.s.open.all() : this.s.openBucket.all(q.bucket);
      for (const r of open) {
        const state = stateOf(r);
        if (state.since >= q.toHour * HOUR_MS) continue;
        for (const h of accrue(state, Math.min(q.now, q.toHour * HOUR_MS)).hours) {
          const base = { accountId: r.owner, bucket: r.bucket, region: r.region, hour: h.hour };
          add({ ...base, meter: STORAGE_METER, quantity: h.byteHours });
          add({ ...base, meter: OBJECTS_METER, quantity: h.objectHours });
        }
      }
    }
    return [...out.values()];
  }
}
