/**
 * How admin entities read in a terminal: one entity as FIELD VALUE lines.
 */
import type { AccessKey, Account, NewAccessKey, Quotas, User } from '../client/admin-types.js';
import { fields } from './admin-connection.js';
import { formatCount, formatList, formatSeconds, formatSize, formatTime } from './admin-format.js';

export function quotaCells(q: Quotas | undefined): [string, string, string] {
  return [formatSize(q?.maxBytes), formatCount(q?.maxBuckets), formatCount(q?.maxRequestsPerSecond)];
}

const zonesOrNone = (z: string[] | null | undefined, none: string) => (z ? formatList(z) : none);

export function showAccount(a: Account): string {
  const rows: [string, string][] = [
    ['ID', a.id], ['NAME', a.name], ['KIND', a.kind], ['DISPLAY NAME', a.displayName],
    ['PARENT', a.parentId ?? '-'], ['STATUS', a.status], ['CREATED', formatTime(a.createdAt)], ['REGIONS', formatList(a.regions)],
  ];
  if (a.brand) {
    const b = a.brand;
    rows.push(['BRAND NAME', b.displayName], ['LOGO URL', b.logoUrl ?? '-'], ['SUPPORT', b.supportContact ?? '-'],
      ['COLOURS', [b.colors?.primary, b.colors?.accent].filter((c) => c !== undefined).join(', ') || '-'], ['ENDPOINT HOST', b.endpointHost ?? '-']);
  }
  if (a.quotas) {
    const q = a.quotas;
    const [bytes, buckets, rps] = quotaCells(q);
    rows.push(['MAX BYTES', bytes], ['MAX BUCKETS', buckets], ['MAX RPS', rps]);
    // Analytics quotas: null is the server's limit, not unlimited.
    const server = <T>(v: T | null | undefined, show: (v: T) => string) => (v === null || v === undefined ? "server's" : show(v));
    rows.push(
      ['MAX QUERIES', server(q.maxConcurrentQueries, (n) => (n === 0 ? '0 (analytics off)' : String(n)))],
      ['MAX QUERY TIME', server(q.maxQuerySeconds, formatSeconds)],
      ['MAX QUERY MEMORY', server(q.maxQueryMemoryBytes, formatSize)],
      ['MAX QUERY THREADS', server(q.maxQueryThreads, String)],
      ['MAX QUERY RESULT', server(q.maxQueryResultBytes, formatSize)],
    );
  }
  if (a.kind === 'customer') rows.push(['DEFAULT RESIDENCY', zonesOrNone(a.defaultResidency, "the region's country")]);
  if (a.mandatoryResidency !== undefined) rows.push(['MANDATORY RESIDENCY', zonesOrNone(a.mandatoryResidency, 'none')]);
  return fields(rows);
}

export function showUser(u: User): string {
  return fields([['ID', u.id], ['NAME', u.name], ['ACCOUNT', u.accountId], ['ADMIN', u.admin ? 'yes' : 'no'], ['STATUS', u.status], ['CREATED', formatTime(u.createdAt)], ['ARN', u.arn]]);
}

export function showKey(k: AccessKey | NewAccessKey): string {
  const rows: [string, string][] = [['ACCESS KEY ID', k.accessKeyId]];
  if ('secretAccessKey' in k) rows.push(['SECRET ACCESS KEY', k.secretAccessKey]);
  rows.push(['USER ID', k.userId], ['STATUS', k.status], ['CREATED', formatTime(k.createdAt)], ['LAST USED', formatTime(k.lastUsedAt)]);
  return fields(rows);
}

export const SECRET_WARNING = 'Save the secret now: it is shown only this once and cannot be read again.';
