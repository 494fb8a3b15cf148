/**
 * Request authentication's view of the account store: the principal (with its parsed
 * identity policies) and the decrypted secret behind an access key, or the principal
 * behind a bearer token.
 *
 * Results are cached per process for at most a second, so a burst of requests with one key
 * costs one lookup, while disabling a key takes effect within that second everywhere.
 * last_used is written at most once a minute per key (here and, through the SQL guard,
 * across processes).
 */
import { fail } from '../core/errors.js';
import type { PolicyDocument } from '../policy/types.js';
import { hashToken } from './ids.js';
import type { CredentialResolver, Principal, User } from './model.js';
import type { SecretBox } from './secret-box.js';
import type { SqliteAccountStore, StoredAccount } from './sqlite-account-store.js';

type KeyLookup = { principal: Principal; secretAccessKey: string; disabled: boolean };

const MAX_CACHE_MS = 1000;
const TOUCH_EVERY_MS = 60_000;
const MAX_CACHE_ENTRIES = 10_000;

export interface CredentialResolverDeps {
  store: SqliteAccountStore;
  box: SecretBox;
  parseIdentityPolicy(text: string): PolicyDocument;
  clock?: () => Date;
  /** How long a lookup may be reused (0..1000 ms; default 1000). */
  cacheMs?: number;
}

export class SqliteCredentialResolver implements CredentialResolver {
  private readonly now: () => Date;
  private readonly cacheMs: number;
  private readonly keys = new Map<string, { at: number; value: KeyLookup }>();
  private readonly tokens = new Map<string, { at: number; value: Principal; expires: number }>();
  private readonly touched = new Map<string, number>();

  constructor(private readonly deps: CredentialResolverDeps) {
    this.now = deps.clock ?? (() => new Date());
    this.cacheMs = Math.min(Math.max(deps.cacheMs ?? MAX_CACHE_MS, 0), MAX_CACHE_MS);
  }

  async lookupKey(accessKeyId: string): Promise<KeyLookup | undefined> {
    const now = this.now().getTime();
    this.touch(accessKeyId, now);
    const hit = this.keys.get(accessKeyId);
    if (hit && now - hit.at < this.cacheMs) return hit.value;
    const { store } = this.deps;
    const key = store.getKey(accessKeyId);
    const user = key && store.getUser(key.userId);
    const account = user && store.getAccount(user.accountId);
    if (!key || !user || !account) {
      this.keys.delete(accessKeyId);
      return undefined;
    }
    const value: KeyLookup = {
      principal: this.principal(user, account, accessKeyId),
      secretAccessKey: this.deps.box.open(key.sealedSecret, accessKeyId),
      disabled: key.status !== 'active' || user.status !== 'active' || account.status !== 'active',
    };
    this.remember(this.keys, accessKeyId, { at: now, value });
    return value;
  }

  /** undefined for unknown or expired tokens and for suspended users or accounts. */
  async lookupToken(token: string): Promise<Principal | undefined> {
    const now = this.now().getTime();
    const hash = hashToken(token);
    const hit = this.tokens.get(hash);
    if (hit && now - hit.at < this.cacheMs && now < hit.expires) return hit.value;
    const { store } = this.deps;
    const t = store.getTokenByHash(hash);
    const expires = t ? Date.parse(t.expiresAt) : 0;
    const user = t && now < expires ? store.getUser(t.userId) : undefined;
    const account = user && store.getAccount(user.accountId);
    if (!user || !account || user.status !== 'active' || account.status !== 'active') {
      this.tokens.delete(hash);
      return undefined;
    }
    const value = this.principal(user, account, '');
    this.remember(this.tokens, hash, { at: now, value, expires });
    return value;
  }

  private principal(user: User, account: StoredAccount, accessKeyId: string): Principal {
    const policies = this.deps.store.policiesOf(user.id).map((p) => {
      try {
        return this.deps.parseIdentityPolicy(p.document);
      } catch (e) {
        // Stored policies were valid when written; one that no longer parses must not be skipped (it may deny).
        throw fail('Internal', `The policy ${p.name} of ${user.arn} no longer parses; fix or delete it.`, { cause: e });
      }
    });
    return {
      accountId: account.id, accountKind: account.kind, parentAccountId: account.parentId, userId: user.id, userName: user.name,
      userArn: user.arn, displayName: user.name, admin: user.admin, accessKeyId, policies,
    };
  }

  /** Best effort: a failed bookkeeping write must not fail the request it belongs to. */
  private touch(accessKeyId: string, now: number): void {
    const last = this.touched.get(accessKeyId);
    if (last !== undefined && now - last < TOUCH_EVERY_MS) return;
    this.touched.delete(accessKeyId);
    this.remember(this.touched, accessKeyId, now);
    try {
      this.deps.store.touchKey(accessKeyId, new Date(now).toISOString(), new Date(now - TOUCH_EVERY_MS).toISOString());
    } catch {
      this.touched.delete(accessKeyId);
    }
  }

  private remember<V>(map: Map<string, V>, k: string, v: V): void {
    if (map.size >= MAX_CACHE_ENTRIES) map.delete(map.keys().next().value as string);
    map.set(k, v);
  }
}
