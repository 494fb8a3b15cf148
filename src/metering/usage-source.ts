/**
 * The UsageSource across regions: asks every region's store (local engines directly,
 * others over the internal API) for its hourly figures, then sums them into the requested
 * granularity. Also the one place that answers "what does an account store now" (quotas),
 * from the same per-bucket counters the storage meters accrue from.
 */
import { fail } from '../core/errors.js';
import { isoHour, parseHour } from '../billing/period.js';
import { isMeterName } from '../billing/meters.js';
import type { HourlyUsage, UsageHoursQuery } from '../meta/types.js';
import type { Granularity, UsageQuery, UsageRow, UsageSource } from './model.js';

const HOUR_MS = 3_600_000;
const GRANULARITIES: readonly Granularity[] = ['hour', 'day', 'month', 'total'];

/** A region's store as metering reads it. */
export interface UsageRegion {
  readonly regionId: string;
  readUsage(q: UsageHoursQuery): Promise<HourlyUsage[]>;
}

/** What an account stores right now (bytes incl. non-current versions and parts in progress). */
export interface StoredNow {
  bytes: number;
  objects: number;
  buckets: number;
  /** Regions that could not be asked (their figures are missing from the sum). */
  unreachableRegions?: string[];
}

export interface MeteringReader extends UsageSource {
  storedNow(accountId: string): Promise<StoredNow>;
}

export interface UsageSourceOptions {
  /** Every region of the topology. */
  regions: () => Iterable<UsageRegion>;
  /** The per-bucket counters summed over every region (the regional router's fan-out). */
  storedByOwner(accountId: string): Promise<StoredNow>;
  now?: () => number;
}

/** The first hour of the period `ms` falls in. */
function periodStart(ms: number, g: Granularity, from: number): number {
  if (g === 'hour') return ms;
  if (g === 'total') return from;
  const d = new Date(ms);
  return g === 'day' ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function compare(a: UsageRow, b: UsageRow): number {
  for (const k of ['accountId', 'bucket', 'region', 'meter', 'start'] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return 0;
}

export function createUsageSource(o: UsageSourceOptions): MeteringReader {
  const now = o.now ?? Date.now;
  return {
    storedNow: (accountId) => o.storedByOwner(accountId),

    async query(q: UsageQuery): Promise<UsageRow[]> {
      const from = parseHour(q.from, 'from');
      const to = parseHour(q.to, 'to');
      if (to < from) throw fail('InvalidArgument', `'to' (${q.to}) is before 'from' (${q.from}).`, { details: { ArgumentName: 'to', ArgumentValue: q.to } });
      if (!GRANULARITIES.includes(q.granularity)) {
        throw fail('InvalidArgument', `granularity must be one of ${GRANULARITIES.join(', ')}.`, { details: { ArgumentName: 'granularity', ArgumentValue: String(q.granularity) } });
      }
      for (const m of q.meters ?? []) {
        if (!isMeterName(m)) throw fail('InvalidArgument', `'${String(m)}' is not a known meter.`, { details: { ArgumentName: 'meters', ArgumentValue: String(m) } });
      }
      const hq: UsageHoursQuery = { fromHour: from / HOUR_MS, toHour: to / HOUR_MS, now: now() };
      if (q.accountIds) hq.accountIds = q.accountIds;
      if (q.bucket !== undefined) hq.bucket = q.bucket;
      if (q.meters) hq.meters = q.meters;
      const regions = [...o.regions()].filter((r) => q.region === undefined || r.regionId === q.region);
      // Billing must not undercount silently: a region that cannot answer fails the query.
      const answers = await Promise.all(
        regions.map(async (r) => {
          try {
            return await r.readUsage(hq);
          } catch (e) {
            throw fail('Unavailable', `The usage of region ${r.regionId} cannot be read now (${e instanceof Error ? e.message : String(e)}); try again.`);
          }
        }),
      );
      const sums = new Map<string, UsageRow>();
      for (const rows of answers) {
        for (const r of rows) {
          if (!isMeterName(r.meter)) continue;
          const start = isoHour(periodStart(r.hour * HOUR_MS, q.granularity, from));
          const key = `${r.accountId}\u0000${r.bucket}\u0000${r.region}\u0000${r.meter}\u0000${start}`;
          const hit = sums.get(key);
          if (hit) hit.quantity += r.quantity;
          else sums.set(key, { accountId: r.accountId, bucket: r.bucket, region: r.region, meter: r.meter, start, quantity: r.quantity });
        }
      }
      return [...sums.values()].filter((r) => r.quantity !== 0n).sort(compare);
    },
  };
}
