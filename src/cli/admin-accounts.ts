/**
 * `sovra admin partner ...` and `sovra admin customer ...`.
 */
import type { Account, Brand, CustomerPatch, NewCustomer, PartnerPatch, Quotas } from '../client/admin-types.js';
import { listOpt, PAGE_HELP, PAGE_OPTIONS, printList, stringOpt, type Noun, type VerbContext } from './admin-command.js';
import { table, UsageError } from './admin-connection.js';
import { formatList, parseCount, parseList, parseSeconds, parseSize, parseZones } from './admin-format.js';
import { quotaCells, showAccount } from './admin-show.js';

const BRAND_OPTIONS = {
  'display-name': { type: 'string' },
  'logo-url': { type: 'string' },
  'support-contact': { type: 'string' },
  'color-primary': { type: 'string' },
  'color-accent': { type: 'string' },
  'endpoint-host': { type: 'string' },
} as const;

const BRAND_HELP = `  --display-name NAME       Shown to its customers instead of "Sovra"
  --logo-url URL            Console logo
  --support-contact TEXT    Support address in the console and in error/help texts
  --color-primary COLOUR    Console colours, e.g. '#e20074'
  --color-accent COLOUR
  --endpoint-host HOST      The S3/console host it sells under, e.g. s3.cloud.example`;

const IDEMPOTENCY = { 'idempotency-key': { type: 'string' } } as const;
const IDEMPOTENCY_HELP = '  --idempotency-key KEY     Retrying with the same key creates nothing twice';

const STATUS_HELP = '  --status active|suspended';

function status(ctx: VerbContext): 'active' | 'suspended' | undefined {
  const s = stringOpt(ctx, 'status');
  if (s === undefined) return undefined;
  if (s !== 'active' && s !== 'suspended') throw new UsageError(`--status must be active or suspended, not '${s}'`);
  return s;
}

/** The brand from flags, over `base` (update merges into the partner's current brand). */
function brandFrom(ctx: VerbContext, base: Brand | undefined, fallbackName: string): Brand | undefined {
  const given = (k: string) => stringOpt(ctx, k);
  const keys = ['display-name', 'logo-url', 'support-contact', 'color-primary', 'color-accent', 'endpoint-host'];
  if (!keys.some((k) => given(k) !== undefined)) return undefined;
  const b: Brand = { ...(base ?? { displayName: fallbackName }) };
  if (given('display-name') !== undefined) b.displayName = given('display-name') ?? '';
  if (given('logo-url') !== undefined) b.logoUrl = given('logo-url');
  if (given('support-contact') !== undefined) b.supportContact = given('support-contact');
  if (given('endpoint-host') !== undefined) b.endpointHost = given('endpoint-host');
  if (given('color-primary') !== undefined || given('color-accent') !== undefined) {
    b.colors = { ...b.colors, ...(given('color-primary') !== undefined ? { primary: given('color-primary') } : {}), ...(given('color-accent') !== undefined ? { accent: given('color-accent') } : {}) };
  }
  return b;
}

function idem(ctx: VerbContext): { idempotencyKey?: string } {
  const k = stringOpt(ctx, 'idempotency-key');
  return k === undefined ? {} : { idempotencyKey: k };
}

/** An analytics quota: 'server' (null: the server's limit) or a value, which may only narrow that limit. */
function serverOr(text: string, flag: string, parse: (t: string) => number | null): number | null {
  if (text.trim().toLowerCase() === 'server') return null;
  const v = parse(text);
  if (v === null) throw new UsageError(`${flag}: analytics quotas narrow the server's limits and cannot lift them; use 'server' for the server's own limit`);
  return v;
}

function quotasFrom(ctx: VerbContext): Partial<Quotas> | undefined {
  const q: Partial<Quotas> = {};
  const opt = (flag: string, set: (text: string, flag: string) => void) => {
    const text = stringOpt(ctx, flag);
    if (text !== undefined) set(text, `--${flag}`);
  };
  opt('max-bytes', (t, f) => (q.maxBytes = parseSize(t, f)));
  opt('max-buckets', (t, f) => (q.maxBuckets = parseCount(t, f, { unlimited: true })));
  opt('max-rps', (t, f) => (q.maxRequestsPerSecond = parseCount(t, f, { min: 1, unlimited: true })));
  opt('max-queries', (t, f) => (q.maxConcurrentQueries = serverOr(t, f, (x) => parseCount(x, f))));
  opt('max-query-time', (t, f) => (q.maxQuerySeconds = serverOr(t, f, (x) => parseSeconds(x, f, { min: 1 }))));
  opt('max-query-memory', (t, f) => (q.maxQueryMemoryBytes = serverOr(t, f, (x) => parseSize(x, f))));
  opt('max-query-threads', (t, f) => (q.maxQueryThreads = serverOr(t, f, (x) => parseCount(x, f, { min: 1 }))));
  opt('max-query-result', (t, f) => (q.maxQueryResultBytes = serverOr(t, f, (x) => parseSize(x, f))));
  return Object.keys(q).length > 0 ? q : undefined;
}

const CUSTOMER_OPTIONS = {
  'display-name': { type: 'string' },
  regions: { type: 'string', multiple: true },
  'max-bytes': { type: 'string' },
  'max-buckets': { type: 'string' },
  'max-rps': { type: 'string' },
  'max-queries': { type: 'string' },
  'max-query-time': { type: 'string' },
  'max-query-memory': { type: 'string' },
  'max-query-threads': { type: 'string' },
  'max-query-result': { type: 'string' },
  'default-residency': { type: 'string', multiple: true },
  'mandatory-residency': { type: 'string', multiple: true },
} as const;

const CUSTOMER_HELP = `  --display-name NAME
  --regions R1,R2           Where it may place buckets (within its partner's licence)
  --max-bytes SIZE          Bytes stored, e.g. 10GiB, 500MB, 123; 'unlimited'
  --max-buckets N           Buckets; 'unlimited'
  --max-rps N               S3 requests per second; 'unlimited'
  --default-residency Z,..  Zones for buckets created without a policy; 'none' = the region's country
  --mandatory-residency Z,. Zones every bucket must stay within; 'none' = no such policy`;

const ANALYTICS_QUOTA_HELP = `Analytics quotas (SQL queries and S3 Select) narrow the server's --query-* limits, never widen
them: a query runs under the smaller of the two. 'server' = the server's limit (the default).
  --max-queries N           Queries it runs at once (per server process); 0 = analytics off
  --max-query-time TIME     How long one query may run, e.g. 90, 90s, 5m (at least 1 s)
  --max-query-memory SIZE   DuckDB memory of one query, e.g. 512MiB (at least 64 MiB)
  --max-query-threads N     Worker threads of one query
  --max-query-result SIZE   Largest result of one query, e.g. 100MiB`;

function customerFields(ctx: VerbContext): CustomerPatch {
  const p: CustomerPatch = {};
  const displayName = stringOpt(ctx, 'display-name');
  const regions = listOpt(ctx, 'regions');
  const dflt = listOpt(ctx, 'default-residency');
  const mandatory = listOpt(ctx, 'mandatory-residency');
  const quotas = quotasFrom(ctx);
  if (displayName !== undefined) p.displayName = displayName;
  if (regions !== undefined) p.regions = parseList(regions, '--regions');
  if (quotas) p.quotas = quotas;
  if (dflt !== undefined) p.defaultResidency = parseZones(dflt, '--default-residency');
  if (mandatory !== undefined) p.mandatoryResidency = parseZones(mandatory, '--mandatory-residency');
  return p;
}

function partnerRows(items: Account[]): string {
  return table(['ID', 'NAME', 'DISPLAY NAME', 'REGIONS', 'STATUS', 'ENDPOINT HOST'], items.map((a) => [a.id, a.name, a.displayName, formatList(a.regions), a.status, a.brand?.endpointHost ?? '-']));
}

export const partnerNoun: Noun = {
  summary: 'Partners resell Sovra under their own brand, in the regions the operator licenses them for (operator only).',
  verbs: {
    create: {
      synopsis: 'partner create NAME --regions R1,R2', positionals: ['NAME'],
      help: `Onboards a partner licensed for the given regions.\n\n  --regions R1,R2           Licensed regions (required)\n${BRAND_HELP}\n${IDEMPOTENCY_HELP}`,
      options: { regions: { type: 'string', multiple: true }, ...BRAND_OPTIONS, ...IDEMPOTENCY },
      async run(ctx) {
        const name = ctx.args[0] ?? '';
        const regions = listOpt(ctx, 'regions');
        if (regions === undefined) throw new UsageError('partner create needs --regions R1,R2: the regions it may sell');
        const displayName = stringOpt(ctx, 'display-name');
        const brand = brandFrom(ctx, undefined, displayName ?? name);
        const a = await ctx.client.createPartner({ name, regions: parseList(regions, '--regions'), ...(displayName !== undefined ? { displayName } : {}), ...(brand ? { brand } : {}) }, idem(ctx));
        ctx.print(a, `Partner ${a.name} created (${a.id}).\n\n${showAccount(a)}`);
      },
    },
    list: {
      synopsis: 'partner list', positionals: [], help: `Lists the partners you may see.\n\n${PAGE_HELP}`, options: PAGE_OPTIONS,
      run: (ctx) => printList(ctx, (p) => ctx.client.listPartners(p), partnerRows, 'No partners.'),
    },
    get: {
      synopsis: 'partner get PARTNER', positionals: ['PARTNER'], help: 'Shows a partner (by id or name) with its brand.',
      async run(ctx) {
        const a = await ctx.client.getPartner(ctx.args[0] ?? '');
        ctx.print(a, showAccount(a));
      },
    },
    update: {
      synopsis: 'partner update PARTNER', positionals: ['PARTNER'],
      help: `Changes a partner's licensed regions, brand or status; brand flags change only those fields.\n\n  --regions R1,R2           Licensed regions (replaces the list)\n${BRAND_HELP}\n${STATUS_HELP}`,
      options: { regions: { type: 'string', multiple: true }, ...BRAND_OPTIONS, status: { type: 'string' } },
      async run(ctx) {
        const id = ctx.args[0] ?? '';
        const patch: PartnerPatch = {};
        const regions = listOpt(ctx, 'regions');
        const st = status(ctx);
        if (regions !== undefined) patch.regions = parseList(regions, '--regions');
        if (st !== undefined) patch.status = st;
        const displayName = stringOpt(ctx, 'display-name');
        if (displayName !== undefined) patch.displayName = displayName;
        if (['logo-url', 'support-contact', 'color-primary', 'color-accent', 'endpoint-host', 'display-name'].some((k) => stringOpt(ctx, k) !== undefined)) {
          const current = await ctx.client.getPartner(id);
          patch.brand = brandFrom(ctx, current.brand, current.displayName);
        }
        if (Object.keys(patch).length === 0) throw new UsageError('partner update needs something to change; try --help');
        const a = await ctx.client.updatePartner(id, patch);
        ctx.print(a, `Partner ${a.name} updated.\n\n${showAccount(a)}`);
      },
    },
    delete: {
      synopsis: 'partner delete PARTNER', positionals: ['PARTNER'], help: 'Deletes a partner that has no customers or users left.',
      async run(ctx) {
        await ctx.client.deletePartner(ctx.args[0] ?? '');
        ctx.print({ deleted: ctx.args[0] }, `Partner ${ctx.args[0]} deleted.`);
      },
    },
  },
};

function customerRows(items: Account[]): string {
  return table(
    ['ID', 'NAME', 'PARTNER ID', 'REGIONS', 'MAX BYTES', 'MAX BUCKETS', 'MAX RPS', 'STATUS'],
    items.map((a) => [a.id, a.name, a.parentId ?? '-', formatList(a.regions), ...quotaCells(a.quotas), a.status]),
  );
}

export const customerNoun: Noun = {
  summary: "Customers are a partner's tenants, with quotas and residency policies. Partners manage their own; the operator all.",
  verbs: {
    create: {
      synopsis: 'customer create NAME', positionals: ['NAME'],
      help: `Onboards a customer; a partner creates under itself, the operator names --partner.\n\n  --partner PARTNER         The partner (id or name); required for the operator\n${CUSTOMER_HELP}\n${IDEMPOTENCY_HELP}\n\n${ANALYTICS_QUOTA_HELP}`,
      options: { partner: { type: 'string' }, ...CUSTOMER_OPTIONS, ...IDEMPOTENCY },
      async run(ctx) {
        const partner = stringOpt(ctx, 'partner');
        const input: NewCustomer = { name: ctx.args[0] ?? '', ...customerFields(ctx), ...(partner !== undefined ? { partner } : {}) };
        const a = await ctx.client.createCustomer(input, idem(ctx));
        ctx.print(a, `Customer ${a.name} created (${a.id}). Next: 'sovra admin user create ${a.name}/NAME --admin' for its first administrator.\n\n${showAccount(a)}`);
      },
    },
    list: {
      synopsis: 'customer list', positionals: [], help: `Lists the customers you may see.\n\n  --partner PARTNER         Only this partner's\n${PAGE_HELP}`,
      options: { partner: { type: 'string' }, ...PAGE_OPTIONS },
      run: (ctx) => {
        const partner = stringOpt(ctx, 'partner');
        return printList(ctx, (p) => ctx.client.listCustomers({ ...p, ...(partner !== undefined ? { partner } : {}) }), customerRows, 'No customers.');
      },
    },
    get: {
      synopsis: 'customer get CUSTOMER', positionals: ['CUSTOMER'], help: "Shows a customer (by id or name) with its quotas (analytics ones: 'server' = the server's limit) and residency.",
      async run(ctx) {
        const a = await ctx.client.getCustomer(ctx.args[0] ?? '');
        ctx.print(a, showAccount(a));
      },
    },
    update: {
      synopsis: 'customer update CUSTOMER', positionals: ['CUSTOMER'],
      help: `Changes a customer's regions, quotas (its partner or the operator), residency or status.\n\n${CUSTOMER_HELP}\n${STATUS_HELP}\n\n${ANALYTICS_QUOTA_HELP}`,
      options: { ...CUSTOMER_OPTIONS, status: { type: 'string' } },
      async run(ctx) {
        const patch = customerFields(ctx);
        const st = status(ctx);
        if (st !== undefined) patch.status = st;
        if (Object.keys(patch).length === 0) throw new UsageError('customer update needs something to change; try --help');
        const a = await ctx.client.updateCustomer(ctx.args[0] ?? '', patch);
        ctx.print(a, `Customer ${a.name} updated.\n\n${showAccount(a)}`);
      },
    },
    move: {
      synopsis: 'customer move CUSTOMER --partner PARTNER', positionals: ['CUSTOMER'],
      help: `Moves a customer to another partner (the operator), which must be licensed for its regions. Each partner
bills its own hours; a move takes effect now or from a past hour not invoiced yet, at most once per month.

  --partner PARTNER         The new partner (id or name; required)
  --at HOUR                 The first hour the new partner bills, e.g. 2026-03-11T00:00:00Z (default: the current hour)
${IDEMPOTENCY_HELP}`,
      options: { partner: { type: 'string' }, at: { type: 'string' }, ...IDEMPOTENCY },
      async run(ctx) {
        const partnerId = stringOpt(ctx, 'partner');
        if (partnerId === undefined) throw new UsageError('customer move needs --partner PARTNER');
        const at = stringOpt(ctx, 'at');
        const r = await ctx.client.moveCustomer(ctx.args[0] ?? '', { partnerId, ...(at !== undefined ? { at } : {}) }, idem(ctx));
        ctx.print(r, `Customer ${r.account.name} moved from ${r.move.fromPartnerId} to ${r.move.toPartnerId} from ${r.move.at}.`);
      },
    },
    moves: {
      synopsis: 'customer moves CUSTOMER', positionals: ['CUSTOMER'], help: `A customer's partner history, oldest first.\n\n${PAGE_HELP}`, options: PAGE_OPTIONS,
      run: (ctx) => printList(ctx, (p) => ctx.client.listMoves(ctx.args[0] ?? '', p),
        (items) => table(['FROM HOUR', 'FROM PARTNER', 'TO PARTNER', 'MOVED BY'], items.map((m) => [m.at, m.fromPartnerId, m.toPartnerId, m.movedBy])), 'Never moved.'),
    },
    delete: {
      synopsis: 'customer delete CUSTOMER', positionals: ['CUSTOMER'], help: "Deletes a customer that has no users' keys or buckets left.",
      async run(ctx) {
        await ctx.client.deleteCustomer(ctx.args[0] ?? '');
        ctx.print({ deleted: ctx.args[0] }, `Customer ${ctx.args[0]} deleted.`);
      },
    },
  },
};
