/**
 * The rules of the account hierarchy over the SQLite account store. The operator manages
 * partners and (through them or directly) customers; a partner manages its own customers;
 * every account's administrators manage its users, keys and policies, and nobody else does
 * (apart from onboarding: the parent creates a new account's first administrator and that
 * administrator's first key, once, recorded as an access event). The checks of who may see
 * and touch what are in access-rules.ts.
 *
 * Every mutation is one store transaction (checks included), so a refused or failed call
 * changes nothing. The one thing kept elsewhere, an account's mandatory residency (the
 * placement directory owns it), is written next to the transaction and undone when the
 * other half fails (a new customer is deleted again; an update restores the old policy).
 */
import { fail } from '../core/errors.js';
import type { PolicyDocument } from '../policy/types.js';
import { AccessRules, denied, noSuchAccount, noSuchUser, onlyAdmins } from './access-rules.js';
import { withMandatoryResidency } from './account-directory.js';
import { newAccessKeyId, newAccountId, newSecretAccessKey, newToken, newTokenId, newUserId, hashToken } from './ids.js';
import {
  NO_QUOTAS, OPERATOR_ACCOUNT_ID,
  type AccessEvent, type AccessKey, type Account, type AccountKind, type AccountMove, type CreateCustomerInput, type MoveCustomerInput, type CreatePartnerInput,
  type CreateUserInput, type MandatoryResidencyPort, type NamedPolicy, type NewAccessKey, type NewToken, type Page,
  type PageRequest, type Principal, type Status, type TenancyService, type UpdateCustomerInput, type UpdatePartnerInput, type User,
} from './model.js';
import type { SecretBox } from './secret-box.js';
import type { SqliteAccountStore, StoredAccount, StoredKey } from './sqlite-account-store.js';
import {
  checkAccountName, checkBoolean, checkBrand, checkDisplayName, checkPage, checkPolicyName, checkQuotas, checkRegions,
  checkStatus, checkUserName, checkZoneList, encodeCursor, normaliseZones,
} from './validate.js';

export const MAX_KEYS_PER_USER = 2;
export const MAX_POLICIES_PER_USER = 10;
export const MAX_POLICY_CHARS = 20_480;
export const MIN_TOKEN_TTL_SECONDS = 60;
export const MAX_TOKEN_TTL_SECONDS = 86_400;

export interface TenancyServiceDeps {
  store: SqliteAccountStore;
  /** Seals new secrets (AAD: the access key id). */
  box: SecretBox;
  /** The topology's region ids. */
  regions: readonly string[];
  /** Throws an AppError for zones the topology does not know. */
  validateZones(zones: string[]): void;
  /** The identity-policy parser (src/policy); its MalformedPolicy errors pass through. */
  parseIdentityPolicy(text: string): PolicyDocument;
  residency: MandatoryResidencyPort;
  countBuckets(accountId: string): Promise<number>;
  /** Regions holding the account's buckets: a customer's regions may not drop one of them. */
  bucketRegions?(accountId: string): Promise<string[]>;
  clock?: () => Date;
  /** Called after an access event (onboarding) is committed. */
  onEvent?: (event: AccessEvent) => void;
}

/** The `action` of onboarding access events. */
export const ONBOARD_USER = 'admin:CreateUser';
export const ONBOARD_KEY = 'admin:CreateAccessKey';
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));
const publicKey = ({ sealedSecret: _sealed, ...key }: StoredKey): AccessKey => key;

export class SqliteTenancyService implements TenancyService {
  private readonly store: SqliteAccountStore;
  private readonly rules: AccessRules;
  private readonly now: () => Date;

  constructor(private readonly deps: TenancyServiceDeps) {
    this.store = deps.store;
    this.rules = new AccessRules(deps.store);
    this.now = deps.clock ?? (() => new Date());
  }

  // ---- accounts ----

  async createPartner(actor: Principal, input: CreatePartnerInput): Promise<Account> {
    if (!isOperatorAdmin(actor)) denied("only the operator's administrators manage partners");
    const name = checkAccountName(input.name);
    const displayName = input.displayName === undefined ? name : checkDisplayName(input.displayName);
    const regions = checkRegions(input.regions, this.deps.regions);
    const brand = input.brand === undefined ? { displayName } : checkBrand(input.brand);
    const account = this.store.transaction(() => {
      this.requireFreeName(name);
      const a: StoredAccount = {
        id: this.freshAccountId(), kind: 'partner', name, displayName, parentId: OPERATOR_ACCOUNT_ID, status: 'active',
        createdAt: this.stamp(), regions, brand,
      };
      this.store.insertAccount(a);
      return a;
    });
    return this.view(account);
  }

  async updatePartner(actor: Principal, id: string, input: UpdatePartnerInput): Promise<Account> {
    const updated = this.store.transaction(() => {
      const { account, rel } = this.rules.accountFor(actor, id);
      if (account.kind !== 'partner') throw fail('InvalidArgument', `${account.name} is a ${account.kind} account, not a partner.`);
      if (!actor.admin) denied(`only an administrator may change ${account.name}`);
      const next: StoredAccount = { ...account };
      if (input.displayName !== undefined) next.displayName = checkDisplayName(input.displayName);
      if (input.brand !== undefined) next.brand = checkBrand(input.brand);
      if (input.status !== undefined) next.status = checkStatus(input.status);
      if (input.regions !== undefined) next.regions = checkRegions(input.regions, this.deps.regions);
      if (rel === 'self' && (!sameSet(next.regions, account.regions) || next.status !== account.status)) {
        denied('a partner cannot change its own licensed regions or status; the operator does');
      }
      const dropped = account.regions.filter((r) => !next.regions.includes(r));
      if (dropped.length > 0) {
        const users = this.store.children(account.id).filter((c) => c.regions.some((r) => dropped.includes(r)));
        if (users.length > 0) {
          throw fail('Conflict', `${account.name} cannot lose ${dropped.join(', ')}: customers still use ${dropped.length > 1 ? 'them' : 'it'}: ${users.map((c) => c.name).join(', ')}.`);
        }
      }
      this.store.updateAccount(next);
      return next;
    });
    return this.view(updated);
  }

  async createCustomer(actor: Principal, input: CreateCustomerInput): Promise<Account> {
    if (!actor.admin || (actor.accountKind !== 'operator' && actor.accountKind !== 'partner')) {
      denied("only the operator's and partners' administrators create customers");
    }
    const name = checkAccountName(input.name);
    const displayName = input.displayName === undefined ? name : checkDisplayName(input.displayName);
    const quotas = checkQuotas(input.quotas, NO_QUOTAS);
    const defaultResidency = this.residencyZones(input.defaultResidency, 'defaultResidency');
    const mandatory = this.residencyZones(input.mandatoryResidency, 'mandatoryResidency');
    const account = this.store.transaction(() => {
      const partner = this.partnerFor(actor, input.partnerId);
      const regions = input.regions === undefined ? [...partner.regions] : checkRegions(input.regions, this.deps.regions);
      this.requireLicensed(partner, regions);
      this.requireFreeName(name);
      const a: StoredAccount = {
        id: this.freshAccountId(), kind: 'customer', name, displayName, parentId: partner.id, status: 'active',
        createdAt: this.stamp(), regions, quotas, defaultResidency,
      };
      this.store.insertAccount(a);
      return a;
    });
    if (mandatory !== null) {
      try {
        await this.deps.residency.put(account.id, mandatory);
      } catch (e) {
        this.store.deleteAccount(account.id);
        throw e;
      }
    }
    return this.view(account);
  }

  async updateCustomer(actor: Principal, id: string, input: UpdateCustomerInput): Promise<Account> {
    // Checked once before the residency write (so a refusal changes nothing) and again inside the transaction.
    const next = this.planCustomerUpdate(actor, id, input);
    if (input.regions !== undefined && this.deps.bucketRegions) {
      const stranded = (await this.deps.bucketRegions(next.id)).filter((r) => !next.regions.includes(r));
      if (stranded.length > 0) {
        throw fail('Conflict', `${next.name} still has buckets in ${stranded.join(', ')}; move or delete them before taking the region away.`, { details: { Regions: stranded.join(',') } });
      }
    }
    let restore: (() => Promise<unknown>) | undefined;
    if (input.mandatoryResidency !== undefined) {
      const zones = this.residencyZones(input.mandatoryResidency, 'mandatoryResidency');
      const previous = await this.deps.residency.get(id);
      await this.deps.residency.put(id, zones ?? undefined);
      restore = () => this.deps.residency.put(id, previous);
    }
    try {
      const next = this.store.transaction(() => {
        const planned = this.planCustomerUpdate(actor, id, input);
        this.store.updateAccount(planned);
        return planned;
      });
      return await this.view(next);
    } catch (e) {
      if (restore) await restore();
      throw e;
    }
  }

  async getAccount(actor: Principal, idOrName: string): Promise<Account> {
    const { account } = this.rules.accountFor(actor, idOrName);
    if (!actor.admin) denied('only administrators read account settings');
    return this.view(account);
  }

  async listAccounts(actor: Principal, filter: { kind?: AccountKind; parentId?: string } & PageRequest): Promise<Page<Account>> {
    if (!actor.admin) denied('only administrators list accounts');
    const { limit, after } = checkPage(filter);
    const scope = actor.accountKind === 'operator' ? {} : actor.accountKind === 'partner' ? { within: actor.accountId } : { only: actor.accountId };
    const rows = this.store.listAccounts({ ...scope, kind: filter.kind, parentId: filter.parentId }, after, limit + 1);
    const items = await Promise.all(rows.slice(0, limit).map((a) => this.view(a)));
    return rows.length > limit ? { items, nextCursor: encodeCursor(items[items.length - 1]!.name) } : { items };
  }

  async deleteAccount(actor: Principal, id: string): Promise<void> {
    const check = (): StoredAccount => {
      const { account, rel } = this.rules.accountFor(actor, id);
      if (account.id === OPERATOR_ACCOUNT_ID) throw fail('Conflict', 'The operator account cannot be deleted.');
      if (rel === 'self') denied('an account cannot delete itself; its parent does');
      const children = this.store.children(account.id);
      if (children.length > 0) throw fail('Conflict', `${account.name} still has accounts: ${children.map((c) => c.name).join(', ')}. Delete them first.`);
      return account;
    };
    const account = check();
    const buckets = await this.deps.countBuckets(account.id);
    if (buckets > 0) throw fail('Conflict', `${account.name} still owns ${buckets} bucket${buckets > 1 ? 's' : ''}. Delete them first.`);
    const previous = await this.deps.residency.get(account.id);
    if (previous !== undefined) await this.deps.residency.put(account.id, undefined);
    try {
      this.store.transaction(() => this.store.deleteAccount(check().id));
    } catch (e) {
      if (previous !== undefined) await this.deps.residency.put(account.id, previous);
      throw e;
    }
  }

  async moveCustomer(actor: Principal, id: string, input: MoveCustomerInput): Promise<{ account: Account; move: AccountMove }> {
    if (!isOperatorAdmin(actor)) denied("only the operator's administrators move customers between partners");
    if (typeof input.partnerId !== 'string' || input.partnerId === '') {
      throw fail('InvalidArgument', 'partnerId is required: the partner the customer moves to.', { details: { ArgumentName: 'partnerId' } });
    }
    const current = Math.floor(this.now().getTime() / HOUR_MS) * HOUR_MS;
    const at = input.at === undefined ? current : wholeHour(input.at, 'at');
    if (at > current) throw fail('InvalidArgument', `A move takes effect now or from a past hour, not from ${input.at}.`, { details: { ArgumentName: 'at', ArgumentValue: String(input.at) } });
    if (input.notBefore !== undefined && at < input.notBefore) {
      throw fail('Conflict', `The hours before ${hourText(input.notBefore)} are invoiced already; a move may take effect from then on only.`, { details: { ArgumentName: 'at' } });
    }
    const result = this.store.transaction(() => {
      const { account } = this.rules.accountFor(actor, id);
      if (account.kind !== 'customer') throw fail('InvalidArgument', `${account.name} is a ${account.kind} account; only customers move between partners.`);
      const partner = this.store.getAccount(input.partnerId) ?? this.store.getAccountByName(input.partnerId);
      if (!partner || partner.kind !== 'partner') noSuchAccount(input.partnerId);
      if (partner.id === account.parentId) throw fail('Conflict', `${account.name} belongs to ${partner.name} already.`);
      this.requireLicensed(partner, account.regions);
      if (at < Math.floor(Date.parse(account.createdAt) / HOUR_MS) * HOUR_MS) {
        throw fail('InvalidArgument', `${account.name} was created at ${account.createdAt}; a move cannot take effect before that.`, { details: { ArgumentName: 'at' } });
      }
      const last = this.store.movesOf(account.id).at(-1);
      if (last !== undefined) {
        if (at <= Date.parse(last.at)) throw fail('Conflict', `${account.name} last moved at ${last.at}; a new move must take effect after it.`, { details: { ArgumentName: 'at' } });
        // One partner change per billing month keeps each partner's share of a month one run of hours.
        if (hourText(at).slice(0, 7) === last.at.slice(0, 7)) {
          throw fail('Conflict', `${account.name} moved already in ${last.at.slice(0, 7)}; a customer moves at most once per billing month.`, { details: { ArgumentName: 'at' } });
        }
      }
      const move: AccountMove = {
        customerId: account.id, at: hourText(at), fromPartnerId: account.parentId ?? '', toPartnerId: partner.id, movedBy: actor.userArn, recordedAt: this.stamp(),
      };
      this.store.moveCustomer(move);
      return { account: { ...account, parentId: partner.id }, move };
    });
    return { account: await this.view(result.account), move: result.move };
  }

  async listMoves(actor: Principal, id: string): Promise<AccountMove[]> {
    const { account } = this.rules.accountFor(actor, id);
    if (!actor.admin) denied('only administrators read account settings');
    return this.store.movesOf(account.id);
  }

  // ---- users ----

  async createUser(actor: Principal, accountId: string, input: CreateUserInput): Promise<User> {
    const name = checkUserName(input.name);
    const admin = input.admin === undefined ? false : checkBoolean(input.admin, 'admin');
    let event: AccessEvent | undefined;
    const user = this.store.transaction(() => {
      const { account, rel } = this.rules.accountFor(actor, accountId);
      if (rel === 'self') {
        if (!actor.admin) denied(`only ${account.name}'s administrators create users`);
      } else {
        // Onboarding: the parent creates the first user of an account that has none.
        if (this.store.countUsers(account.id) > 0) onlyAdmins(account);
        if (!admin) throw fail('InvalidArgument', `The first user of ${account.name} must be an administrator (admin: true).`, { details: { ArgumentName: 'admin' } });
      }
      if (this.store.getUserByName(account.id, name)) {
        throw fail('EntityAlreadyExists', `${account.name} already has a user named ${name}.`, { details: { User: name } });
      }
      const u: User = {
        id: this.freshUserId(), accountId: account.id, name, admin, status: 'active', createdAt: this.stamp(), arn: `arn:aws:iam::${account.id}:user/${name}`,
      };
      this.store.insertUser(u);
      if (rel !== 'self') event = this.recordOnboarding(actor, account, ONBOARD_USER, `created the first administrator ${name}`);
      return u;
    });
    if (event) this.deps.onEvent?.(event);
    return user;
  }

  async getUser(actor: Principal, userId: string): Promise<User> {
    return this.rules.readableUser(actor, userId);
  }

  async findUser(actor: Principal, accountIdOrName: string, userName: string): Promise<User> {
    const { account } = this.rules.accountFor(actor, accountIdOrName);
    const user = this.store.getUserByName(account.id, userName);
    if (!user) noSuchUser(userName);
    return this.rules.readableUser(actor, user.id);
  }

  async listUsers(actor: Principal, accountId: string, page: PageRequest): Promise<Page<User>> {
    const { account } = this.rules.accountFor(actor, accountId);
    if (!actor.admin) denied(`only ${account.name}'s administrators list its users`);
    const { limit, after } = checkPage(page);
    const rows = this.store.listUsers(account.id, after, limit + 1);
    const items = rows.slice(0, limit);
    return rows.length > limit ? { items, nextCursor: encodeCursor(items[items.length - 1]!.name) } : { items };
  }

  async updateUser(actor: Principal, userId: string, input: { admin?: boolean; status?: Status }): Promise<User> {
    const admin = input.admin === undefined ? undefined : checkBoolean(input.admin, 'admin');
    const status = input.status === undefined ? undefined : checkStatus(input.status);
    return this.store.transaction(() => {
      const user = this.rules.manageableUser(actor, userId);
      const next: User = { ...user, admin: admin ?? user.admin, status: status ?? user.status };
      if (user.admin && user.status === 'active' && (!next.admin || next.status !== 'active')) this.rules.keepAnAdmin(user);
      this.store.updateUser(next);
      return next;
    });
  }

  async deleteUser(actor: Principal, userId: string): Promise<void> {
    this.store.transaction(() => {
      const user = this.rules.manageableUser(actor, userId);
      if (user.admin && user.status === 'active') this.rules.keepAnAdmin(user);
      this.store.deleteUser(user.id);
    });
  }

  // ---- access keys ----

  async createAccessKey(actor: Principal, userId: string): Promise<NewAccessKey> {
    let event: AccessEvent | undefined;
    const key = this.store.transaction(() => {
      const user = this.rules.readableUser(actor, userId);
      if (!this.rules.mayManageKeys(actor, user)) {
        // Onboarding: the first key of an account's first (and only) administrator.
        const account = this.store.getAccount(user.accountId)!;
        // Once only: a customer that later deletes its keys must not be re-keyed by its partner.
        const onboarding = user.admin && this.store.countUsers(account.id) === 1 && this.store.keysOf(user.id).length === 0
          && !this.store.hasEvent(account.id, 'onboarding', ONBOARD_KEY);
        if (!onboarding) onlyAdmins(account);
        event = this.recordOnboarding(actor, account, ONBOARD_KEY, `created the first access key of ${user.name}`);
      }
      return this.insertKey(user);
    });
    if (event) this.deps.onEvent?.(event);
    return key;
  }

  async listAccessKeys(actor: Principal, userId: string): Promise<AccessKey[]> {
    const user = this.rules.readableUser(actor, userId);
    if (!this.rules.mayManageKeys(actor, user)) onlyAdmins(this.store.getAccount(user.accountId)!);
    return this.store.keysOf(user.id).map(publicKey);
  }

  async setAccessKeyStatus(actor: Principal, accessKeyId: string, status: 'active' | 'disabled'): Promise<AccessKey> {
    if (status !== 'active' && status !== 'disabled') throw fail('InvalidArgument', `status must be 'active' or 'disabled', not '${String(status)}'.`, { details: { ArgumentName: 'status' } });
    return this.store.transaction(() => {
      const { key, user } = this.rules.manageableKey(actor, accessKeyId);
      if (status === 'disabled') this.rules.keepRootKey(user, key);
      this.store.setKeyStatus(key.accessKeyId, status);
      return publicKey({ ...key, status });
    });
  }

  async rotateAccessKey(actor: Principal, accessKeyId: string, opts: { deleteOld?: boolean } = {}): Promise<NewAccessKey> {
    return this.store.transaction(() => {
      const { key, user } = this.rules.manageableKey(actor, accessKeyId);
      if (opts.deleteOld === true) this.store.deleteKey(key.accessKeyId);
      else this.store.setKeyStatus(key.accessKeyId, 'disabled');
      return this.insertKey(user, opts.deleteOld === true ? '' : ' Rotate with deleteOld, or delete a key first.');
    });
  }

  async deleteAccessKey(actor: Principal, accessKeyId: string): Promise<void> {
    this.store.transaction(() => {
      const { key, user } = this.rules.manageableKey(actor, accessKeyId);
      this.rules.keepRootKey(user, key);
      this.store.deleteKey(key.accessKeyId);
    });
  }

  // ---- identity policies ----

  async putUserPolicy(actor: Principal, userId: string, name: string, document: string): Promise<NamedPolicy> {
    checkPolicyName(name);
    if (typeof document !== 'string') throw fail('MalformedPolicy', 'The policy document must be JSON text.');
    if (document.length > MAX_POLICY_CHARS) throw fail('MalformedPolicy', `The policy document is longer than ${MAX_POLICY_CHARS} characters.`);
    return this.store.transaction(() => {
      const user = this.rules.policyUser(actor, userId, true);
      this.deps.parseIdentityPolicy(document);
      const existing = this.store.policiesOf(user.id);
      if (!existing.some((p) => p.name === name) && existing.length >= MAX_POLICIES_PER_USER) {
        throw fail('Conflict', `${user.name} already has ${MAX_POLICIES_PER_USER} policies, the most a user can have.`);
      }
      const policy: NamedPolicy = { name, document, updatedAt: this.stamp() };
      this.store.putPolicy(user.id, policy);
      return policy;
    });
  }

  async getUserPolicy(actor: Principal, userId: string, name: string): Promise<NamedPolicy> {
    const user = this.rules.policyUser(actor, userId, false);
    const p = this.store.getPolicy(user.id, name);
    if (!p) throw fail('NoSuchPolicy', `${user.name} has no policy named ${name}.`, { details: { PolicyName: name } });
    return p;
  }

  async listUserPolicies(actor: Principal, userId: string): Promise<NamedPolicy[]> {
    return this.store.policiesOf(this.rules.policyUser(actor, userId, false).id);
  }

  async deleteUserPolicy(actor: Principal, userId: string, name: string): Promise<void> {
    this.store.transaction(() => {
      const user = this.rules.policyUser(actor, userId, true);
      if (!this.store.deletePolicy(user.id, name)) throw fail('NoSuchPolicy', `${user.name} has no policy named ${name}.`, { details: { PolicyName: name } });
    });
  }

  // ---- bearer tokens ----

  async createToken(actor: Principal, ttlSeconds: number): Promise<NewToken> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < MIN_TOKEN_TTL_SECONDS || ttlSeconds > MAX_TOKEN_TTL_SECONDS) {
      throw fail('InvalidArgument', `ttlSeconds must be an integer from ${MIN_TOKEN_TTL_SECONDS} to ${MAX_TOKEN_TTL_SECONDS}.`, { details: { ArgumentName: 'ttlSeconds' } });
    }
    const now = this.now();
    const token = newToken();
    const info = { id: newTokenId(), userId: actor.userId, createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString() };
    this.store.transaction(() => {
      if (!this.store.getUser(actor.userId)) noSuchUser(actor.userId);
      this.store.purgeTokens(info.createdAt);
      this.store.insertToken({ ...info, hash: hashToken(token) });
    });
    return { ...info, token };
  }

  async deleteToken(actor: Principal, tokenId: string): Promise<void> {
    this.store.transaction(() => {
      const t = this.store.getToken(tokenId);
      const owner = t && this.store.getUser(t.userId);
      const mine = t !== undefined && (t.userId === actor.userId || (actor.admin && owner?.accountId === actor.accountId));
      if (!mine) throw fail('NoSuchToken', `The token '${tokenId}' does not exist.`);
      this.store.deleteToken(tokenId);
    });
  }

  // ---- sovereignty records ----

  async listAccessEvents(actor: Principal, accountId: string, page: PageRequest): Promise<Page<AccessEvent>> {
    const { account } = this.rules.accountFor(actor, accountId);
    if (!actor.admin) denied(`only administrators read ${account.name}'s access records`);
    const { limit, after } = checkPage(page);
    const afterId = after === '' ? 0 : Number(after);
    if (!Number.isSafeInteger(afterId) || afterId < 0) throw fail('InvalidArgument', 'The cursor is not one this API returned.', { details: { ArgumentName: 'cursor' } });
    const rows = this.store.listEvents(account.id, afterId, limit + 1);
    const items = rows.slice(0, limit);
    return rows.length > limit ? { items, nextCursor: encodeCursor(String(items[items.length - 1]!.id)) } : { items };
  }

  // ---- helpers ----

  /** The partner a new customer goes under: the actor's own, or for the operator the one named. */
  private partnerFor(actor: Principal, partnerId: string | undefined): StoredAccount {
    if (actor.accountKind === 'partner') {
      const own = this.store.getAccount(actor.accountId);
      if (!own) noSuchAccount(actor.accountId);
      if (partnerId !== undefined && partnerId !== own.id && partnerId !== own.name) noSuchAccount(partnerId);
      return own;
    }
    if (partnerId === undefined || partnerId === '') {
      throw fail('InvalidArgument', 'partnerId is required: name the partner the customer belongs to.', { details: { ArgumentName: 'partnerId' } });
    }
    const partner = this.store.getAccount(partnerId) ?? this.store.getAccountByName(partnerId);
    if (!partner || partner.kind !== 'partner') noSuchAccount(partnerId);
    return partner;
  }

  private requireLicensed(partner: StoredAccount, regions: readonly string[]): void {
    const unlicensed = regions.filter((r) => !partner.regions.includes(r));
    if (unlicensed.length > 0) {
      throw fail('InvalidRegion', `${partner.name} is not licensed for ${unlicensed.join(', ')}; its regions are ${partner.regions.join(', ')}.`, {
        details: { ArgumentName: 'regions', ArgumentValue: unlicensed.join(',') },
      });
    }
  }

  private planCustomerUpdate(actor: Principal, id: string, input: UpdateCustomerInput): StoredAccount {
    const { account, rel } = this.rules.accountFor(actor, id);
    if (account.kind !== 'customer') throw fail('InvalidArgument', `${account.name} is a ${account.kind} account, not a customer.`);
    if (!actor.admin) denied(`only an administrator may change ${account.name}`);
    const next: StoredAccount = { ...account };
    if (input.displayName !== undefined) next.displayName = checkDisplayName(input.displayName);
    if (input.defaultResidency !== undefined) next.defaultResidency = this.residencyZones(input.defaultResidency, 'defaultResidency');
    if (input.mandatoryResidency !== undefined) this.residencyZones(input.mandatoryResidency, 'mandatoryResidency');
    next.quotas = checkQuotas(input.quotas, account.quotas ?? NO_QUOTAS);
    if (input.status !== undefined) next.status = checkStatus(input.status);
    if (input.regions !== undefined) {
      next.regions = checkRegions(input.regions, this.deps.regions);
      const partner = account.parentId === null ? undefined : this.store.getAccount(account.parentId);
      if (partner) this.requireLicensed(partner, next.regions);
    }
    if (rel === 'self') {
      const changed = [
        !same(next.quotas, account.quotas) && 'quotas', !sameSet(next.regions, account.regions) && 'regions', next.status !== account.status && 'status',
      ].filter((c): c is string => c !== false);
      if (changed.length > 0) denied(`a customer cannot change its own quotas/regions/status (${changed.join(', ')}); its partner does`);
    }
    return next;
  }

  /** null (none) or the zones validated and normalised. */
  private residencyZones(value: unknown, argument: string): string[] | null {
    if (value === undefined || value === null) return null;
    const zones = checkZoneList(value, argument);
    this.deps.validateZones(zones);
    return normaliseZones(zones);
  }

  private insertKey(user: User, hint = ' Delete one first.'): NewAccessKey {
    if (this.store.keysOf(user.id).length >= MAX_KEYS_PER_USER) {
      throw fail('Conflict', `${user.name} already has ${MAX_KEYS_PER_USER} access keys, the most a user can have.${hint}`);
    }
    let id = newAccessKeyId();
    while (this.store.getKey(id)) id = newAccessKeyId();
    const secretAccessKey = newSecretAccessKey();
    const key: StoredKey = { accessKeyId: id, userId: user.id, status: 'active', createdAt: this.stamp(), sealedSecret: this.deps.box.seal(secretAccessKey, id) };
    this.store.insertKey(key);
    return { ...publicKey(key), secretAccessKey };
  }

  private recordOnboarding(actor: Principal, account: StoredAccount, action: string, detail: string): AccessEvent {
    const e: Omit<AccessEvent, 'id'> = {
      at: this.stamp(), kind: 'onboarding', ownerAccountId: account.id, principalAccountId: actor.accountId, principalArn: actor.userArn, action, detail,
    };
    return { id: this.store.insertEvent(e), ...e };
  }

  private requireFreeName(name: string): void {
    if (this.store.getAccountByName(name)) throw fail('EntityAlreadyExists', `An account named ${name} exists already.`, { details: { Account: name } });
  }

  private freshAccountId(): string {
    for (;;) {
      const id = newAccountId();
      if (id !== OPERATOR_ACCOUNT_ID && !this.store.getAccount(id)) return id;
    }
  }

  private freshUserId(): string {
    for (;;) {
      const id = newUserId();
      if (!this.store.getUser(id)) return id;
    }
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  private view(a: StoredAccount): Promise<Account> {
    return withMandatoryResidency(a, this.deps.residency);
  }
}

const HOUR_MS = 3_600_000;
const hourText = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/** An ISO-8601 UTC instant on a whole hour, as epoch ms. */
function wholeHour(text: unknown, argument: string): number {
  const ms = typeof text === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z$/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms) || ms % HOUR_MS !== 0) {
    throw fail('InvalidArgument', `${argument} must be a whole UTC hour such as '2026-03-11T00:00:00Z' (got '${String(text)}').`, { details: { ArgumentName: argument } });
  }
  return ms;
}

function isOperatorAdmin(actor: Principal): boolean {
  return actor.admin && actor.accountKind === 'operator' && actor.accountId === OPERATOR_ACCOUNT_ID;
}
