/**
 * Builders shared by the billing tests: accounts, usage records, hours of March 2026
 * (744 hours), and an assertion that an AppError names the offending argument.
 */
import assert from 'node:assert/strict';
import { AppError } from '../core/errors.js';
import { OPERATOR_ACCOUNT_ID, type Account, type Brand } from '../tenancy/model.js';
import type { MeterName } from './meters.js';
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
