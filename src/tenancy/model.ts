/**
 * The account hierarchy (operator → partners → customers → users → access keys) and the
 * service that manages it. This file is the contract between the tenancy store/service
 * (src/tenancy), the admin API (src/admin) and the S3 layer. Plain data and interfaces.
 *
 * Ids: accounts have 12-digit ids (as AWS accounts do, so bucket-policy principals look
 * familiar: arn:aws:iam::123456789012:root); the operator's account is OPERATOR_ACCOUNT_ID.
 * Users have ids 'U' + 20 base32 chars; access key ids are 'SV' + 18 [A-Z0-9].
 */
import type { PolicyDocument } from '../policy/types.js';

export const OPERATOR_ACCOUNT_ID = '000000000000';
export const ROOT_USER_NAME = 'root';

export type AccountKind = 'operator' | 'partner' | 'customer';
export type Status = 'active' | 'suspended';

/** What a partner's customers see instead of "Sovra" (console, error and help texts). */
export interface Brand {
  displayName: string;
  logoUrl?: string;
  supportContact?: string;
  /** CSS colours, e.g. '#e20074'. */
  colors?: { primary?: string; accent?: string };
  /** The S3/console host the partner sells under, e.g. 's3.cloud.example.de'. */
  endpointHost?: string;
}

/**
 * A customer's limits. Storage and requests: null = unlimited. Analytics (SQL queries and S3
 * Select): null = the server's limit; a quota only narrows the server's limit, never widens it.
 */
export interface Quotas {
  /** Bytes stored (all versions and parts of uploads in progress). */
  maxBytes: number | null;
  maxBuckets: number | null;
  /** S3 requests per second (SlowDown beyond). */
  maxRequestsPerSecond: number | null;
  /** Analytics queries the account runs at once (over all serving processes, as --query-concurrency); 0: analytics is off. */
  maxConcurrentQueries: number | null;
  /** Seconds one query may run, its result streamed included. */
  maxQuerySeconds: number | null;
  /** DuckDB memory of one query, bytes. */
  maxQueryMemoryBytes: number | null;
  /** Worker threads of one query. */
  maxQueryThreads: number | null;
  /** Largest result one query may return or write, bytes. */
  maxQueryResultBytes: number | null;
}

/** No quota set: every limit unlimited or the server's. */
export const NO_QUOTAS: Readonly<Quotas> = {
  maxBytes: null, maxBuckets: null, maxRequestsPerSecond: null,
  maxConcurrentQueries: null, maxQuerySeconds: null, maxQueryMemoryBytes: null, maxQueryThreads: null, maxQueryResultBytes: null,
};

/**
 * The least value of each quota. A query needs a second, a thread, a byte of result, and 64 MiB
 * of memory (DuckDB's CSV reader alone takes some 32 MiB for its buffers).
 */
export const QUOTA_MINIMUMS: Readonly<Record<keyof Quotas, number>> = {
  maxBytes: 0, maxBuckets: 0, maxRequestsPerSecond: 1,
  maxConcurrentQueries: 0, maxQuerySeconds: 1, maxQueryMemoryBytes: 64 * 1024 * 1024, maxQueryThreads: 1, maxQueryResultBytes: 1,
};

/** The analytics quotas, whose null means the server's limit rather than unlimited. */
export const ANALYTICS_QUOTAS: readonly (keyof Quotas)[] = ['maxConcurrentQueries', 'maxQuerySeconds', 'maxQueryMemoryBytes', 'maxQueryThreads', 'maxQueryResultBytes'];

export interface Account {
  id: string;
  kind: AccountKind;
  /** Unique among all accounts: [a-z0-9][a-z0-9-]{1,62}. */
  name: string;
  displayName: string;
  /** operator: null; partner: the operator; customer: its partner. */
  parentId: string | null;
  status: Status;
  createdAt: string;
  /** partner: the regions it is licensed to sell; customer: where it may place buckets (⊆ its partner's). */
  regions: string[];
  /** partner only. */
  brand?: Brand;
  /** customer only (operator and partners are not limited). */
  quotas?: Quotas;
  /** Zones new buckets get when CreateBucket names none (customer only; null = the region's country). */
  defaultResidency?: string[] | null;
  /** Zones every bucket of the account must stay within (null = none beyond the server's). */
  mandatoryResidency?: string[] | null;
}

export interface User {
  id: string;
  accountId: string;
  /** Unique within its account: [A-Za-z0-9+=,.@_-]{1,64} (IAM user names). */
  name: string;
  /** Account administrators act with every right within their account (and manage its users). */
  admin: boolean;
  status: Status;
  createdAt: string;
  /** arn:aws:iam::<accountId>:user/<name> */
  arn: string;
}

export interface AccessKey {
  accessKeyId: string;
  userId: string;
  status: 'active' | 'disabled';
  createdAt: string;
  lastUsedAt?: string;
}

/** Returned once, when a key is created or rotated; the secret is never readable again. */
export interface NewAccessKey extends AccessKey {
  secretAccessKey: string;
}

export interface NamedPolicy {
  name: string;
  /** The JSON as given (kept verbatim, so GET returns what was PUT). */
  document: string;
  updatedAt: string;
}

/** A bearer token for the admin API (console sessions); only its hash is stored. */
export interface TokenInfo {
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}
export interface NewToken extends TokenInfo {
  token: string;
}

/**
 * Sovereignty record: a grant of access to a customer's data to a principal outside the
 * customer's account (bucket policy naming an operator/partner/other account, the
 * onboarding admin a partner created), and each use of such a grant.
 * Never carries object keys or contents.
 */
export interface AccessEvent {
  id: number;
  at: string;
  kind: 'grant' | 'revoke' | 'use' | 'onboarding';
  /** The customer (or other) account whose data is concerned. */
  ownerAccountId: string;
  /** Who receives or uses the access. */
  principalAccountId: string;
  principalArn?: string;
  bucket?: string;
  /** e.g. 's3:GetObject'. */
  action?: string;
  region?: string;
  detail?: string;
}

/** Who is calling: the authenticated user, resolved from an access key or a bearer token. */
export interface Principal {
  accountId: string;
  accountKind: AccountKind;
  /** The account's parent (a customer's partner, a partner's operator). */
  parentAccountId: string | null;
  userId: string;
  userName: string;
  userArn: string;
  /** Kept for S3 responses (Owner DisplayName): the user name. */
  displayName: string;
  admin: boolean;
  /** The access key used; '' for bearer tokens. */
  accessKeyId: string;
  /** The user's identity policies, parsed. */
  policies: readonly PolicyDocument[];
}

export interface Page<T> {
  items: T[];
  /** Pass as cursor to get the next page; absent on the last page. */
  nextCursor?: string;
}
export interface PageRequest {
  limit?: number;
  cursor?: string;
}

export interface CreatePartnerInput {
  name: string;
  displayName?: string;
  regions: string[];
  brand?: Brand;
}
export interface UpdatePartnerInput {
  displayName?: string;
  regions?: string[];
  brand?: Brand;
  status?: Status;
}
export interface CreateCustomerInput {
  name: string;
  displayName?: string;
  /** Required when the operator creates a customer; a partner always creates under itself. */
  partnerId?: string;
  regions?: string[];
  quotas?: Partial<Quotas>;
  defaultResidency?: string[] | null;
  mandatoryResidency?: string[] | null;
}
export interface UpdateCustomerInput {
  displayName?: string;
  regions?: string[];
  quotas?: Partial<Quotas>;
  defaultResidency?: string[] | null;
  mandatoryResidency?: string[] | null;
  status?: Status;
}
/** A customer moved from one partner to another: the new partner bills it from hour `at` on. */
export interface AccountMove {
  customerId: string;
  /** The first hour under the new partner (a whole UTC hour, '2026-03-11T00:00:00Z'). */
  at: string;
  fromPartnerId: string;
  toPartnerId: string;
  /** The user ARN that made the move. */
  movedBy: string;
  recordedAt: string;
}
export interface MoveCustomerInput {
  /** The new partner (id or name); it must be licensed for the customer's regions. */
  partnerId: string;
  /** The first hour the new partner bills (a whole UTC hour, not in the future); default: the current hour. */
  at?: string;
  /** Hours before this (epoch ms) are invoiced already: a move may not reach back into them (billing says). */
  notBefore?: number;
}
export interface CreateUserInput {
  name: string;
  admin?: boolean;
}

/**
 * Account management with the rules of the hierarchy. Every mutating method takes the
 * acting principal and refuses (AccessDenied) what it may not do; lookups of things the
 * actor may not see answer as if they did not exist (NoSuchAccount / NoSuchUser).
 * Errors are AppErrors with codes from core/errors.ts.
 */
export interface TenancyService {
  // accounts
  createPartner(actor: Principal, input: CreatePartnerInput): Promise<Account>;
  updatePartner(actor: Principal, id: string, input: UpdatePartnerInput): Promise<Account>;
  createCustomer(actor: Principal, input: CreateCustomerInput): Promise<Account>;
  updateCustomer(actor: Principal, id: string, input: UpdateCustomerInput): Promise<Account>;
  /** By id or by name. */
  getAccount(actor: Principal, idOrName: string): Promise<Account>;
  listAccounts(actor: Principal, filter: { kind?: AccountKind; parentId?: string } & PageRequest): Promise<Page<Account>>;
  /** Only an account with no users' keys, buckets or child accounts left. */
  deleteAccount(actor: Principal, id: string): Promise<void>;
  /** Moves a customer to another partner (the operator only), recording from which hour. */
  moveCustomer(actor: Principal, id: string, input: MoveCustomerInput): Promise<{ account: Account; move: AccountMove }>;
  /** A customer's partner history, oldest first (who may see the customer). */
  listMoves(actor: Principal, id: string): Promise<AccountMove[]>;

  // users
  createUser(actor: Principal, accountId: string, input: CreateUserInput): Promise<User>;
  getUser(actor: Principal, userId: string): Promise<User>;
  /** The user named `userName` in the account with this id or name. */
  findUser(actor: Principal, accountIdOrName: string, userName: string): Promise<User>;
  listUsers(actor: Principal, accountId: string, page: PageRequest): Promise<Page<User>>;
  updateUser(actor: Principal, userId: string, input: { admin?: boolean; status?: Status }): Promise<User>;
  deleteUser(actor: Principal, userId: string): Promise<void>;

  // access keys
  createAccessKey(actor: Principal, userId: string): Promise<NewAccessKey>;
  listAccessKeys(actor: Principal, userId: string): Promise<AccessKey[]>;
  setAccessKeyStatus(actor: Principal, accessKeyId: string, status: 'active' | 'disabled'): Promise<AccessKey>;
  /** A new key for the same user; the old one is disabled (deleted when `deleteOld`). */
  rotateAccessKey(actor: Principal, accessKeyId: string, opts?: { deleteOld?: boolean }): Promise<NewAccessKey>;
  deleteAccessKey(actor: Principal, accessKeyId: string): Promise<void>;

  // identity policies (inline, named, per user)
  putUserPolicy(actor: Principal, userId: string, name: string, document: string): Promise<NamedPolicy>;
  getUserPolicy(actor: Principal, userId: string, name: string): Promise<NamedPolicy>;
  listUserPolicies(actor: Principal, userId: string): Promise<NamedPolicy[]>;
  deleteUserPolicy(actor: Principal, userId: string, name: string): Promise<void>;

  // bearer tokens
  createToken(actor: Principal, ttlSeconds: number): Promise<NewToken>;
  deleteToken(actor: Principal, tokenId: string): Promise<void>;

  // sovereignty records
  listAccessEvents(actor: Principal, accountId: string, page: PageRequest): Promise<Page<AccessEvent>>;
}

/** What request authentication needs: the principal behind a key or a token. */
export interface CredentialResolver {
  /**
   * undefined when the key does not exist; disabled keys and suspended users/accounts come
   * back with disabled: true. Implementations that hold the secret return it; others (a
   * region node asking the control plane) return only the signing key derived for `scope`,
   * so secrets never leave the control plane.
   */
  lookupKey(accessKeyId: string, scope?: { date: string; region: string; service: string }): Promise<ResolvedKey | undefined>;
  lookupToken(token: string): Promise<Principal | undefined>;
}

export type ResolvedKey =
  | { principal: Principal; disabled: boolean; secretAccessKey: string }
  | { principal: Principal; disabled: boolean; signingKey: Buffer };

/** What authorization and quota checks need to know about a bucket's owner account. */
export interface AccountDirectory {
  getAccountById(id: string): Promise<Account | undefined>;
}

/** Where grants and uses of cross-account access are recorded. */
export interface AccessRecorder {
  record(event: Omit<AccessEvent, 'id' | 'at'> & { at?: string }): Promise<void>;
}

/**
 * Replays of mutating admin calls: the same (user, Idempotency-Key) with the same request
 * fingerprint returns the first response again instead of acting twice; with a different
 * fingerprint it fails with IdempotencyKeyReused. Entries are kept 24 hours.
 */
export interface IdempotencyLedger {
  run(
    userId: string,
    key: string,
    fingerprint: string,
    act: () => Promise<{ status: number; body: unknown }>,
  ): Promise<{ status: number; body: unknown; replayed: boolean }>;
}

/** Where an account's mandatory residency policy is kept and enforced (the placement directory). */
export interface MandatoryResidencyPort {
  get(accountId: string): Promise<string[] | undefined>;
  /** Refuses (with the offending buckets) a policy existing buckets break; undefined removes it. */
  put(accountId: string, zones: string[] | undefined): Promise<string[] | undefined>;
}
