/**
 * The JSON the admin API exchanges (see /admin/v1/openapi.json): the account model's entities
 * as they are, plus the request bodies and envelopes of the API.
 */
// The entities are the server's account model as the API returns it, verbatim: one definition
// (type-only: the client loads nothing of the server).
export type {
  AccessEvent, AccessKey, Account, AccountKind, Brand, NamedPolicy, NewAccessKey, NewToken, Quotas, Status, TokenInfo as Token, User,
} from '../tenancy/model.js';
import type { Account, AccountKind, Quotas } from '../tenancy/model.js';
import type { InvoiceRunResult, InvoiceSummary } from '../billing/billing-service.js';

export interface WhoAmI {
  accountId: string;
  accountKind: AccountKind;
  parentAccountId: string | null;
  userId: string;
  userName: string;
  userArn: string;
  admin: boolean;
  accessKeyId: string | null;
  authentication: 'sigv4' | 'bearer';
  account?: Account;
}

export type { Page, PageRequest as PageOptions } from '../tenancy/model.js';

/** Request bodies of POST /partners and PATCH /partners/{id}: the service's inputs as they are. */
export type { CreatePartnerInput as NewPartner, UpdatePartnerInput as PartnerPatch, UpdateCustomerInput as CustomerPatch } from '../tenancy/model.js';

export interface NewCustomer {
  name: string;
  displayName?: string;
  /** Partner id or name (the operator must name one). */
  partner?: string;
  regions?: string[];
  quotas?: Partial<Quotas>;
  defaultResidency?: string[] | null;
  mandatoryResidency?: string[] | null;
}

export interface BucketResidency {
  bucket: string;
  region: string;
  zones: string[];
  explicit: boolean;
  allowedRegions: string[];
  mandatory?: string[];
}

export interface AccountResidency {
  account: string;
  mandatory: string[] | null;
}

// Billing: the billing core's documents and books as the API returns them (type-only).
export type { AnyPriceBook as PriceBook, Markup, MarkupRule, PriceEntry, Tier } from '../billing/price-book.js';
export type { BillingProfile, InvoiceDocument, Party } from '../billing/invoice.js';
export type { InvoiceLine } from '../billing/rate.js';
export type { MarginReport, MarginRow } from '../billing/margin.js';
export type { AccountMove } from '../tenancy/model.js';
import type { AnyPriceBook } from '../billing/price-book.js';
import type { BillingProfile } from '../billing/invoice.js';

export type Billing = 'retail' | 'wholesale';
export type Granularity = 'hour' | 'day' | 'month' | 'total';

export interface UsageQuery {
  account?: string;
  bucket?: string;
  region?: string;
  meters?: string[];
  /** Whole UTC hours; or `period` (a month). */
  from?: string;
  to?: string;
  period?: string;
  granularity?: Granularity;
}

export interface UsageRow {
  accountId: string;
  bucket: string;
  region: string;
  meter: string;
  start: string;
  /** Whole base units, as a decimal string. */
  quantity: string;
  unit: string;
}

export interface UsagePage {
  from: string;
  to: string;
  granularity: Granularity;
  items: UsageRow[];
  nextCursor?: string;
}

export interface StoredPriceBook {
  accountId: string;
  pricedBy: string;
  billing: Billing;
  updatedAt: string;
  updatedBy: string;
  book: AnyPriceBook;
}

export interface AccountBillingProfile {
  accountId: string;
  profile: BillingProfile | null;
}

export type { InvoiceSummary };

/** The answer of POST /admin/v1/invoice-runs. */
export type InvoiceRun = InvoiceRunResult;

export type InvoiceFormat = 'json' | 'csv' | 'html';
