/**
 * Builders shared by the billing tests: accounts, usage records, hours of March 2026
 * (744 hours), and an assertion that an AppError names the offending argument.
 */
import assert from 'node:assert/strict';
import { AppError } from '../core/errors.js';
import { OPERATOR_ACCOUNT_ID, type Account, type Brand } from '../tenancy/model.js';
import type { MeterName } from './meters.js';
import type { UsageRow, UsageSource } from '../metering/model.js';
import type { UsageRecord } from './rate.js';

export const MARCH = '2026-03';
/** A moment after March 2026 has ended. */
export const AFTER_MARCH = '2026-04-02T09:00:00Z';

/** The UTC instant of hour `h` (0..743) of March 2026. */
export function marchHour(h: number): string {
  return new Date(Date.UTC(2026, 2, 1) + h * 3_600_000).toISOString().replace('.000Z', 'Z');
}

export function usage(accountId: string, region: string, meter: MeterName, hour: number, quantity: bigint, bucket = 'data'): UsageRecord {
  return { accountId, bucket, region, meter, hour: marchHour(hour), quantity };
}

/** One record per hour in [fromHour, toHour) with the same quantity (a constant level of storage, say). */
export function hourly(accountId: string, region: string, meter: MeterName, fromHour: number, toHour: number, perHour: bigint): UsageRecord[] {
  const out: UsageRecord[] = [];
  for (let h = fromHour; h < toHour; h++) out.push(usage(accountId, region, meter, h, perHour));
  return out;
}

function account(id: string, kind: Account['kind'], parentId: string | null, displayName: string, brand?: Brand): Account {
  return {
    id, kind, name: displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''), displayName, parentId,
    status: 'active', createdAt: '2026-01-01T00:00:00.000Z', regions: ['eu-fra', 'eu-par', 'eu-lon'], ...(brand ? { brand } : {}),
  };
}

export const operator = account(OPERATOR_ACCOUNT_ID, 'operator', null, 'Sovra Operations');
export function partner(id: string, displayName: string, brand?: Brand): Account {
  return account(id, 'partner', OPERATOR_ACCOUNT_ID, displayName, brand ?? { displayName });
}
export function customer(id: string, partnerId: string, displayName: string): Account {
  return account(id, 'customer', partnerId, displayName);
}

/** Runs f and checks it throws AppError `code` whose details name `argument` (when given). */
export function assertFails(f: () => unknown, code: string, argument?: string, message?: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof AppError, `expected AppError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (argument !== undefined) assert.equal(e.details?.ArgumentName, argument, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

/**
 * A UsageSource over records in memory: the port's contract (filters, granularity, sorted
 * rows, zeros omitted) for unit tests of what reads usage. Production reads the metering
 * store across regions.
 */
export function memoryUsageSource(records: UsageRecord[]): UsageSource & { records: UsageRecord[] } {
  return {
    records,
    async query(q) {
      const from = Date.parse(q.from);
      const to = Date.parse(q.to);
      const bucketOf = (hour: string): string => {
        if (q.granularity === 'hour') return hour;
        if (q.granularity === 'day') return `${hour.slice(0, 10)}T00:00:00Z`;
        if (q.granularity === 'month') return `${hour.slice(0, 7)}-01T00:00:00Z`;
        return q.from;
      };
      const sums = new Map<string, UsageRow>();
      for (const r of records) {
        const h = Date.parse(r.hour);
        if (h < from || h >= to) continue;
        if (q.accountIds && !q.accountIds.includes(r.accountId)) continue;
        if (q.bucket !== undefined && r.bucket !== q.bucket) continue;
        if (q.region !== undefined && r.region !== q.region) continue;
        if (q.meters && !q.meters.includes(r.meter)) continue;
        const start = bucketOf(r.hour);
        const key = [r.accountId, r.bucket, r.region, r.meter, start].join('\u0000');
        const row = sums.get(key) ?? { accountId: r.accountId, bucket: r.bucket, region: r.region, meter: r.meter, start, quantity: 0n };
        row.quantity += r.quantity;
        sums.set(key, row);
      }
      return [...sums.entries()].filter(([, r]) => r.quantity !== 0n).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
    },
  };
}
