/**
 * The meter catalogue: what Sovra counts, in which base unit it is recorded, and the
 * unit it is priced in. Usage records carry whole base units (bigint); price books
 * quote prices per price unit; `unitSize` converts one to the other.
 *
 * Time-weighted meters (storage.byte_hours, objects) are priced per month, and the
 * month is the billing month's own length in hours (672, 696, 720 or 744): storing
 * 1 GB for the whole of any month is exactly 1 GB-month.
 */
import { fail } from '../core/errors.js';

export const METER_NAMES = [
  'requests.write',
  'requests.read',
  'bytes.in',
  'bytes.out',
  'bytes.replicated',
  'storage.byte_hours',
  'objects',
  'analytics.bytes_scanned',
  'analytics.query_seconds',
] as const;

export type MeterName = (typeof METER_NAMES)[number];

export interface MeterDef {
  name: MeterName;
  /** What is counted, for invoices and help texts. */
  description: string;
  /** The unit usage records count in (always whole numbers). */
  baseUnit: string;
  /** The unit prices are quoted in, e.g. 'GB-month'. */
  priceUnit: string;
  /** Base units per price unit for a month that is not time-weighted. */
  per: bigint;
  /** When true one price unit is `per` x the billing month's hours (GB-month, object-month). */
  perMonth: boolean;
}

const GB = 1_000_000_000n;

/** The catalogue, in invoice order. */
export const METERS: Readonly<Record<MeterName, MeterDef>> = Object.freeze({
  'requests.write': {
    name: 'requests.write', description: 'Write-class requests (PUT, POST, COPY, LIST)',
    baseUnit: 'request', priceUnit: '1,000 requests', per: 1000n, perMonth: false,
  },
  'requests.read': {
    name: 'requests.read', description: 'Read-class requests (GET, HEAD)',
    baseUnit: 'request', priceUnit: '1,000 requests', per: 1000n, perMonth: false,
  },
  'bytes.in': {
    name: 'bytes.in', description: 'Data transfer in',
    baseUnit: 'byte', priceUnit: 'GB', per: GB, perMonth: false,
  },
  'bytes.out': {
    name: 'bytes.out', description: 'Data transfer out to the internet',
    baseUnit: 'byte', priceUnit: 'GB', per: GB, perMonth: false,
  },
  'bytes.replicated': {
    name: 'bytes.replicated', description: 'Data replicated between regions',
    baseUnit: 'byte', priceUnit: 'GB', per: GB, perMonth: false,
  },
  'storage.byte_hours': {
    name: 'storage.byte_hours', description: 'Storage (time-weighted, incl. non-current versions and parts in progress)',
    baseUnit: 'byte-hour', priceUnit: 'GB-month', per: GB, perMonth: true,
  },
  objects: {
    name: 'objects', description: 'Objects stored (time-weighted)',
    baseUnit: 'object-hour', priceUnit: '1,000 object-months', per: 1000n, perMonth: true,
  },
  'analytics.bytes_scanned': {
    name: 'analytics.bytes_scanned', description: 'Analytics data scanned',
    baseUnit: 'byte', priceUnit: 'TB', per: 1000n * GB, perMonth: false,
  },
  'analytics.query_seconds': {
    name: 'analytics.query_seconds', description: 'Analytics query time',
    baseUnit: 'query-second', priceUnit: 'query-hour', per: 3600n, perMonth: false,
  },
});

/** True when `name` is a meter of the catalogue. */
export function isMeterName(name: unknown): name is MeterName {
  return typeof name === 'string' && (METER_NAMES as readonly string[]).includes(name);
}

/** The meter named `name`, or InvalidArgument naming the known meters. */
export function meterDef(name: unknown, argument = 'meter'): MeterDef {
  if (!isMeterName(name)) {
    const details: Record<string, string> = { ArgumentName: argument };
    if (typeof name === 'string') details.ArgumentValue = name;
    throw fail('InvalidArgument', `'${String(name)}' is not a known meter (one of ${METER_NAMES.join(', ')}).`, { details });
  }
  return METERS[name];
}

/** Base units in one price unit during a month of `monthHours` hours (e.g. 10^9 x 744 byte-hours per GB-month in March). */
export function unitSize(meter: MeterDef, monthHours: number): bigint {
  return meter.perMonth ? meter.per * BigInt(monthHours) : meter.per;
}

/** Catalogue position, used to order invoice lines. */
export function meterOrder(name: MeterName): number {
  return METER_NAMES.indexOf(name);
}
