/**
 * The account store on SQLite: accounts, users, access keys (secrets sealed by the caller),
 * identity policies, bearer-token hashes, the idempotency ledger and the access-event log.
 * Rows only: the rules of the hierarchy live in the tenancy service.
 *
 * Every cluster worker opens the same file, as with the bucket directory: WAL lets them
 * read while one writes, busy_timeout covers write contention, and mutations run in
 * BEGIN IMMEDIATE transactions so a check and the write it guards cannot interleave with
 * another process. Statements are short and indexed, so they run synchronously.
 */
import type Database from 'better-sqlite3';
import { openSharedDatabase } from '../core/sqlite-wal.js';
import { NO_QUOTAS, type AccessEvent, type AccessKey, type Account, type AccountKind, type AccountMove, type Brand, type NamedPolicy, type Quotas, type Status, type TokenInfo, type User } from './model.js';

/** An account as stored: its mandatory residency lives in the placement directory. */
export type StoredAccount = Omit<Account, 'mandatoryResidency'>;
export interface StoredKey extends AccessKey {
  /** SecretBox output, sealed with the access key id as AAD. */
  sealedSecret: string;
}
export interface StoredToken extends TokenInfo {
  hash: string;
}
export interface IdempotencyEntry {
  userId: string;
  key: string;
  fingerprint: string;
  /** 0 while the first request is still running. */
  status: number;
  body: string;
  createdAt: number;
}
export interface AccountFilter {
  kind?: AccountKind;
  parentId?: string;
  /** Only this account and its children (a partner's view). */
  within?: string;
  /** Only this account (a customer's view). */
  only?: string;
}

/** Each entry runs once, in order; `PRAGMA user_version` records how far a file is. */
const MIGRATIONS: readonly string[] = [
  `
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  parent_id TEXT,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  regions TEXT NOT NULL,
  brand TEXT,
  quotas TEXT,
  default_residency TEXT
) WITHOUT ROWID;
CREATE INDEX accounts_by_parent ON accounts (parent_id, name);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  name TEXT NOT NULL,
  admin INTEGER NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (account_id, name)
) WITHOUT ROWID;
CREATE TABLE access_keys (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  secret TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT
) WITHOUT ROWID;
CREATE INDEX access_keys_by_user ON access_keys (user_id, created_at);
CREATE TABLE user_policies (
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  document TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (user_id, name)
) WITHOUT ROWID;
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX tokens_by_user ON tokens (user_id);
CREATE TABLE idempotency (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_by_age ON idempotency (created_at);
CREATE TABLE access_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  kind TEXT NOT NULL,
  owner_account_id TEXT NOT NULL,
  principal_account_id TEXT NOT NULL,
  principal_arn TEXT,
  bucket TEXT,
  action TEXT,
  region TEXT,
  detail TEXT
);
CREATE INDEX access_events_by_owner ON access_events (owner_account_id, id);
`,
  // A customer's partner history: each move names the hour from which the new partner bills it.
  `
CREATE TABLE account_moves (
  customer_id TEXT NOT NULL,
  at TEXT NOT NULL,
  from_partner_id TEXT NOT NULL,
  to_partner_id TEXT NOT NULL,
  moved_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  PRIMARY KEY (customer_id, at)
) WITHOUT ROWID;
CREATE INDEX account_moves_from ON account_moves (from_partner_id);
CREATE INDEX account_moves_to ON account_moves (to_partner_id);
`,
];

interface AccountRow {
  id: string;
  kind: AccountKind;
  name: string;
  display_name: string;
  parent_id: string | null;
  status: Status;
  created_at: string;
  regions: string;
  brand: string | null;
  quotas: string | null;
  default_residency: string | null;
}
interface UserRow {
  id: string;
  account_id: string;
  name: string;
  admin: number;
  status: Status;
  created_at: string;
}
interface KeyRow {
  id: string;
  user_id: string;
  secret: string;
  status: 'active' | 'disabled';
  created_at: string;
  last_used_at: string | null;
}
interface PolicyRow {
  user_id: string;
  name: string;
  document: string;
  updated_at: string;
}
interface TokenRow {
  id: string;
  user_id: string;
  hash: string;
  created_at: string;
  expires_at: string;
}
interface MoveRow {
  customer_id: string;
  at: string;
  from_partner_id: string;
  to_partner_id: string;
  moved_by: string;
  recorded_at: string;
}
interface EventRow {
  id: number;
  at: string;
  kind: AccessEvent['kind'];
  owner_account_id: string;
  principal_account_id: string;
  principal_arn: string | null;
  bucket: string | null;
  action: string | null;
  region: string | null;
  detail: string | null;
}

export function userArn(accountId: string, name: string): string {
  return `arn:aws:iam::${accountId}:user/${name}`;
}

function toAccount(r: AccountRow): StoredAccount {
  const a: StoredAccount = {
    id: r.id, kind: r.kind, name: r.name, displayName: r.display_name, parentId: r.parent_id,
    status: r.status, createdAt: r.created_at, regions: JSON.parse(r.regions) as string[],
  };
  if (r.brand !== null) a.brand = JSON.parse(r.brand) as Brand;
  if (r.kind === 'customer') {
    // Quotas stored before a field existed read as null (unlimited, or the server's limit).
    a.quotas = { ...NO_QUOTAS, ...(r.quotas === null ? {} : (JSON.parse(r.quotas) as Partial<Quotas>)) };
    a.defaultResidency = r.default_residency === null ? null : (JSON.parse(r.default_residency) as string[]);
  }
  return a;
}

function toUser(r: UserRow): User {
  return { id: r.id, accountId: r.account_id, name: r.name, admin: r.admin === 1, status: r.status, createdAt: r.created_at, arn: userArn(r.account_id, r.name) };
}

function toKey(r: KeyRow): StoredKey {
  const k: StoredKey = { accessKeyId: r.id, userId: r.user_id, status: r.status, createdAt: r.created_at, sealedSecret: r.secret };
  if (r.last_used_at !== null) k.lastUsedAt = r.last_used_at;
  return k;
}

function toPolicy(r: PolicyRow): NamedPolicy {
  return { name: r.name, document: r.document, updatedAt: r.updated_at };
}

function toToken(r: TokenRow): StoredToken {
  return { id: r.id, userId: r.user_id, hash: r.hash, createdAt: r.created_at, expiresAt: r.expires_at };
}

function toMove(r: MoveRow): AccountMove {
  return { customerId: r.customer_id, at: r.at, fromPartnerId: r.from_partner_id, toPartnerId: r.to_partner_id, movedBy: r.moved_by, recordedAt: r.recorded_at };
}

function toEvent(r: EventRow): AccessEvent {
  const e: AccessEvent = { id: r.id, at: r.at, kind: r.kind, ownerAccountId: r.owner_account_id, principalAccountId: r.principal_account_id };
  if (r.principal_arn !== null) e.principalArn = r.principal_arn;
  if (r.bucket !== null) e.bucket = r.bucket;
  if (r.action !== null) e.action = r.action;
  if (r.region !== null) e.region = r.region;
  if (r.detail !== null) e.detail = r.detail;
  return e;
}

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));

export class SqliteAccountStore {
  private readonly db: Database.Database;
  private readonly s;

  constructor(path: string, opts: { busyTimeoutMs?: number } = {}) {
    const db = openSharedDatabase(path, opts.busyTimeoutMs);
    this.db = db;
    migrate(db);
    this.s = {
      insertAccount: db.prepare(`INSERT INTO accounts (id, kind, name, display_name, parent_id, status, created_at, regions, brand, quotas, default_residency)
        VALUES (@id, @kind, @name, @display_name, @parent_id, @status, @created_at, @regions, @brand, @quotas, @default_residency)`),
      updateAccount: db.prepare(`UPDATE accounts SET display_name = @display_name, status = @status, regions = @regions, brand = @brand,
        quotas = @quotas, default_residency = @default_residency WHERE id = @id`),
      getAccount: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE id = ?'),
      getAccountByName: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE name = ?'),
      children: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE parent_id = ? ORDER BY name'),
      deleteAccount: db.prepare('DELETE FROM accounts WHERE id = ?'),
      insertUser: db.prepare('INSERT INTO users (id, account_id, name, admin, status, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      updateUser: db.prepare('UPDATE users SET admin = ?, status = ? WHERE id = ?'),
      getUser: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
      getUserByName: db.prepare<[string, string], UserRow>('SELECT * FROM users WHERE account_id = ? AND name = ?'),
      listUsers: db.prepare<[string, string, number], UserRow>('SELECT * FROM users WHERE account_id = ? AND name > ? ORDER BY name LIMIT ?'),
      usersOf: db.prepare<[string], UserRow>('SELECT * FROM users WHERE account_id = ?'),
      countUsers: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM users WHERE account_id = ?'),
      deleteUser: db.prepare('DELETE FROM users WHERE id = ?'),
      insertKey: db.prepare('INSERT INTO access_keys (id, user_id, secret, status, created_at) VALUES (?, ?, ?, ?, ?)'),
      getKey: db.prepare<[string], KeyRow>('SELECT * FROM access_keys WHERE id = ?'),
      keysOf: db.prepare<[string], KeyRow>('SELECT * FROM access_keys WHERE user_id = ? ORDER BY created_at, id'),
      setKeyStatus: db.prepare('UPDATE access_keys SET status = ? WHERE id = ?'),
      setKeySecret: db.prepare('UPDATE access_keys SET secret = ?, status = ? WHERE id = ?'),
      touchKey: db.prepare('UPDATE access_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)'),
      deleteKey: db.prepare('DELETE FROM access_keys WHERE id = ?'),
      deleteKeysOf: db.prepare('DELETE FROM access_keys WHERE user_id = ?'),
      putPolicy: db.prepare(`INSERT INTO user_policies (user_id, name, document, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (user_id, name) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`),
      getPolicy: db.prepare<[string, string], PolicyRow>('SELECT * FROM user_policies WHERE user_id = ? AND name = ?'),
      policiesOf: db.prepare<[string], PolicyRow>('SELECT * FROM user_policies WHERE user_id = ? ORDER BY name'),
      deletePolicy: db.prepare('DELETE FROM user_policies WHERE user_id = ? AND name = ?'),
      deletePoliciesOf: db.prepare('DELETE FROM user_policies WHERE user_id = ?'),
      insertToken: db.prepare('INSERT INTO tokens (id, user_id, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      getToken: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE id = ?'),
      getTokenByHash: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE hash = ?'),
      deleteToken: db.prepare('DELETE FROM tokens WHERE id = ?'),
      deleteTokensOf: db.prepare('DELETE FROM tokens WHERE user_id = ?'),
      purgeTokens: db.prepare('DELETE FROM tokens WHERE expires_at <= ?'),
      getIdem: db.prepare<[string, string], { user_id: string; key: string; fingerprint: string; status: number; body: string; created_at: number }>(
        'SELECT * FROM idempotency WHERE user_id = ? AND key = ?'),
      claimIdem: db.prepare(`INSERT INTO idempotency (user_id, key, fingerprint, status, body, created_at) VALUES (?, ?, ?, 0, '', ?)
        ON CONFLICT (user_id, key) DO NOTHING`),
      completeIdem: db.prepare('UPDATE idempotency SET status = ?, body = ? WHERE user_id = ? AND key = ? AND created_at = ?'),
      deleteIdem: db.prepare('DELETE FROM idempotency WHERE user_id = ? AND key = ?'),
      releaseIdem: db.prepare('DELETE FROM idempotency WHERE user_id = ? AND key = ? AND created_at = ? AND status = 0'),
      purgeIdem: db.prepare('DELETE FROM idempotency WHERE created_at < ?'),
      insertEvent: db.prepare(`INSERT INTO access_events (at, kind, owner_account_id, principal_account_id, principal_arn, bucket, action, region, detail)
        VALUES (@at, @kind, @ownerAccountId, @principalAccountId, @principalArn, @bucket, @action, @region, @detail)`),
      hasEvent: db.prepare<[string, string, string], { one: number }>('SELECT 1 AS one FROM access_events WHERE owner_account_id = ? AND kind = ? AND action = ? LIMIT 1'),
      setParent: db.prepare('UPDATE accounts SET parent_id = ? WHERE id = ?'),
      insertMove: db.prepare(`INSERT INTO account_moves (customer_id, at, from_partner_id, to_partner_id, moved_by, recorded_at)
        VALUES (@customerId, @at, @fromPartnerId, @toPartnerId, @movedBy, @recordedAt)`),
      movesOf: db.prepare<[string], MoveRow>('SELECT * FROM account_moves WHERE customer_id = ? ORDER BY at'),
      movesInvolving: db.prepare<[string, string], MoveRow>('SELECT * FROM account_moves WHERE from_partner_id = ? OR to_partner_id = ? ORDER BY customer_id, at'),
      listEvents: db.prepare<[string, number, number], EventRow>('SELECT * FROM access_events WHERE owner_account_id = ? AND id > ? ORDER BY id LIMIT ?'),
    };
  }

  /** Runs `fn` in one BEGIN IMMEDIATE transaction (a savepoint when nested): all or nothing. */
  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return this.db.transaction(fn)();
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // accounts

  insertAccount(a: StoredAccount): void {
    this.s.insertAccount.run({
      id: a.id, kind: a.kind, name: a.name, display_name: a.displayName, parent_id: a.parentId, status: a.status,
      created_at: a.createdAt, regions: JSON.stringify(a.regions), brand: json(a.brand), quotas: json(a.quotas), default_residency: json(a.defaultResidency),
    });
  }

  /** Writes the mutable fields (display name, status, regions, brand, quotas, default residency). */
  updateAccount(a: StoredAccount): void {
    this.s.updateAccount.run({
      id: a.id, display_name: a.displayName, status: a.status, regions: JSON.stringify(a.regions),
      brand: json(a.brand), quotas: json(a.quotas), default_residency: json(a.defaultResidency),
    });
  }

  getAccount(id: string): StoredAccount | undefined {
    const r = this.s.getAccount.get(id);
    return r ? toAccount(r) : undefined;
  }

  getAccountByName(name: string): StoredAccount | undefined {
    const r = this.s.getAccountByName.get(name);
    return r ? toAccount(r) : undefined;
  }

  children(parentId: string): StoredAccount[] {
    return this.s.children.all(parentId).map(toAccount);
  }

  /** Accounts sorted by name, after `afterName`. */
  listAccounts(filter: AccountFilter, afterName: string, limit: number): StoredAccount[] {
    const where = ['name > ?'];
    const args: (string | number)[] = [afterName];
    if (filter.kind !== undefined) { where.push('kind = ?'); args.push(filter.kind); }
    if (filter.parentId !== undefined) { where.push('parent_id = ?'); args.push(filter.parentId); }
    if (filter.within !== undefined) { where.push('(id = ? OR parent_id = ?)'); args.push(filter.within, filter.within); }
    if (filter.only !== undefined) { where.push('id = ?'); args.push(filter.only); }
    args.push(limit);
    return this.db.prepare<(string | number)[], AccountRow>(`SELECT * FROM accounts WHERE ${where.join(' AND ')} ORDER BY name LIMIT ?`).all(...args).map(toAccount);
  }

  /** Removes the account with its users and everything they hold (keys, policies, tokens). */
  deleteAccount(id: string): void {
    this.transaction(() => {
      for (const u of this.s.usersOf.all(id)) this.deleteUser(u.id);
      this.s.deleteAccount.run(id);
    });
  }

  // users

  insertUser(u: User): void {
    this.s.insertUser.run(u.id, u.accountId, u.name, u.admin ? 1 : 0, u.status, u.createdAt);
  }

  updateUser(u: User): void {
    this.s.updateUser.run(u.admin ? 1 : 0, u.status, u.id);
  }

  getUser(id: string): User | undefined {
    const r = this.s.getUser.get(id);
    return r ? toUser(r) : undefined;
  }

  getUserByName(accountId: string, name: string): User | undefined {
    const r = this.s.getUserByName.get(accountId, name);
    return r ? toUser(r) : undefined;
  }

  listUsers(accountId: string, afterName: string, limit: number): User[] {
    return this.s.listUsers.all(accountId, afterName, limit).map(toUser);
  }

  usersOf(accountId: string): User[] {
    return this.s.usersOf.all(accountId).map(toUser);
  }

  countUsers(accountId: string): number {
    return this.s.countUsers.get(accountId)?.n ?? 0;
  }

  /** Removes the user, its keys, policies and tokens. */
  deleteUser(id: string): void {
    this.transaction(() => {
      this.s.deleteKeysOf.run(id);
      this.s.deletePoliciesOf.run(id);
      this.s.deleteTokensOf.run(id);
      this.s.deleteUser.run(id);
    });
  }

  // access keys

  insertKey(k: StoredKey): void {
    this.s.insertKey.run(k.accessKeyId, k.userId, k.sealedSecret, k.status, k.createdAt);
  }

  getKey(id: string): StoredKey | undefined {
    const r = this.s.getKey.get(id);
    return r ? toKey(r) : undefined;
  }

  keysOf(userId: string): StoredKey[] {
    return this.s.keysOf.all(userId).map(toKey);
  }

  setKeyStatus(id: string, status: 'active' | 'disabled'): void {
    this.s.setKeyStatus.run(status, id);
  }

  setKeySecret(id: string, sealedSecret: string, status: 'active' | 'disabled'): void {
    this.s.setKeySecret.run(sealedSecret, status, id);
  }

  /** Records a use; skipped when the stored time is already at or after `notBefore`. */
  touchKey(id: string, at: string, notBefore: string): void {
    this.s.touchKey.run(at, id, notBefore);
  }

  deleteKey(id: string): void {
    this.s.deleteKey.run(id);
  }

  // identity policies

  putPolicy(userId: string, p: NamedPolicy): void {
    this.s.putPolicy.run(userId, p.name, p.document, p.updatedAt);
  }

  getPolicy(userId: string, name: string): NamedPolicy | undefined {
    const r = this.s.getPolicy.get(userId, name);
    return r ? toPolicy(r) : undefined;
  }

  policiesOf(userId: string): NamedPolicy[] {
    return this.s.policiesOf.all(userId).map(toPolicy);
  }

  deletePolicy(userId: string, name: string): boolean {
    return this.s.deletePolicy.run(userId, name).changes > 0;
  }

  // bearer tokens

  insertToken(t: StoredToken): void {
    this.s.insertToken.run(t.id, t.userId, t.hash, t.createdAt, t.expiresAt);
  }

  getToken(id: string): StoredToken | undefined {
    const r = this.s.getToken.get(id);
    return r ? toToken(r) : undefined;
  }

  getTokenByHash(hash: string): StoredToken | undefined {
    const r = this.s.getTokenByHash.get(hash);
    return r ? toToken(r) : undefined;
  }

  deleteToken(id: string): boolean {
    return this.s.deleteToken.run(id).changes > 0;
  }

  purgeTokens(now: string): number {
    return this.s.purgeTokens.run(now).changes;
  }

  // idempotency ledger

  getIdempotency(userId: string, key: string): IdempotencyEntry | undefined {
    const r = this.s.getIdem.get(userId, key);
    return r ? { userId: r.user_id, key: r.key, fingerprint: r.fingerprint, status: r.status, body: r.body, createdAt: r.created_at } : undefined;
  }

  /** Inserts a pending entry; false when one exists already. */
  claimIdempotency(userId: string, key: string, fingerprint: string, createdAt: number): boolean {
    return this.s.claimIdem.run(userId, key, fingerprint, createdAt).changes > 0;
  }

  /** Fills in the response of the claim made at `createdAt` (not of a later one). */
  completeIdempotency(userId: string, key: string, createdAt: number, status: number, body: string): void {
    this.s.completeIdem.run(status, body, userId, key, createdAt);
  }

  deleteIdempotency(userId: string, key: string): void {
    this.s.deleteIdem.run(userId, key);
  }

  /** Drops the pending claim made at `createdAt`, so the request can be retried. */
  releaseIdempotency(userId: string, key: string, createdAt: number): void {
    this.s.releaseIdem.run(userId, key, createdAt);
  }

  purgeIdempotency(olderThan: number): number {
    return this.s.purgeIdem.run(olderThan).changes;
  }

  // partner history (append-only)

  /** Moves the customer under `move.toPartnerId` and records from which hour. */
  moveCustomer(move: AccountMove): void {
    this.transaction(() => {
      this.s.insertMove.run(move);
      this.s.setParent.run(move.toPartnerId, move.customerId);
    });
  }

  /** The customer's moves, oldest first. */
  movesOf(customerId: string): AccountMove[] {
    return this.s.movesOf.all(customerId).map(toMove);
  }

  /** Moves into or out of the partner. */
  movesInvolving(partnerId: string): AccountMove[] {
    return this.s.movesInvolving.all(partnerId, partnerId).map(toMove);
  }

  // access events (append-only)

  insertEvent(e: Omit<AccessEvent, 'id'>): number {
    const r = this.s.insertEvent.run({
      at: e.at, kind: e.kind, ownerAccountId: e.ownerAccountId, principalAccountId: e.principalAccountId,
      principalArn: e.principalArn ?? null, bucket: e.bucket ?? null, action: e.action ?? null, region: e.region ?? null, detail: e.detail ?? null,
    });
    return Number(r.lastInsertRowid);
  }

  hasEvent(ownerAccountId: string, kind: AccessEvent['kind'], action: string): boolean {
    return this.s.hasEvent.get(ownerAccountId, kind, action) !== undefined;
  }

  listEvents(ownerAccountId: string, afterId: number, limit: number): AccessEvent[] {
    return this.s.listEvents.all(ownerAccountId, afterId, limit).map(toEvent);
  }
}

/** Brings the schema up to date; BEGIN IMMEDIATE so workers starting together migrate once. */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) throw new Error(`account store: schema version ${current} is newer than this server (${MIGRATIONS.length})`);
    for (let v = current; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    if (current !== MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
