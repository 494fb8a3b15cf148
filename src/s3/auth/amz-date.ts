/**
 * Timestamps SigV4 uses: the ISO 8601 basic form (20130524T000000Z) of
 * x-amz-date / X-Amz-Date, and the HTTP Date header as a fallback.
 */

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The last timestamp parsed: requests signed within the same second carry the same one. */
let last: { value: string; ms: number } | undefined;

/** Parses `yyyymmddThhmmssZ`; undefined for anything else, including 20130231T000000Z. */
export function parseAmzDate(value: string): Date | undefined {
  if (last !== undefined && last.value === value) return new Date(last.ms);
  const date = parseFresh(value);
  if (date !== undefined) last = { value, ms: date.getTime() };
  return date;
}

function parseFresh(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const date = new Date(ms);
  // Date.UTC rolls over out-of-range fields; a real timestamp round-trips.
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  if (date.getUTCHours() !== h || date.getUTCMinutes() !== mi || date.getUTCSeconds() !== s) return undefined;
  return date;
}

/** Parses an HTTP Date header (RFC 7231 IMF-fixdate and the obsolete forms Date.parse knows). */
export function parseHttpDate(value: string): Date | undefined {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** Formats as `yyyymmddThhmmssZ`. */
export function toAmzDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}
