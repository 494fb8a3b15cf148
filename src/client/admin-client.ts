/**
 * A client of Sovra's admin API (/admin/v1/...): JSON over HTTP(S), SigV4-signed with the
 * same keys as the S3 API, or with a bearer token. The admin CLIs call the server only
 * through this class, so the command line never becomes a second code path beside the API.
 */
import http from 'node:http';
import https from 'node:https';
import type {
  AccessEvent, AccessKey, Account, AccountBillingProfile, AccountMove, AccountResidency, Billing, BillingProfile, BucketResidency, CustomerPatch,
  InvoiceDocument, InvoiceFormat, InvoiceRun, InvoiceSummary, MarginReport, NamedPolicy, NewAccessKey, NewCustomer, NewPartner, NewToken, Page,
  PageOptions, PartnerPatch, PriceBook, Status, StoredPriceBook, UsagePage, UsageQuery, User, WhoAmI,
} from './admin-types.js';
import { canonicalQueryString, sha256Hex, EMPTY_SHA256, SigV4Signer, uriEncode } from './sigv4-signer.js';

export const ADMIN_API_PREFIX = '/admin/v1/';
/** The signing region when none is configured: the server accepts it besides its own regions. */
export const DEFAULT_SIGNING_REGION = 'us-east-1';

export interface AdminClientOptions {
  /** http(s)://host[:port], no path. */
  endpoint: string;
  /** SigV4 credentials; or `token`. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** A bearer token (from POST /tokens) instead of an access key. */
  token?: string;
  /** Credential-scope region; default us-east-1. */
  region?: string;
  /** Per request, from sending to the whole answer; default 30 s. */
  timeoutMs?: number;
}

export interface AdminRequestOptions {
  /** Query parameters, not encoded. */
  query?: Record<string, string>;
  /** A body to send as JSON (signed with its SHA-256). */
  json?: unknown;
  /** A body sent as it is (e.g. a policy document, kept verbatim by the server). */
  text?: string;
  /** Sent as Idempotency-Key (POST): a retry with the same key answers the first response again. */
  idempotencyKey?: string;
  /** Answer the body as text, whatever its media type (invoice exports); errors are still the API's JSON. */
  raw?: boolean;
}

/** A whole answer: status, whether it was an idempotent replay, and the parsed body. */
export interface AdminAnswer<T> {
  status: number;
  replayed: boolean;
  body: T;
}

/** Options of calls that create something. */
export interface CreateOptions {
  idempotencyKey?: string;
}

/** The server answered with an error: {"error": {"code", "message", "requestId"}} and a non-2xx status. */
export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly requestId: string | undefined,
    readonly details?: Record<string, string>,
  ) {
    super(message);
  }
}

/** No answer: the endpoint could not be reached, dropped the connection or timed out. */
export class AdminConnectionError extends Error {
  override readonly name = 'AdminConnectionError';
  constructor(
    readonly endpoint: string,
    readonly reason: string,
  ) {
    super(`cannot reach the Sovra admin API at ${endpoint}: ${reason}`);
  }
}

/** Checks and normalises an endpoint URL: http or https, a host, no path, query or credentials. */
export function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError(`'${endpoint}' is not an endpoint URL; expected http(s)://host[:port], e.g. http://127.0.0.1:9000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`'${endpoint}' is not an http(s) endpoint URL`);
  // The server signs and routes /admin/v1/ at its root: a prefix would break both.
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new TypeError(`'${endpoint}' must be http(s)://host[:port] without a path, query or credentials`);
  }
  return url;
}

function pageQuery(p: PageOptions): Record<string, string> {
  return { ...(p.limit !== undefined ? { limit: String(p.limit) } : {}), ...(p.cursor !== undefined ? { cursor: p.cursor } : {}) };
}

function shortReason(e: unknown): string {
  const err = e as { code?: unknown; message?: unknown };
  const message = typeof err.message === 'string' ? err.message : String(e);
  return typeof err.code === 'string' && !message.includes(err.code) ? `${err.code}: ${message}` : message;
}

export class AdminClient {
  private readonly url: URL;
  private readonly signer: SigV4Signer | undefined;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  readonly endpoint: string;

  constructor(opts: AdminClientOptions) {
    this.url = parseEndpoint(opts.endpoint);
    this.endpoint = this.url.origin;
    if (opts.token !== undefined) {
      this.token = opts.token;
    } else {
      if (opts.accessKeyId === undefined || opts.secretAccessKey === undefined) throw new TypeError('AdminClient needs accessKeyId and secretAccessKey, or a token');
      this.signer = new SigV4Signer({ credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey }, region: opts.region ?? DEFAULT_SIGNING_REGION });
    }
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /**
   * `path` is under /admin/v1/: a string of unencoded segments joined by '/', e.g.
   * `buckets/${name}/residency`, or the segments as an array, which is the safe form for
   * ids that may hold a '/' (each segment is percent-encoded whole, '/' included).
   */
  async request<T>(method: string, path: string | readonly string[], opts: AdminRequestOptions = {}): Promise<T> {
    return (await this.exchange<T>(method, path, opts)).body;
  }

  /** As request(), with the status and the idempotent-replay flag. */
  exchange<T>(method: string, path: string | readonly string[], opts: AdminRequestOptions = {}): Promise<AdminAnswer<T>> {
    const segments = typeof path === 'string' ? path.split('/') : path;
    return this.send<T>(method, ADMIN_API_PREFIX + segments.map((s) => uriEncode(s)).join('/'), opts);
  }

  // --- the API, one method per route (see /admin/v1/openapi.json) ---

  listRegions<T = unknown>(): Promise<T> {
    return this.request<T>('GET', 'regions');
  }
  getBucketResidency(bucket: string): Promise<BucketResidency> {
    return this.request('GET', ['buckets', bucket, 'residency']);
  }
  putBucketResidency(bucket: string, zones: string[] | null): Promise<BucketResidency> {
    return this.request('PUT', ['buckets', bucket, 'residency'], { json: { zones } });
  }
  getAccountResidency(account: string): Promise<AccountResidency> {
    return this.request('GET', ['accounts', account, 'residency']);
  }
  putAccountResidency(account: string, zones: string[] | null): Promise<AccountResidency> {
    return this.request('PUT', ['accounts', account, 'residency'], { json: { zones } });
  }

  whoami(): Promise<WhoAmI> {
    return this.request('GET', 'whoami');
  }

  createPartner(input: NewPartner, o: CreateOptions = {}): Promise<Account> {
    return this.request('POST', 'partners', { json: input, ...o });
  }
  listPartners(page: PageOptions = {}): Promise<Page<Account>> {
    return this.request('GET', 'partners', { query: pageQuery(page) });
  }
  getPartner(idOrName: string): Promise<Account> {
    return this.request('GET', ['partners', idOrName]);
  }
  updatePartner(idOrName: string, patch: PartnerPatch): Promise<Account> {
    return this.request('PATCH', ['partners', idOrName], { json: patch });
  }
  async deletePartner(idOrName: string): Promise<void> {
    await this.request('DELETE', ['partners', idOrName]);
  }

  createCustomer(input: NewCustomer, o: CreateOptions = {}): Promise<Account> {
    return this.request('POST', 'customers', { json: input, ...o });
  }
  listCustomers(page: PageOptions & { partner?: string } = {}): Promise<Page<Account>> {
    return this.request('GET', 'customers', { query: { ...pageQuery(page), ...(page.partner !== undefined ? { partner: page.partner } : {}) } });
  }
  getCustomer(idOrName: string): Promise<Account> {
    return this.request('GET', ['customers', idOrName]);
  }
  updateCustomer(idOrName: string, patch: CustomerPatch): Promise<Account> {
    return this.request('PATCH', ['customers', idOrName], { json: patch });
  }
  async deleteCustomer(idOrName: string): Promise<void> {
    await this.request('DELETE', ['customers', idOrName]);
  }

  createUser(account: string, input: { name: string; admin?: boolean }, o: CreateOptions = {}): Promise<User> {
    return this.request('POST', ['accounts', account, 'users'], { json: input, ...o });
  }
  listUsers(account: string, page: PageOptions = {}): Promise<Page<User>> {
    return this.request('GET', ['accounts', account, 'users'], { query: pageQuery(page) });
  }
  getUser(account: string, userName: string): Promise<User> {
    return this.request('GET', ['accounts', account, 'users', userName]);
  }
  updateUser(account: string, userName: string, patch: { admin?: boolean; status?: Status }): Promise<User> {
    return this.request('PATCH', ['accounts', account, 'users', userName], { json: patch });
  }
  async deleteUser(account: string, userName: string): Promise<void> {
    await this.request('DELETE', ['accounts', account, 'users', userName]);
  }

  createAccessKey(account: string, userName: string, o: CreateOptions = {}): Promise<NewAccessKey> {
    return this.request('POST', ['accounts', account, 'users', userName, 'access-keys'], o);
  }
  listAccessKeys(account: string, userName: string, page: PageOptions = {}): Promise<Page<AccessKey>> {
    return this.request('GET', ['accounts', account, 'users', userName, 'access-keys'], { query: pageQuery(page) });
  }
  setAccessKeyStatus(accessKeyId: string, status: 'active' | 'disabled'): Promise<AccessKey> {
    return this.request('PATCH', ['access-keys', accessKeyId], { json: { status } });
  }
  rotateAccessKey(accessKeyId: string, opts: { deleteOld?: boolean } & CreateOptions = {}): Promise<NewAccessKey> {
    const { idempotencyKey, ...body } = opts;
    return this.request('POST', ['access-keys', accessKeyId, 'rotate'], { json: body, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) });
  }
  async deleteAccessKey(accessKeyId: string): Promise<void> {
    await this.request('DELETE', ['access-keys', accessKeyId]);
  }

  listUserPolicies(account: string, userName: string, page: PageOptions = {}): Promise<Page<NamedPolicy>> {
    return this.request('GET', ['accounts', account, 'users', userName, 'policies'], { query: pageQuery(page) });
  }
  /** `document` is the policy JSON as text: the server keeps it verbatim. */
  putUserPolicy(account: string, userName: string, name: string, document: string): Promise<NamedPolicy> {
    return this.request('PUT', ['accounts', account, 'users', userName, 'policies', name], { text: document });
  }
  getUserPolicy(account: string, userName: string, name: string): Promise<NamedPolicy> {
    return this.request('GET', ['accounts', account, 'users', userName, 'policies', name]);
  }
  async deleteUserPolicy(account: string, userName: string, name: string): Promise<void> {
    await this.request('DELETE', ['accounts', account, 'users', userName, 'policies', name]);
  }

  createToken(ttlSeconds?: number, o: CreateOptions = {}): Promise<NewToken> {
    return this.request('POST', 'tokens', { json: ttlSeconds === undefined ? {} : { ttlSeconds }, ...o });
  }
  async deleteToken(tokenId: string): Promise<void> {
    await this.request('DELETE', ['tokens', tokenId]);
  }

  listAccessEvents(account: string, page: PageOptions = {}): Promise<Page<AccessEvent>> {
    return this.request('GET', ['accounts', account, 'access-events'], { query: pageQuery(page) });
  }

  // billing

  getUsage(q: UsageQuery, page: PageOptions = {}): Promise<UsagePage> {
    const query: Record<string, string> = { ...pageQuery(page) };
    for (const k of ['account', 'bucket', 'region', 'from', 'to', 'period', 'granularity'] as const) if (q[k] !== undefined) query[k] = q[k] as string;
    if (q.meters && q.meters.length > 0) query['meter'] = q.meters.join(',');
    return this.request('GET', 'usage', { query });
  }
  listPriceBooks(account: string, page: PageOptions = {}): Promise<Page<StoredPriceBook>> {
    return this.request('GET', ['accounts', account, 'price-books'], { query: pageQuery(page) });
  }
  getPriceBook(account: string, id: string): Promise<StoredPriceBook> {
    return this.request('GET', ['accounts', account, 'price-books', id]);
  }
  /** `book` is a PriceBook; its id may be left out (the path's). */
  putPriceBook(account: string, id: string, book: PriceBook | Record<string, unknown>): Promise<StoredPriceBook> {
    return this.request('PUT', ['accounts', account, 'price-books', id], { json: book });
  }
  async deletePriceBook(account: string, id: string): Promise<void> {
    await this.request('DELETE', ['accounts', account, 'price-books', id]);
  }
  getBillingProfile(account: string): Promise<AccountBillingProfile> {
    return this.request('GET', ['accounts', account, 'billing-profile']);
  }
  putBillingProfile(account: string, profile: BillingProfile): Promise<AccountBillingProfile> {
    return this.request('PUT', ['accounts', account, 'billing-profile'], { json: profile });
  }
  listTaxRates(): Promise<{ rates: Record<string, string> }> {
    return this.request('GET', 'tax-rates');
  }
  /** `rate` null removes the country. */
  putTaxRate(country: string, rate: string | null): Promise<{ rates: Record<string, string> }> {
    return this.request('PUT', ['tax-rates', country], { json: { rate } });
  }
  runInvoices(input: { period: string; billing: Billing; accountId?: string }, o: CreateOptions = {}): Promise<InvoiceRun> {
    return this.request('POST', 'invoice-runs', { json: input, ...o });
  }
  listInvoices(account: string, opts: PageOptions & { period?: string; type?: 'invoice' | 'credit-note' } = {}): Promise<Page<InvoiceSummary>> {
    const query = { ...pageQuery(opts), ...(opts.period !== undefined ? { period: opts.period } : {}), ...(opts.type !== undefined ? { type: opts.type } : {}) };
    return this.request('GET', ['accounts', account, 'invoices'], { query });
  }
  getInvoice(number: string): Promise<InvoiceDocument> {
    return this.request('GET', ['invoices', number]);
  }
  /** The document as the server exports it: JSON, CSV (RFC 4180) or a printable HTML page. */
  exportInvoice(number: string, format: InvoiceFormat): Promise<string> {
    return this.request<string>('GET', ['invoices', number], { query: { format }, raw: true });
  }
  createCreditNote(number: string, input: { lines?: string[]; reason: string }, o: CreateOptions = {}): Promise<InvoiceDocument> {
    return this.request('POST', ['invoices', number, 'credit-notes'], { json: input, ...o });
  }
  getMarginReport(partner: string, period: string): Promise<MarginReport> {
    return this.request('GET', ['accounts', partner, 'margin'], { query: { period } });
  }
  moveCustomer(customer: string, input: { partnerId: string; at?: string }, o: CreateOptions = {}): Promise<{ account: Account; move: AccountMove }> {
    return this.request('POST', ['accounts', customer, 'move'], { json: input, ...o });
  }
  listMoves(customer: string, page: PageOptions = {}): Promise<Page<AccountMove>> {
    return this.request('GET', ['accounts', customer, 'moves'], { query: pageQuery(page) });
  }

  private send<T>(method: string, encodedPath: string, opts: AdminRequestOptions): Promise<AdminAnswer<T>> {
    const body = opts.text !== undefined ? Buffer.from(opts.text, 'utf8') : opts.json === undefined ? undefined : Buffer.from(JSON.stringify(opts.json), 'utf8');
    const headers: Record<string, string> = body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {};
    if (opts.idempotencyKey !== undefined) headers['idempotency-key'] = opts.idempotencyKey;
    const qs = canonicalQueryString(opts.query);
    const query = qs === '' ? '' : `?${qs}`;
    const signed = this.signer
      ? this.signer.sign({
        method,
        host: this.url.host,
        path: encodedPath,
        pathEncoded: true,
        ...(opts.query ? { query: opts.query } : {}),
        headers,
        payloadHash: body ? sha256Hex(body) : EMPTY_SHA256,
      })
      : { path: encodedPath + query, headers: { ...headers, authorization: `Bearer ${this.token ?? ''}` } };
    const transport = this.url.protocol === 'https:' ? https : http;
    return new Promise<AdminAnswer<T>>((resolve, reject) => {
      const req = transport.request(
        {
          protocol: this.url.protocol,
          hostname: this.url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: this.url.port === '' ? undefined : Number(this.url.port),
          method,
          path: signed.path,
          headers: { ...signed.headers, accept: opts.raw ? '*/*' : 'application/json' },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(new AdminConnectionError(this.endpoint, shortReason(e))));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              const body = opts.raw && status >= 200 && status < 300 ? (text as T) : this.answer<T>(status, text, res.headers['x-amz-request-id']);
              resolve({ status, replayed: res.headers['idempotent-replayed'] === 'true', body });
            } catch (e) {
              reject(e);
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => reject(new AdminConnectionError(this.endpoint, shortReason(e))));
      req.end(body);
    });
  }

  private answer<T>(status: number, text: string, requestIdHeader: string | string[] | undefined): T {
    let doc: unknown;
    let parsed = false;
    try {
      doc = text === '' ? undefined : (JSON.parse(text) as unknown);
      parsed = true;
    } catch {
      // Not JSON: handled below with the status, since a proxy or another server may answer.
    }
    const requestId = typeof requestIdHeader === 'string' ? requestIdHeader : undefined;
    if (status >= 200 && status < 300) {
      if (!parsed) throw new AdminApiError('InvalidResponse', status, `The server at ${this.endpoint} answered ${status} with a body that is not JSON; is it a Sovra server?`, requestId);
      return doc as T;
    }
    const err = (doc as { error?: { code?: unknown; message?: unknown; requestId?: unknown; details?: unknown } } | undefined)?.error;
    if (err && typeof err.code === 'string' && typeof err.message === 'string') {
      const details = typeof err.details === 'object' && err.details !== null ? (err.details as Record<string, string>) : undefined;
      throw new AdminApiError(err.code, status, err.message, typeof err.requestId === 'string' ? err.requestId : requestId, details);
    }
    const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 120);
    throw new AdminApiError(`Http${status}`, status, `The server at ${this.endpoint} answered ${status} without an admin API error${snippet ? `: ${snippet}` : ''}; is it a Sovra server?`, requestId);
  }
}
