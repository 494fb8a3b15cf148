/**
 * Storage as time: the pure arithmetic behind the storage meters (byte-hours, object-hours).
 *
 * A bucket's footprint (bytes, objects) is constant between two changes. At a change at
 * time t the interval since the previous change, [since, t), is split at UTC hour
 * boundaries and each piece adds footprint x duration to that hour. Exactness: the product
 * is taken in byte-milliseconds with bigint (no overflow, no float), turned into whole
 * byte-hours, and the remainder (< 3,600,000 byte-ms) is carried to the next piece of the
 * same bucket instead of being dropped. Hence every stored hourly figure is a whole number,
 * and the sum of a bucket's hourly figures up to any moment is exactly
 * floor(total byte-ms / 3,600,000): the rounding error of any window is below one
 * byte-hour, never one per hour.
 */

export const HOUR_MS = 3_600_000;
const HOUR = BigInt(HOUR_MS);

/** The meter names the storage accumulator writes (meta/ may not import billing/). */
export const STORAGE_METER = 'storage.byte_hours';
export const OBJECTS_METER = 'objects';

/** What the accumulator keeps per bucket between changes. */
export interface AccrualState {
  bytes: number;
  objects: number;
  /** When the footprint last changed (ms since epoch). */
  since: number;
  /** Byte-ms and object-ms not yet amounting to a whole hour (each < 3,600,000). */
  carryBytes: bigint;
  carryObjects: bigint;
}

/** Whole byte-hours and object-hours one UTC hour gains. */
export interface HourAccrual {
  /** Hour index: ms since epoch / 3,600,000. */
  hour: number;
  byteHours: bigint;
  objectHours: bigint;
}

/**
 * Accrues `state` from state.since up to `t` (nothing when t <= since, or when since is 0:
 * a start that was never recorded is not invented). Returns the hours that gained something
 * and the carries to keep; hours with nothing to add are omitted.
 */
export function accrue(state: AccrualState, t: number): { hours: HourAccrual[]; carryBytes: bigint; carryObjects: bigint } {
  let carryBytes = state.carryBytes;
  let carryObjects = state.carryObjects;
  const hours: HourAccrual[] = [];
  if (t <= state.since || state.since <= 0 || (state.bytes === 0 && state.objects === 0)) return { hours, carryBytes, carryObjects };
  const bytes = BigInt(state.bytes);
  const objects = BigInt(state.objects);
  let start = state.since;
  while (start < t) {
    const hour = Math.floor(start / HOUR_MS);
    const end = Math.min(t, (hour + 1) * HOUR_MS);
    const dt = BigInt(end - start);
    const b = carryBytes + bytes * dt;
    const o = carryObjects + objects * dt;
    carryBytes = b % HOUR;
    carryObjects = o % HOUR;
    const byteHours = b / HOUR;
    const objectHours = o / HOUR;
    if (byteHours !== 0n || objectHours !== 0n) hours.push({ hour, byteHours, objectHours });
    start = end;
  }
  return { hours, carryBytes, carryObjects };
}

/** The UTC hour index of a moment. */
export function hourOf(ms: number): number {
  return Math.floor(ms / HOUR_MS);
}
