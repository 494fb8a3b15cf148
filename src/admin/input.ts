/**
 * Shape checks for admin API request bodies and query strings: the JSON types of each
 * field, with a clear InvalidArgument naming the field. Meaning (valid names, licensed
 * regions, who may do what) is the tenancy service's to check.
 */
import { fail } from '../core/errors.js';
import type { PageRequest } from '../tenancy/model.js';

export type Obj = Record<string, unknown>;

export const MAX_PAGE_LIMIT = 1000;

/** The body as an object whose keys are all among `allowed` (typos are refused, not ignored). */
export function object(body: unknown, allowed: readonly string[], what = 'The body'): Obj {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw fail('InvalidArgument', `${what} must be a JSON object.`);
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw fail('InvalidArgument', `${what} has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; allowed: ${allowed.join(', ')}.`, { details: { ArgumentName: unknown[0] ?? '' } });
  }
  return body as Obj;
}

function bad(field: string, expected: string): never {
  throw fail('InvalidArgument', `"${field}" must be ${expected}.`, { details: { ArgumentName: field } });
}

export function str(o: Obj, field: string): string | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') bad(field, 'a string');
  return v;
}

export function requiredStr(o: Obj, field: string): string {
  const v = str(o, field);
  if (v === undefined || v === '') bad(field, 'a non-empty string (required)');
  return v;
}

export function bool(o: Obj, field: string): boolean | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') bad(field, 'true or false');
  return v;
}

export function strList(o: Obj, field: string): string[] | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) bad(field, 'a list of strings');
  return v as string[];
}

/** A list of zones, or null (none / the default). */
export function zoneListOrNull(o: Obj, field: string): string[] | null | undefined {
  if (o[field] === null) return null;
  return strList(o, field);
}

export function oneOf<T extends string>(o: Obj, field: string, values: readonly T[]): T | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) bad(field, `one of ${values.map((x) => `"${x}"`).join(', ')}`);
  return v as T;
}

/** A whole number >= min, or null when `nullable` (null = unlimited, or what `nullMeans` says). */
export function count(o: Obj, field: string, opts: { min?: number; nullable?: boolean; nullMeans?: string } = {}): number | null | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (v === null && opts.nullable) return null;
  const min = opts.min ?? 0;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) bad(field, `a whole number >= ${min}${opts.nullable ? `, or null for ${opts.nullMeans ?? 'unlimited'}` : ''}`);
  return v;
}

export function nested(o: Obj, field: string, allowed: readonly string[]): Obj | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  return object(v, allowed, `"${field}"`);
}

/** `?limit=&cursor=` */
export function pageRequest(q: URLSearchParams): PageRequest {
  const page: PageRequest = {};
  const limit = q.get('limit');
  if (limit !== null) {
    if (!/^\d{1,6}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_PAGE_LIMIT) {
      throw fail('InvalidArgument', `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}.`, { details: { ArgumentName: 'limit' } });
    }
    page.limit = Number(limit);
  }
  const cursor = q.get('cursor');
  if (cursor !== null && cursor !== '') page.cursor = cursor;
  return page;
}
