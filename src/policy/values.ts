import { isIP } from 'node:net';

/**
 * Typed condition values, shared by the parser (which refuses a bad policy value)
 * and the evaluator (where a bad request value simply does not match).
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Milliseconds since the epoch for an ISO 8601 date/time or epoch seconds; undefined if neither. */
export function parseDate(v: string): number | undefined {
  if (/^\d{1,12}$/.test(v)) return Number(v) * 1000;
  const m = ISO_DATE.exec(v);
  if (!m) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone] = m;
  const day = Number(d);
  const month = Number(mo);
  // Date.parse rolls 2024-02-30 over to March; refuse impossible fields instead.
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(Number(y), month, 0)).getUTCDate()) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  // A time without a zone is UTC, as IAM reads it (never the server's local time).
  const text = m[4] !== undefined && zone === undefined ? `${v}Z` : v;
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : ms;
}

/** A decimal number (integer or fraction, optional sign); undefined otherwise. */
export function parseNumber(v: string): number | undefined {
  return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v) ? Number(v) : undefined;
}

/** 'true' / 'false' in any case; undefined otherwise. */
export function parseBool(v: string): boolean | undefined {
  const l = v.toLowerCase();
  return l === 'true' ? true : l === 'false' ? false : undefined;
}

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `a.b.c.d/n`, an IPv6 CIDR, or a bare address (a /32 or /128); undefined otherwise. */
export function parseCidr(v: string): Cidr | undefined {
  const slash = v.indexOf('/');
  const address = slash < 0 ? v : v.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = v.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) return undefined;
    prefix = Number(p);
  }
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}
