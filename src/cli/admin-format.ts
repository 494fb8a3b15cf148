/**
 * Values on the admin command line: sizes (10GiB, 500MB, 123), counts, lists, and their
 * readable forms in tables.
 */
import { UsageError } from './admin-connection.js';

const UNITS: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, pb: 1e15,
  kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40, pib: 2 ** 50,
};

const UNLIMITED = ['unlimited', 'none'];

/** Bytes from '10GiB', '500MB', '1.5TiB' or '123'; null for 'unlimited'/'none'. */
export function parseSize(text: string, flag: string): number | null {
  const t = text.trim().toLowerCase();
  if (UNLIMITED.includes(t)) return null;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgtp]i?b|b)?$/.exec(t);
  const unit = UNITS[m?.[2] ?? 'b'];
  if (!m || unit === undefined) throw new UsageError(`${flag}: '${text}' is not a size; use e.g. 10GiB, 500MB or 123 (bytes), or 'unlimited'`);
  const bytes = Number(m[1]) * unit;
  if (!Number.isSafeInteger(Math.round(bytes))) throw new UsageError(`${flag}: '${text}' is too large`);
  if (!Number.isInteger(bytes)) throw new UsageError(`${flag}: '${text}' is not a whole number of bytes`);
  return bytes;
}

/** A whole number; null for 'unlimited'/'none' when allowed. */
export function parseCount(text: string, flag: string, opts: { min?: number; unlimited?: boolean } = {}): number | null {
  const t = text.trim().toLowerCase();
  if (opts.unlimited && UNLIMITED.includes(t)) return null;
  const min = opts.min ?? 0;
  if (!/^\d+$/.test(t) || !Number.isSafeInteger(Number(t)) || Number(t) < min) {
    throw new UsageError(`${flag}: '${text}' is not a whole number >= ${min}${opts.unlimited ? " (or 'unlimited')" : ''}`);
  }
  return Number(t);
}

const SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** Whole seconds from '90', '90s', '5m' or '1h'. */
export function parseSeconds(text: string, flag: string, opts: { min?: number } = {}): number {
  const m = /^(\d+)\s*([smh])?$/.exec(text.trim().toLowerCase());
  const seconds = m ? Number(m[1]) * (SECONDS[m[2] ?? 's'] ?? 1) : NaN;
  const min = opts.min ?? 0;
  if (!Number.isSafeInteger(seconds) || seconds < min) throw new UsageError(`${flag}: '${text}' is not a time of at least ${min} s; use e.g. 90, 90s, 5m or 1h`);
  return seconds;
}

/** 'eu-fra,eu-lon' or repeated flags → ['eu-fra', 'eu-lon']. */
export function parseList(given: readonly string[], flag: string): string[] {
  const items = given.flatMap((g) => g.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`${flag} needs at least one value`);
  return items;
}

/** Zones, or null for 'none' (no policy / the default). */
export function parseZones(given: readonly string[], flag: string): string[] | null {
  if (given.length === 1 && given[0]?.trim().toLowerCase() === 'none') return null;
  return parseList(given, flag);
}

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 10737418240 → '10 GiB'; null → 'unlimited'. */
export function formatSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return 'unlimited';
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < BINARY.length - 1 && Number.isInteger(v / 1024)) {
    v /= 1024;
    i++;
  }
  if (i === 0 && bytes >= 1024) {
    // Not a whole number of any unit: show it rounded, with the exact bytes.
    let r = bytes;
    let j = 0;
    while (r >= 1024 && j < BINARY.length - 1) {
      r /= 1024;
      j++;
    }
    return `${r.toFixed(1)} ${BINARY[j]} (${bytes} B)`;
  }
  return `${v} ${BINARY[i]}`;
}

/** 90 → '90 s', 300 → '5 min', 7200 → '2 h'. */
export function formatSeconds(n: number): string {
  if (n >= 3600 && n % 3600 === 0) return `${n / 3600} h`;
  if (n >= 60 && n % 60 === 0) return `${n / 60} min`;
  return `${n} s`;
}

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? 'unlimited' : String(n);
}

export function formatList(items: readonly string[] | null | undefined, empty = '-'): string {
  return items && items.length > 0 ? items.join(', ') : empty;
}

/** '2026-11-23T16:17:10.123Z' → '2026-11-23 16:17:10Z' */
export function formatTime(iso: string | undefined): string {
  if (iso === undefined) return '-';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
