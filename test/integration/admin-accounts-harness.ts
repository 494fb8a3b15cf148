/**
 * An admin API server built from the real parts (no app wiring yet): the placement router
 * over embedded regions of the demo topology, the SQLite account store with the tenancy
 * service, credential resolver and idempotency ledger, the policy parser, served over real
 * HTTP by src/http. The operator's root key is the harness's.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminRoutes, createAdminApi, type AdminDeps, type AdminRoute } from '../../src/admin/admin-api.js';
import { BillingService } from '../../src/billing/billing-service.js';
import { SqliteBillingStore } from '../../src/billing/sqlite-billing-store.js';
import { memoryUsageSource } from '../../src/billing/test-support.js';
import type { UsageRecord } from '../../src/billing/rate.js';
import { AdminClient } from '../../src/client/admin-client.js';
import { openEmbeddedStorage } from '../../src/engine/embedded/index.js';
import type { RegionEngine } from '../../src/engine/types.js';
import { startHttpServer } from '../../src/http/index.js';
import { LocalRegion } from '../../src/placement/local-region.js';
import type { RegionAccess } from '../../src/placement/ports.js';
import { createRegionalStorage, type RegionalStorage } from '../../src/placement/regional-storage.js';
import { SqliteBucketDirectory } from '../../src/placement/sqlite-directory.js';
import { parsePolicy } from '../../src/policy/index.js';
import { parseZones } from '../../src/residency/policy.js';
import {
  BillingAccess, ensureOperator, SecretBox, SqliteAccountStore, SqliteCredentialResolver, SqliteTenancyService, StoreIdempotencyLedger, type MandatoryResidencyPort,
} from '../../src/tenancy/index.js';
import { demoTopology } from '../../src/topology/index.js';
import { ACCESS_KEY, SECRET_KEY } from './harness.js';

export interface AccountsServer {
  url: string;
  /** The operator's root user, SigV4. */
  operator: AdminClient;
  router: RegionalStorage;
  /** Where the account store keeps its files. */
  controlDir: string;
  /** The routes this API serves. */
  routes: AdminRoute[];
  /** A client with these keys (or a bearer token). */
  as(creds: { accessKeyId: string; secretAccessKey: string } | { token: string }): AdminClient;
  /** Usage records the billing service reads (a test double of the metering store, which this server has not). */
  usage: UsageRecord[];
  /** Moves the tenancy clock (token expiry) forward; request signing keeps real time. */
  advance(ms: number): void;
  stop(): Promise<void>;
}

export async function startAccountsServer(): Promise<AccountsServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sovra-admin-accounts-'));
  const topology = demoTopology();
  const closers: (() => Promise<void> | void)[] = [];
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);

  const directory = new SqliteBucketDirectory(join(dataDir, 'control', 'directory.db'));
  closers.push(() => directory.close());
  const engines = new Map<string, RegionEngine>();
  const regions = new Map<string, RegionAccess>();
  for (const region of topology.regions) {
    const storage = await openEmbeddedStorage({ dataDir: join(dataDir, 'regions', region.id), fsync: false });
    closers.push(() => storage.engine.close());
    engines.set(region.id, storage.engine);
    regions.set(region.id, new LocalRegion({ regionId: region.id, engine: storage.engine, topology, directory }));
  }
  const router = createRegionalStorage({ topology, directory, engines, regions, defaultRegion: topology.defaultRegion });

  const store = new SqliteAccountStore(join(dataDir, 'control', 'accounts.db'));
  closers.push(() => store.close());
  const box = new SecretBox(randomBytes(32));
  const parseIdentityPolicy = (text: string) => parsePolicy(text, 'identity');
  const residency: MandatoryResidencyPort = {
    get: async (id) => {
      const z = await router.getAccountResidency(id);
      return z ? [...z] : undefined;
    },
    put: async (id, zones) => {
      const z = await router.putAccountResidency(id, zones);
      return z ? [...z] : undefined;
    },
  };
  const tenancy = new SqliteTenancyService({
    store, box, regions: topology.regions.map((r) => r.id),
    validateZones: (zones) => {
      parseZones(topology, zones);
    },
    parseIdentityPolicy, residency,
    countBuckets: async (id) => (await directory.list(id)).length,
    clock,
  });
  const credentials = new SqliteCredentialResolver({ store, box, parseIdentityPolicy, clock, cacheMs: 0 });
  const idempotency = new StoreIdempotencyLedger({ store, clock });
  ensureOperator(store, box, { root: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY } });

  const billingStore = new SqliteBillingStore(join(dataDir, 'control', 'billing.db'));
  closers.push(() => billingStore.close());
  const usage = memoryUsageSource([]);
  const billing = new BillingService({
    store: billingStore, accounts: store, access: new BillingAccess(store), tenancy, usage, regions: topology.regions.map((r) => r.id), clock,
  });

  const internalErrors: unknown[] = [];
  const deps: AdminDeps = { credentials, tenancy, idempotency, billing, placement: router, maxSkewSeconds: 900, onInternalError: (e) => internalErrors.push(e) };
  const admin = createAdminApi(deps);
  const server = await startHttpServer({
    host: '127.0.0.1', port: 0,
    handler: async (req) => (admin.matches(req.rawPath) ? admin.handle(req) : { status: 404, headers: {} }),
  });
  const as: AccountsServer['as'] = (creds) => new AdminClient({ endpoint: server.url, ...creds });
  return {
    url: server.url,
    operator: as({ accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }),
    router,
    controlDir: join(dataDir, 'control'),
    routes: adminRoutes(deps),
    usage: usage.records,
    as,
    advance: (ms) => {
      offsetMs += ms;
    },
    async stop() {
      await server.close(1000);
      for (const c of closers.reverse()) await c();
      rmSync(dataDir, { recursive: true, force: true });
      if (internalErrors.length > 0) throw new Error(`internal errors during the test: ${internalErrors.map(String).join('; ')}`);
    },
  };
}
