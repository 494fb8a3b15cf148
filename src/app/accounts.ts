/**
 * Where accounts live: the process that holds the control plane (the embedded server, or
 * `--control-plane`) keeps them in <data-dir>/control/accounts.db with secrets sealed by the
 * server key; a region node asks the control plane over the internal API and never sees a
 * secret. The operator's account and root key are made on first start.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BillingService } from '../billing/billing-service.js';
import { SqliteBillingStore } from '../billing/sqlite-billing-store.js';
import type { Config } from '../config/index.js';
import type { UsageSource } from '../metering/model.js';
import { parsePolicy } from '../policy/index.js';
import {
  BillingAccess, ensureOperator, loadOrCreateServerKey, SecretBox, SqliteAccountStore, SqliteCredentialResolver, SqliteTenancyService, StoreAccessRecorder,
  StoreAccountDirectory, StoreIdempotencyLedger, type OperatorCredentials, type TenancyServiceDeps,
} from '../tenancy/index.js';
import type { AccessRecorder, AccountDirectory, CredentialResolver, IdempotencyLedger, MandatoryResidencyPort, TenancyService } from '../tenancy/model.js';

export function accountsDbPath(dataDir: string): string {
  return join(dataDir, 'control', 'accounts.db');
}

/** Price books, billing profiles, tax rates and issued invoices, beside the accounts. */
export function billingDbPath(dataDir: string): string {
  return join(dataDir, 'control', 'billing.db');
}

export function serverKeyPath(config: Readonly<Config>): string {
  return config.serverKeyFile ?? join(config.dataDir, 'control', 'server.key');
}

function open(config: Readonly<Config>): { store: SqliteAccountStore; box: SecretBox } {
  mkdirSync(join(config.dataDir, 'control'), { recursive: true });
  const box = new SecretBox(loadOrCreateServerKey(serverKeyPath(config)));
  return { store: new SqliteAccountStore(accountsDbPath(config.dataDir)), box };
}

function rootFrom(config: Readonly<Config>): { accessKeyId: string; secretAccessKey: string } | undefined {
  return config.rootAccessKey && config.rootSecretKey ? { accessKeyId: config.rootAccessKey, secretAccessKey: config.rootSecretKey } : undefined;
}

/** The operator's root key: created (secret returned once), taken from config, or imported from the old plaintext file. */
export function bootstrapOperator(config: Readonly<Config>): OperatorCredentials {
  const { store, box } = open(config);
  try {
    const root = rootFrom(config);
    return ensureOperator(store, box, { ...(root ? { root } : {}), legacyCredentialsFile: join(config.dataDir, 'root-credentials.json') });
  } finally {
    store.close();
  }
}

export interface LocalAccounts {
  root: OperatorCredentials;
  credentials: CredentialResolver;
  accounts: AccountDirectory;
  recorder: AccessRecorder;
  idempotency: IdempotencyLedger;
  /** Built once placement exists (mandatory residency lives in the bucket directory). */
  service(deps: Pick<TenancyServiceDeps, 'regions' | 'validateZones' | 'residency' | 'countBuckets' | 'bucketRegions'>): TenancyService;
  /** Usage, price books and invoices (<data-dir>/control/billing.db); usage calls answer Unavailable without a usage source. */
  billing(deps: { tenancy: TenancyService; regions: readonly string[]; usage?: UsageSource; clock?: () => Date }): BillingService;
  close(): void;
}

export function openLocalAccounts(config: Readonly<Config>, residency: MandatoryResidencyPort): LocalAccounts {
  const { store, box } = open(config);
  try {
    const root = rootFrom(config);
    const operator = ensureOperator(store, box, { ...(root ? { root } : {}), legacyCredentialsFile: join(config.dataDir, 'root-credentials.json') });
    const parseIdentityPolicy = (text: string) => parsePolicy(text, 'identity');
    let billingStore: SqliteBillingStore | undefined;
    return {
      root: operator,
      credentials: new SqliteCredentialResolver({ store, box, parseIdentityPolicy }),
      accounts: new StoreAccountDirectory({ store, residency }),
      recorder: new StoreAccessRecorder({ store }),
      idempotency: new StoreIdempotencyLedger({ store }),
      service: (deps) => new SqliteTenancyService({ store, box, parseIdentityPolicy, ...deps }),
      billing: (deps) => {
        billingStore ??= new SqliteBillingStore(billingDbPath(config.dataDir));
        return new BillingService({ store: billingStore, accounts: store, access: new BillingAccess(store), ...deps });
      },
      close: () => {
        billingStore?.close();
        store.close();
      },
    };
  } catch (e) {
    store.close();
    throw e;
  }
}
