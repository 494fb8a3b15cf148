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
