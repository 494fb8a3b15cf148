/**
 * The global bucket directory as a region node sees it: a client of the control plane's
 * internal API.
 *
 * lookup() caches found entries for a short TTL (default 2 s), and this node's own writes
 * (reserve, release, setResidency) drop the name from the cache at once. Stale entries are
 * safe for routing: a region node treats its own engine as authoritative for the buckets it
 * holds, so a stale entry can only send a request to the region that held the bucket, which
 * answers from its engine (NoSuchBucket, or a redirect), never serve another bucket's data.
 * Names that are not found are not cached, so a bucket created elsewhere is visible at once.
 * Decisions about a bucket this node does NOT hold that must not lag (a residency check of a
 * foreign destination) should use lookupFresh().
 */
import type http from 'node:http';
import { fail } from '../core/errors.js';
import type { BucketDirectory, BucketEntry } from '../placement/ports.js';
import type { ResidencyPolicy } from '../residency/policy.js';
import { controlPlaneClient, type InternalClient } from './http-client.js';
import { reviveBucketEntry } from './wire.js';

export const DEFAULT_DIRECTORY_CACHE_TTL_MS = 2000;

export interface HttpBucketDirectoryOptions {
  /** The control plane's endpoint, e.g. http://cp.internal:9000. */
  endpoint: string;
  nodeId: string;
  clusterSecret: string;
  /** 0 disables the lookup cache. */
  cacheTtlMs?: number;
  timeoutMs?: number;
  agent?: http.Agent;
  now?: () => Date;
}

function entryOrUndefined(v: unknown): BucketEntry | undefined {
  const e = (v as { entry?: unknown } | undefined)?.entry;
  return e === null || e === undefined ? undefined : reviveBucketEntry(e);
}

export class HttpBucketDirectory implements BucketDirectory {
  private readonly client: InternalClient;
  private readonly ttlMs: number;
  private readonly cache = new Map<string, { entry: BucketEntry; until: number }>();

  constructor(opts: HttpBucketDirectoryOptions) {
    this.client = controlPlaneClient(opts);
    this.ttlMs = opts.cacheTtlMs ?? DEFAULT_DIRECTORY_CACHE_TTL_MS;
  }

  /** Drops a name from the lookup cache. */
  invalidate(name: string): void {
    this.cache.delete(name);
  }

  async reserve(entry: BucketEntry): Promise<void> {
    this.invalidate(entry.name);
    await this.client.json({ method: 'POST', segments: ['directory', 'buckets'], json: entry });
  }

  async lookup(name: string): Promise<BucketEntry | undefined> {
    const hit = this.cache.get(name);
    if (hit !== undefined && hit.until > Date.now()) return hit.entry;
    return this.lookupFresh(name);
  }

  /** Asks the control plane, bypassing (and refreshing) the cache. */
  async lookupFresh(name: string): Promise<BucketEntry | undefined> {
    const entry = entryOrUndefined(await this.client.json({ method: 'GET', segments: ['directory', 'buckets', name] }));
    if (entry === undefined || this.ttlMs <= 0) this.cache.delete(name);
    else this.cache.set(name, { entry, until: Date.now() + this.ttlMs });
    return entry;
  }

  async release(name: string, region: string): Promise<void> {
    this.invalidate(name);
    try {
      await this.client.json({ method: 'DELETE', segments: ['directory', 'buckets', name], query: { region } });
    } finally {
      this.invalidate(name);
    }
  }

  async list(owner?: string): Promise<BucketEntry[]> {
    const out = (await this.client.json({ method: 'GET', segments: ['directory', 'buckets'], query: { owner } })) as { buckets?: unknown } | undefined;
    if (!Array.isArray(out?.buckets)) throw fail('Unavailable', 'control plane answered a bucket listing without buckets.');
    return out.buckets.map(reviveBucketEntry);
  }

  async setResidency(name: string, residency: ResidencyPolicy): Promise<void> {
    this.invalidate(name);
    try {
      await this.client.json({ method: 'PUT', segments: ['directory', 'buckets', name, 'residency'], json: residency });
    } finally {
      this.invalidate(name);
    }
  }

  async getAccountResidency(accountId: string): Promise<readonly string[] | undefined> {
    const out = (await this.client.json({ method: 'GET', segments: ['directory', 'accounts', accountId, 'residency'] })) as { zones?: unknown } | undefined;
    const zones = out?.zones;
    if (zones === null || zones === undefined) return undefined;
    if (!Array.isArray(zones) || zones.some((z) => typeof z !== 'string')) throw fail('Unavailable', 'control plane answered malformed account zones.');
    return zones as string[];
  }

  async setAccountResidency(accountId: string, zones: readonly string[] | undefined): Promise<void> {
    await this.client.json({ method: 'PUT', segments: ['directory', 'accounts', accountId, 'residency'], json: { zones: zones ?? null } });
  }

  async close(): Promise<void> {
    this.cache.clear();
    this.client.close();
  }
}
