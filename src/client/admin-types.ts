/**
 * The JSON the admin API exchanges (see /admin/v1/openapi.json). Declared here, not imported
 * from the server's model, so the client depends on the wire format only.
 */
export type AccountKind = 'operator' | 'partner' | 'customer';
export type Status = 'active' | 'suspended';

export interface Brand {
  displayName: string;
  logoUrl?: string;
  supportContact?: string;
  colors?: { primary?: string; accent?: string };
  endpointHost?: string;
}

/** null = unlimited. */
export interface Quotas {
  maxBytes: number | null;
  maxBuckets: number | null;
  maxRequestsPerSecond: number | null;
}

export interface Account {
  id: string;
  kind: AccountKind;
  name: string;
  displayName: string;
  parentId: string | null;
  status: Status;
  createdAt: string;
  regions: string[];
  brand?: Brand;
  quotas?: Quotas;
  defaultResidency?: string[] | null;
  mandatoryResidency?: string[] | null;
}

export interface User {
  id: string;
  accountId: string;
  name: string;
  admin: boolean;
  status: Status;
  createdAt: string;
  arn: string;
}

export interface AccessKey {
  accessKeyId: string;
  userId: string;
  status: 'active' | 'disabled';
  createdAt: string;
  lastUsedAt?: string;
}

export interface NewAccessKey extends AccessKey {
  secretAccessKey: string;
}

export interface NamedPolicy {
  name: string;
  document: string;
  updatedAt: string;
}

export interface Token {
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

export interface NewToken extends Token {
  token: string;
}

export interface AccessEvent {
  id: number;
  at: string;
  kind: 'grant' | 'revoke' | 'use' | 'onboarding';
  ownerAccountId: string;
  principalAccountId: string;
  principalArn?: string;
  bucket?: string;
  action?: string;
  region?: string;
  detail?: string;
}

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

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageOptions {
  limit?: number;
  cursor?: string;
}

export interface NewPartner {
  name: string;
  displayName?: string;
  regions: string[];
  brand?: Brand;
}

export interface PartnerPatch {
  displayName?: string;
  regions?: string[];
  brand?: Brand;
  status?: Status;
}

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

export interface CustomerPatch {
  displayName?: string;
  regions?: string[];
  quotas?: Partial<Quotas>;
  defaultResidency?: string[] | null;
  mandatoryResidency?: string[] | null;
  status?: Status;
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
