/**
 * Input checks for the tenancy service: names, regions, quotas, brands and page requests.
 * Each throws an AppError naming the offending argument; none touches storage.
 */
import { fail } from '../core/errors.js';
import { ANALYTICS_QUOTAS, NO_QUOTAS, QUOTA_MINIMUMS, type Brand, type PageRequest, type Quotas, type Status } from './model.js';

const ACCOUNT_NAME = /^[a-z0-9][a-z0-9-]{1,62}$/;
const USER_NAME = /^[A-Za-z0-9+=,.@_-]{1,64}$/;
const POLICY_NAME = /^[A-Za-z0-9+=,.@_-]{1,128}$/;
const COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

function invalid(argument: string, message: string, value?: unknown): never {
  const details: Record<string, string> = { ArgumentName: argument };
  if (typeof value === 'string') details.ArgumentValue = value;
  throw fail('InvalidArgument', message, { details });
}

export function checkAccountName(name: unknown): string {
  if (typeof name !== 'string' || !ACCOUNT_NAME.test(name)) {
    invalid('name', `'${String(name)}' is not a valid account name: use 2 to 63 lower-case letters, digits and hyphens, starting with a letter or digit.`, name);
  }
  return name;
}

export function checkUserName(name: unknown): string {
  if (typeof name !== 'string' || !USER_NAME.test(name)) {
    invalid('name', `'${String(name)}' is not a valid user name: use 1 to 64 letters, digits and + = , . @ _ -.`, name);
  }
  return name;
}

export function checkPolicyName(name: unknown): string {
  if (typeof name !== 'string' || !POLICY_NAME.test(name)) {
    invalid('policyName', `'${String(name)}' is not a valid policy name: use 1 to 128 letters, digits and + = , . @ _ -.`, name);
  }
  return name;
}

export function checkDisplayName(value: unknown, argument = 'displayName'): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 128) invalid(argument, `${argument} must be 1 to 128 characters.`, value);
  return value.trim();
}

export function checkStatus(value: unknown): Status {
  if (value !== 'active' && value !== 'suspended') invalid('status', `status must be 'active' or 'suspended', not '${String(value)}'.`, value);
  return value;
}

export function checkBoolean(value: unknown, argument: string): boolean {
  if (typeof value !== 'boolean') invalid(argument, `${argument} must be true or false.`);
  return value;
}

/** Known region ids, without duplicates, in the order given. */
export function checkRegions(value: unknown, known: readonly string[], argument = 'regions'): string[] {
  if (!Array.isArray(value) || value.some((r) => typeof r !== 'string')) invalid(argument, `${argument} must be a list of region ids.`);
  const regions = [...new Set(value as string[])];
  if (regions.length === 0) invalid(argument, `${argument} must name at least one region.`);
  const unknown = regions.filter((r) => !known.includes(r));
  if (unknown.length > 0) {
    throw fail('InvalidRegion', `Unknown region${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the regions are ${known.join(', ')}.`, {
      details: { ArgumentName: argument, ArgumentValue: unknown.join(',') },
    });
  }
  return regions;
}

const QUOTA_FIELDS = Object.keys(QUOTA_MINIMUMS) as (keyof Quotas)[];

/** `patch` over `base`: each field a safe integer at least its minimum, or null (unlimited, or the server's limit for analytics). */
export function checkQuotas(patch: unknown, base: Quotas): Quotas {
  if (patch === undefined) return base;
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) invalid('quotas', 'quotas must be an object.');
  const next: Quotas = { ...NO_QUOTAS, ...base };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (!(QUOTA_FIELDS as string[]).includes(k)) invalid('quotas', `Unknown quota '${k}'; the quotas are ${QUOTA_FIELDS.join(', ')}.`);
    const field = k as keyof Quotas;
    if (v === undefined) continue;
    const min = QUOTA_MINIMUMS[field];
    if (v !== null && !(typeof v === 'number' && Number.isSafeInteger(v) && v >= min)) {
      const none = ANALYTICS_QUOTAS.includes(field) ? "the server's limit" : 'unlimited';
      invalid(`quotas.${k}`, `quotas.${k} must be a whole number >= ${min}, or null (${none}); ${JSON.stringify(v) ?? String(v)} is not.`);
    }
    next[field] = v as number | null;
  }
  return next;
}

/** Zones as the residency policies spell them: upper case, sorted, without duplicates. */
export function normaliseZones(zones: readonly string[]): string[] {
  return [...new Set(zones.flatMap((z) => z.split(',')).map((z) => z.trim().toUpperCase()).filter((z) => z !== ''))].sort();
}

export function checkZoneList(value: unknown, argument: string): string[] {
  if (!Array.isArray(value) || value.some((z) => typeof z !== 'string')) invalid(argument, `${argument} must be a list of zones or null.`);
  return value as string[];
}

function optionalString(value: unknown, argument: string, max: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > max) invalid(argument, `${argument} must be a string of at most ${max} characters.`);
  return value;
}

/** A brand with only the known fields, each checked. */
export function checkBrand(value: unknown): Brand {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) invalid('brand', 'brand must be an object.');
  const b = value as Record<string, unknown>;
  const brand: Brand = { displayName: checkDisplayName(b.displayName, 'brand.displayName') };
  const logoUrl = optionalString(b.logoUrl, 'brand.logoUrl', 2048);
  if (logoUrl !== undefined) {
    let ok = false;
    try {
      ok = ['https:', 'http:'].includes(new URL(logoUrl).protocol);
    } catch {
      ok = false;
    }
    if (!ok) invalid('brand.logoUrl', 'brand.logoUrl must be an http(s) URL.', logoUrl);
    brand.logoUrl = logoUrl;
  }
  const support = optionalString(b.supportContact, 'brand.supportContact', 256);
  if (support !== undefined) brand.supportContact = support;
  if (b.colors !== undefined) {
    if (b.colors === null || typeof b.colors !== 'object') invalid('brand.colors', 'brand.colors must be an object.');
    const c = b.colors as Record<string, unknown>;
    brand.colors = {};
    for (const k of ['primary', 'accent'] as const) {
      const v = c[k];
      if (v === undefined) continue;
      if (typeof v !== 'string' || !COLOR.test(v)) invalid(`brand.colors.${k}`, `brand.colors.${k} must be a CSS hex colour such as #e20074.`, v);
      brand.colors[k] = v;
    }
  }
  const host = optionalString(b.endpointHost, 'brand.endpointHost', 253);
  if (host !== undefined) {
    if (!HOST.test(host.toLowerCase())) invalid('brand.endpointHost', `'${host}' is not a host name.`, host);
    brand.endpointHost = host.toLowerCase();
  }
  return brand;
}

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

/** The limit and the decoded cursor (the last sort key of the previous page, '' for the first). */
export function checkPage(page: PageRequest): { limit: number; after: string } {
  const limit = page.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) invalid('limit', `limit must be an integer from 1 to ${MAX_PAGE}.`);
  if (page.cursor === undefined || page.cursor === '') return { limit, after: '' };
  if (typeof page.cursor !== 'string' || !/^[A-Za-z0-9_-]+$/.test(page.cursor)) invalid('cursor', 'The cursor is not one this API returned.');
  return { limit, after: Buffer.from(page.cursor, 'base64url').toString('utf8') };
}

export function encodeCursor(lastKey: string): string {
  return Buffer.from(lastKey, 'utf8').toString('base64url');
}
