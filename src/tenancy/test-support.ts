/**
 * A tenancy world for unit tests: a real account store in a temp dir, a real bucket directory
 * (SQLite) behind the mandatory-residency port, and principals obtained the way requests get
 * them (keys created through the service, resolved by the credential resolver).
 * Not used by production code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fail } from '../core/errors.js';
import { testTopology } from '../placement/test-topology.js';
import { SqliteBucketDirectory } from '../placement/sqlite-directory.js';
import { parsePolicy, type PolicyDocument } from '../policy/index.js';
import { isWithin, parseZones } from '../residency/policy.js';
import { ensureOperator } from './bootstrap.js';
import { SqliteCredentialResolver } from './credential-resolver.js';
import type { Account, MandatoryResidencyPort, Principal, TenancyService } from './model.js';
import { SecretBox } from './secret-box.js';
import { SqliteAccountStore } from './sqlite-account-store.js';
import { SqliteTenancyService } from './tenancy-service.js';

/** The real identity-policy parser, as the app wires it. */
export const parseIdentityPolicy = (text: string): PolicyDocument => parsePolicy(text, 'identity');

/** The placement directory's account residency with its check that existing buckets comply. */
export function directoryResidency(directory: SqliteBucketDirectory): MandatoryResidencyPort {
  const topology = testTopology();
  return {
    get: async (id) => (await directory.getAccountResidency(id))?.slice(),
    async put(id, zones) {
      const parsed = zones === undefined ? undefined : parseZones(topology, zones);
      if (parsed) {
        const outside = (await directory.list(id)).filter((b) => !isWithin(topology, b.residency.zones, parsed));
        if (outside.length > 0) throw fail('ResidencyViolation', `The mandatory policy does not hold for ${outside.map((b) => b.name).join(', ')}`);
      }
      await directory.setAccountResidency(id, parsed);
      return parsed;
    },
  };
}

export interface World {
  dir: string;
  store: SqliteAccountStore;
  box: SecretBox;
  directory: SqliteBucketDirectory;
  svc: SqliteTenancyService;
  resolver: SqliteCredentialResolver;
  /** The operator's root, resolved from its key. */
  root: Principal;
  /** Mutable time for expiry tests. */
  clock: { now: Date };
  /** A principal for a new key of this user (created by `by`, who must be allowed to). */
  keyFor(by: Principal, userId: string): Promise<Principal>;
  /** Onboards an account's first admin (by its parent) and returns its principal. */
  onboard(by: Principal, account: Account, name?: string): Promise<Principal>;
  dispose(): Promise<void>;
}

export async function makeWorld(opts: { regions?: string[] } = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'sovra-tenancy-'));
  const store = new SqliteAccountStore(join(dir, 'accounts.db'));
  const box = new SecretBox(randomBytes(32));
  const directory = new SqliteBucketDirectory(join(dir, 'directory.db'));
  const clock = { now: new Date('2026-01-01T00:00:00Z') };
  const topology = testTopology();
  const svc = new SqliteTenancyService({
    store, box,
    regions: opts.regions ?? topology.regions.map((r) => r.id),
    validateZones: (zones) => void parseZones(topology, zones),
    parseIdentityPolicy: parseIdentityPolicy,
    residency: directoryResidency(directory),
    countBuckets: async (id) => (await directory.list(id)).length,
    bucketRegions: async (id) => [...new Set((await directory.list(id)).map((b) => b.region))],
    clock: () => clock.now,
  });
  const resolver = new SqliteCredentialResolver({ store, box, parseIdentityPolicy: parseIdentityPolicy, clock: () => clock.now, cacheMs: 0 });
  const boot = ensureOperator(store, box, {});
  const root = (await resolver.lookupKey(boot.accessKeyId))!.principal;
  const keyFor = async (by: Principal, userId: string): Promise<Principal> => {
    const k = await svc.createAccessKey(by, userId);
    return (await resolver.lookupKey(k.accessKeyId))!.principal;
  };
  return {
    dir, store, box, directory, svc, resolver, root, clock, keyFor,
    async onboard(by, account, name = 'admin') {
      const u = await svc.createUser(by, account.id, { name, admin: true });
      return keyFor(by, u.id);
    },
    async dispose() {
      store.close();
      await directory.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Operator, two partners (A: de-1+fr-1, B: de-2) and a customer of each, each with its admin. */
export async function makeHierarchy(w: World): Promise<{
  partnerA: Account; partnerB: Account; customerA: Account; customerB: Account;
  adminA: Principal; adminB: Principal; custAdminA: Principal; custAdminB: Principal;
}> {
  const svc: TenancyService = w.svc;
  const partnerA = await svc.createPartner(w.root, { name: 'telco-a', regions: ['de-1', 'fr-1'] });
  const partnerB = await svc.createPartner(w.root, { name: 'telco-b', regions: ['de-2'] });
  const adminA = await w.onboard(w.root, partnerA);
  const adminB = await w.onboard(w.root, partnerB);
  const customerA = await svc.createCustomer(adminA, { name: 'acme' });
  const customerB = await svc.createCustomer(adminB, { name: 'globex' });
  const custAdminA = await w.onboard(adminA, customerA);
  const custAdminB = await w.onboard(adminB, customerB);
  return { partnerA, partnerB, customerA, customerB, adminA, adminB, custAdminA, custAdminB };
}
