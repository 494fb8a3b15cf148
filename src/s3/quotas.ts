/**
 * Customer quotas on the S3 API: buckets, bytes stored and requests per second; and the
 * analytics quotas handed to the engine (queryLimits).
 * - Buckets and bytes are checked before the write against the stored totals. Bytes come
 *   from metering (storedNow: the per-bucket counters kept in the same transaction as the
 *   metadata, which the storage meters also accrue from: one figure for "stored now").
 *   Writes running at the same moment can overshoot by what they carry together; the next
 *   write is then refused.
 * - Requests per second: a token bucket per account (burst of one second's worth) in each
 *   serving process; with N cluster workers each holds 1/N of the rate, since the
 *   workers share the load evenly.
 * Operator and partner accounts are not limited; a customer's quota also governs
 * requests others make to its buckets (it pays for them).
 */
import type { CallerLimits } from '../analytics/limits.js';
import { fail } from '../core/errors.js';
import type { MeteringReader } from '../metering/index.js';
import type { Account, AccountDirectory } from '../tenancy/model.js';

export interface QuotaDeps {
  accounts: AccountDirectory;
  /** What the account stores across every region, as metered (bytes incl. non-current versions and parts in progress). */
  metering: Pick<MeteringReader, 'storedNow'>;
  /** Buckets the account owns across every region. */
  bucketCount(accountId: string): Promise<number>;
  /** Processes sharing the request rate (cluster workers). */
  processes?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
  rate: number;
}

const ACCOUNT_CACHE_MS = 1000;

export class QuotaGuard {
  private readonly buckets = new Map<string, Bucket>();
  private readonly accountCache = new Map<string, { at: number; account: Account | undefined }>();
  private readonly now: () => number;
  private readonly processes: number;

  constructor(private readonly deps: QuotaDeps) {
    this.now = deps.now ?? (() => performance.now());
    this.processes = Math.max(1, deps.processes ?? 1);
  }

  /** The account, cached for a second (quota edits take effect within that). */
  async account(id: string): Promise<Account | undefined> {
    const t = this.now();
    const hit = this.accountCache.get(id);
    if (hit && t - hit.at < ACCOUNT_CACHE_MS) return hit.account;
    const account = await this.deps.accounts.getAccountById(id);
    if (this.accountCache.size > 10_000) this.accountCache.clear();
    this.accountCache.set(id, { at: t, account });
    return account;
  }

  /**
   * Who to ask for more: the customer's partner under its own brand (its customers see the
   * partner, not Sovra), with its support contact when it has one.
   */
  private async provider(account: Account | undefined): Promise<string> {
    const parent = account?.parentId ? await this.account(account.parentId) : undefined;
    if (!parent || parent.kind !== 'partner') return 'your provider';
    const name = parent.brand?.displayName ?? parent.displayName;
    return parent.brand?.supportContact ? `${name} (${parent.brand.supportContact})` : name;
  }

  /** SlowDown when the account used up its requests for this second. */
  async admitRequest(accountId: string): Promise<void> {
    const account = await this.account(accountId);
    const limit = account?.quotas?.maxRequestsPerSecond;
    if (limit === null || limit === undefined) return;
    const rate = limit / this.processes;
    const t = this.now();
    let b = this.buckets.get(accountId);
    if (!b || b.rate !== rate) {
      b = { tokens: Math.max(rate, 1), at: t, rate };
      this.buckets.set(accountId, b);
    }
    b.tokens = Math.min(Math.max(rate, 1), b.tokens + ((t - b.at) / 1000) * rate);
    b.at = t;
    if (b.tokens < 1) {
      throw fail('SlowDown', `Please reduce your request rate: the account ${account?.name ?? accountId} may make ${limit} requests per second.`, {
        headers: { 'retry-after': '1' },
      });
    }
    b.tokens -= 1;
  }

  async admitBucket(accountId: string): Promise<void> {
    const account = await this.account(accountId);
    const max = account?.quotas?.maxBuckets;
    if (max === null || max === undefined) return;
    const buckets = await this.deps.bucketCount(accountId);
    if (buckets >= max) {
      throw fail('QuotaExceeded', `The account ${account?.name ?? accountId} has ${buckets} buckets, its quota; delete one or ask ${await this.provider(account)} to raise the quota.`);
    }
  }

  /**
   * The account's analytics quotas in the engine's units (which narrows them to the server's
   * limits); QuotaExceeded when they allow no query at all. Queries and S3 Select run under
   * the caller's figures, whoever owns the buckets they read.
   */
  async queryLimits(accountId: string): Promise<CallerLimits | undefined> {
    const account = await this.account(accountId);
    const q = account?.quotas;
    if (!q) return undefined;
    if (q.maxConcurrentQueries === 0) {
      throw fail('QuotaExceeded', `Analytics is off for the account ${account?.name ?? accountId}: its quota allows no queries; ask ${await this.provider(account)} to allow them.`);
    }
    const seconds = q.maxQuerySeconds ?? null;
    return {
      maxConcurrent: q.maxConcurrentQueries ?? null, timeoutMs: seconds === null ? null : seconds * 1000,
      memoryBytes: q.maxQueryMemoryBytes ?? null, threads: q.maxQueryThreads ?? null, maxResultBytes: q.maxQueryResultBytes ?? null,
    };
  }

  /** `incoming`: the bytes the write adds, when known in advance (Content-Length). */
  async admitBytes(accountId: string, incoming: number | undefined): Promise<void> {
    const account = await this.account(accountId);
    const max = account?.quotas?.maxBytes;
    if (max === null || max === undefined) return;
    const { bytes } = await this.deps.metering.storedNow(accountId);
    const after = bytes + (incoming ?? 0);
    if (bytes >= max || after > max) {
      throw fail('QuotaExceeded', `The account ${account?.name ?? accountId} would store ${after} bytes, over its quota of ${max} bytes; delete data or ask ${await this.provider(account)} to raise the quota.`);
    }
  }
}
