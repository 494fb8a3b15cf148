/**
 * Tenancy: the account hierarchy, its store and service, and credentials.
 * Imports: core (and policy types) only.
 */
export { StaticKeyStore, type KeyRecord, type KeyStore, type Principal } from './principal.js';
export * as model from './model.js';
export {
  OPERATOR_ACCOUNT_ID, ROOT_USER_NAME,
  type Principal as TenantPrincipal,
  type AccessEvent, type AccessKey, type Account, type AccountDirectory, type AccountMove, type MoveCustomerInput, type AccountKind, type AccessRecorder, type Brand,
  type CreateCustomerInput, type CreatePartnerInput, type CreateUserInput, type CredentialResolver, type IdempotencyLedger,
  type MandatoryResidencyPort, type NamedPolicy, type NewAccessKey, type NewToken, type Page, type PageRequest, type Quotas,
  type Status, type TenancyService, type TokenInfo, type UpdateCustomerInput, type UpdatePartnerInput, type User,
} from './model.js';
export { SecretBox, loadOrCreateServerKey, parseServerKey } from './secret-box.js';
export { SqliteAccountStore, type StoredAccount, type StoredKey } from './sqlite-account-store.js';
export { SqliteTenancyService, type TenancyServiceDeps, MAX_KEYS_PER_USER, MAX_POLICIES_PER_USER } from './tenancy-service.js';
export { SqliteCredentialResolver, type CredentialResolverDeps } from './credential-resolver.js';
export { StoreAccountDirectory, withMandatoryResidency } from './account-directory.js';
export { StoreAccessRecorder } from './access-recorder.js';
export { StoreIdempotencyLedger, IDEMPOTENCY_TTL_MS } from './idempotency-ledger.js';
export { ensureOperator, type EnsureOperatorOptions, type OperatorCredentials } from './bootstrap.js';
export { BillingAccess, type BillingKind } from './billing-access.js';
