/**
 * Composition root: the only place that chooses implementations. It resolves the
 * topology, opens each served region's embedded storage (SQLite metadata + filesystem
 * bytes, in the region's own directory), the global bucket directory, the regional
 * router that enforces residency, and serves the S3 API over HTTP.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ADMIN_PREFIX, createAdminApi } from '../admin/admin-api.js';
import { AnalyticsService, createAnalyticsApi } from '../analytics/index.js';
import { jsonError } from '../admin/json.js';
import type { Config } from '../config/index.js';
import { openEmbeddedStorage, type EmbeddedStorage } from '../engine/embedded/index.js';
import type { RegionEngine } from '../engine/types.js';
import { fail } from '../core/errors.js';
import { FORWARDED_HEADER, forwardRequest } from '../http/forward.js';
import { acceptForwardedFor, forwardedForHeaders } from '../internal/forwarded-for.js';
import { startHttpServer, type RunningServer } from '../http/index.js';
import type { ProtocolRequest } from '../s3/request.js';
import { LocalRegion } from '../placement/local-region.js';
import type { BucketDirectory, RegionAccess } from '../placement/ports.js';
import { createRegionalStorage } from '../placement/regional-storage.js';
import { SqliteBucketDirectory } from '../placement/sqlite-directory.js';
import { checkDirectoryFitsTopology, reconcileRegion } from '../placement/startup-checks.js';
import { findRegion, isWithin, parseZones, regionAllowed } from '../residency/policy.js';
import { checkClusterSecret, CONTROL_PLANE_NODE_ID, createInternalApi, HttpBucketDirectory, HttpTenancy, RemoteRegion } from '../internal/index.js';
import { createUsageSource, MemoryUsageRecorder, type MeteringReader, type UsageRecorder } from '../metering/index.js';
import { startReplicator, type ReplicationStats } from '../replication/replicator.js';
import { createS3Service } from '../s3/index.js';
import type { S3Deps } from '../s3/context.js';
import { QuotaGuard } from '../s3/quotas.js';
import { createSelectBackend } from '../s3/select/session.js';

import type { AccessRecorder, AccountDirectory, CredentialResolver, MandatoryResidencyPort, TenancyService } from '../tenancy/model.js';
import type { OperatorCredentials } from '../tenancy/index.js';
import type { Region, Topology } from '../topology/types.js';
import { openLocalAccounts, type LocalAccounts } from './accounts.js';
import { resolveTopology } from './topology-source.js';

export { OPERATOR_ACCOUNT_ID } from '../tenancy/model.js';
const GC_INTERVAL_MS = 6 * 60 * 60 * 1000;

export interface StartOptions {
  log?: (line: string) => void;
  /** Engine tuning for tests, e.g. a lower minimum part size. */
  minPartSize?: number;
  /** A topology object instead of config.topology (tests). */
  topology?: Topology;
  /** The clock invoice runs see (tests: invoicing real traffic of the current month as if it had ended). */
  billingClock?: () => Date;
}

export interface RunningApp {
  url: string;
  port: number;
  /** The operator's root key where this process keeps the accounts (undefined on a region node). */
  root: OperatorCredentials | undefined;
  topology: Topology;
  /** Replication statistics of each served region. */
  replication(): ReplicationStats[];
  /** Metered usage across every region (what /admin/v1/usage serves), and stored-now figures. */
  usage: MeteringReader;
  /** This process's usage recorder (requests, transfer, replication; analytics reports here too). */
  recorder: UsageRecorder & { flush(): Promise<void> };
  close(): Promise<void>;
}

export function regionDataDir(dataDir: string, region: Region): string {
  return isAbsolute(region.storage) ? region.storage : resolve(dataDir, region.storage);
}

function assertNotLegacyLayout(dataDir: string): void {
  if (existsSync(join(dataDir, 'meta.db'))) {
    throw new Error(
      `${dataDir} holds a single-region data directory (meta.db at its top level). Since regions, each region keeps its data in ` +
        `<data-dir>/regions/<id>/. Move meta.db*, blobs-small.db*, blobs/ and tmp/ into ${join(dataDir, 'regions', 'eu-fra')}/ (or the region they belong to) and start again.`,
    );
  }
}

export async function startApp(config: Readonly<Config>, opts: StartOptions = {}): Promise<RunningApp> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const topology = opts.topology ?? resolveTopology(config);
  // Embedded: this process is every region and the control plane. Per region: it is one
  // region (--region) and/or the control plane (--control-plane), the rest over HTTP.
  const embedded = config.region === undefined && !config.controlPlane;
  const hostsDirectory = embedded || config.controlPlane;
  const nodeId = config.region ?? CONTROL_PLANE_NODE_ID;
  assertNotLegacyLayout(config.dataDir);
  const mandatory = config.mandatoryResidency.length > 0 ? parseZones(topology, config.mandatoryResidency) : undefined;
  const clusterSecret = config.clusterSecret;
  if (!embedded) {
    if (clusterSecret === undefined) throw new Error('a per-region deployment needs --cluster-secret');
    checkClusterSecret(clusterSecret);
  }

  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    let directory: BucketDirectory;
    if (hostsDirectory) {
      directory = new SqliteBucketDirectory(join(config.dataDir, 'control', 'directory.db'));
      await checkDirectoryFitsTopology(directory, topology);
    } else {
      directory = new HttpBucketDirectory({ endpoint: topology.controlPlane?.endpoint ?? '', nodeId, clusterSecret: clusterSecret ?? '' });
    }
    const dir = directory;
    closers.push(() => dir.close());

    // Accounts: kept where the directory is; a region node asks the control plane (and never holds a secret).
    let placementRef: { getAccountResidency(id: string): Promise<readonly string[] | undefined>; putAccountResidency(id: string, z: readonly string[] | undefined): Promise<readonly string[] | undefined> } | undefined;
    const residencyPort: MandatoryResidencyPort = {
      get: async (id) => {
        const z = await placementRef?.getAccountResidency(id);
        return z === undefined ? undefined : [...z];
      },
      put: async (id, zones) => {
        if (!placementRef) throw new Error('placement is not ready');
        const z = await placementRef.putAccountResidency(id, zones);
        return z === undefined ? undefined : [...z];
      },
    };
    let localAccounts: LocalAccounts | undefined;
    let credentials: CredentialResolver & Partial<AccountDirectory & AccessRecorder>;
    let accounts: AccountDirectory;
    let accessRecorder: AccessRecorder;
    if (hostsDirectory) {
      const la = openLocalAccounts(config, residencyPort);
      localAccounts = la;
      closers.push(() => la.close());
      credentials = la.credentials;
      accounts = la.accounts;
      accessRecorder = la.recorder;
    } else {
      const remote = new HttpTenancy({ endpoint: topology.controlPlane?.endpoint ?? '', nodeId, clusterSecret: clusterSecret ?? '' });
      closers.push(() => remote.close());
      credentials = remote;
      accounts = remote;
      accessRecorder = remote;
    }

    const served = embedded ? topology.regions : topology.regions.filter((r) => r.id === config.region);
    const engines = new Map<string, RegionEngine>();
    const storages: EmbeddedStorage[] = [];
    const regions = new Map<string, RegionAccess>();
    const local = new Map<string, RegionAccess>();
    for (const region of served) {
      const regionDir = regionDataDir(config.dataDir, region);
      const storageIsNew = !existsSync(join(regionDir, 'meta.db'));
      // Several processes may open one data dir: recovery only collects what no live instance can still be writing.
      const storage = await openEmbeddedStorage({
        dataDir: regionDir,
        fsync: config.fsync,
        objectFileCache: { maxBytes: config.objectFileCacheMb * 1024 * 1024, idleMs: config.objectFileCacheIdleMs },
        onBackgroundError: (e) => log(`background storage error (${region.id}): ${e instanceof Error ? e.message : String(e)}`),
        ...(opts.minPartSize !== undefined ? { limits: { minPartSize: opts.minPartSize } } : {}),
      });
      closers.push(() => storage.engine.close());
      storages.push(storage);
      engines.set(region.id, storage.engine);
      const access = new LocalRegion({ regionId: region.id, engine: storage.engine, topology, directory });
      regions.set(region.id, access);
      local.set(region.id, access);
      await reconcileRegion({ regionId: region.id, engine: storage.engine, directory, topology, storageIsNew, now: new Date(), log });
    }
    for (const region of topology.regions) {
      if (regions.has(region.id) || region.endpoint === undefined || clusterSecret === undefined) continue;
      const remote = new RemoteRegion({ regionId: region.id, endpoint: region.endpoint, nodeId, clusterSecret });
      closers.push(() => remote.close());
      regions.set(region.id, remote);
    }

    // Metering: counts go to the store of the bucket's region (local engine or peer region).
    // Closed after the replicators stop and before the stores close (closers run in reverse).
    const recorder = new MemoryUsageRecorder({
      flushIntervalMs: config.meteringFlushMs,
      log,
      sink: (regionId, batch) => {
        const access = regions.get(regionId);
        if (!access) return Promise.reject(fail('Unavailable', `region ${regionId} is not reachable from this node`));
        return access.recordUsage(batch);
      },
    });
    closers.push(() =>
      recorder.close().catch((e: unknown) => log(`metering: usage counted since the last flush could not be recorded: ${e instanceof Error ? e.message : String(e)}`)),
    );

    // One replicator per served region engine: each drains its own region's outbox.
    const replicators = new Map([...engines].map(([id, engine]) => [id, startReplicator({
        engine,
        log,
        usage: recorder,
        resolveDestination: async (bucket) => {
          const entry = await directory.lookupFresh(bucket);
          if (!entry) throw fail('NoSuchBucket', `The replication destination bucket ${bucket} does not exist`, { resource: `/${bucket}` });
          const access = regions.get(entry.region);
          if (!access) throw fail('Unavailable', `region ${entry.region} is not reachable from this node`);
          return access;
        },
      })]));
    closers.push(async () => {
      await Promise.all([...replicators.values()].map((r) => r.stop()));
    });

    const router = createRegionalStorage({
      topology,
      directory,
      engines,
      regions,
      defaultRegion: config.region ?? topology.defaultRegion,
      onWrite: (region) => replicators.get(region)?.kick(),
      ...(mandatory ? { mandatoryResidency: mandatory } : {}),
    });
    placementRef = router;
    const usage = createUsageSource({
      regions: () => regions.values(),
      storedByOwner: (owner) => router.usageByOwner(owner),
    });

    // Startup recovery ran already; while serving, blobs orphaned by a crashed peer process (or a
    // failed best-effort delete) are collected periodically, with the store's grace period.
    const gc = setInterval(() => {
      for (const s of storages) {
        s.collectGarbage().catch((e: unknown) => log(`garbage collection failed: ${e instanceof Error ? e.message : String(e)}`));
      }
    }, GC_INTERVAL_MS);
    gc.unref();
    closers.push(() => clearInterval(gc));

    const onInternalError = (err: unknown, id: string) => log(`[${id}] internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    const quotas = new QuotaGuard({
      accounts,
      metering: usage,
      bucketCount: async (owner) => (await directory.list(owner)).length,
      // Each cluster worker holds its share of an account's request rate (see QuotaGuard).
      processes: config.workers > 0 ? config.workers : availableParallelism(),
    });
    const s3Deps: S3Deps = {
      engine: router,
      placement: router,
      credentials,
      accounts,
      quotas,
      accessRecorder: accessRecorder,
      usage: recorder,
      region: config.region ?? topology.defaultRegion,
      regions: topology.regions.map((r) => r.id),
      domains: config.domains,
      maxSkewSeconds: config.maxSkewSeconds,
      onInternalError,
      ...(embedded ? {} : {
        forward: async (req: ProtocolRequest, bucket: string) => {
          if (req.headers[FORWARDED_HEADER] !== undefined) return undefined;
          const endpoint = await router.forwardTarget(bucket);
          return endpoint === undefined ? undefined : forwardRequest(req, endpoint, nodeId, forwardedForHeaders(clusterSecret ?? '', nodeId, req));
        },
      }),
    };
    const s3 = createS3Service(s3Deps);
    // SQL over objects: one DuckDB per query, its scratch files beside the data (hard links to blobs).
    const analyticsService = new AnalyticsService({
      scratchRoot: join(config.dataDir, 'analytics-scratch'),
      residency: {
        regionAllowed: (id, zones) => {
          const r = findRegion(topology, id);
          return r !== undefined && regionAllowed(r, zones);
        },
        isWithin: (zones, outer) => isWithin(topology, zones, outer),
      },
      localRegion: config.region ?? topology.defaultRegion,
      limits: {
        timeoutMs: config.queryTimeoutMs,
        memoryBytes: config.queryMemoryMb * 1024 * 1024,
        threads: config.queryThreads,
        maxResultBytes: config.queryMaxResultMb * 1024 * 1024,
        maxConcurrentPerAccount: config.queryConcurrency,
      },
      usage: recorder,
    });
    await analyticsService.start();
    closers.push(() => analyticsService.close());
    // S3 Select runs on the same sandbox and limits, in its own scratch directory.
    s3Deps.select = createSelectBackend({
      engine: router,
      scratchRoot: join(config.dataDir, 'select-scratch'),
      limits: analyticsService.limits,
      region: config.region ?? topology.defaultRegion,
      usage: recorder,
      ownerOf: async (bucket) => (await router.getBucket(bucket)).owner,
    });
    const analytics = createAnalyticsApi({ s3: s3Deps, service: analyticsService, regions: topology.regions.map((r) => r.id), defaultRegion: config.region ?? topology.defaultRegion });
    // Accounts are managed where they are kept (embedded server or control plane); a region node
    // serves the regions and its buckets' residency, and passes the rest on to the control plane.
    const tenancy: TenancyService | undefined = localAccounts?.service({
      regions: topology.regions.map((r) => r.id),
      validateZones: (zones) => {
        parseZones(topology, zones);
      },
      residency: residencyPort,
      countBuckets: async (id) => (await directory.list(id)).length,
      bucketRegions: async (id) => [...new Set((await directory.list(id)).map((b) => b.region))],
    });
    const admin = createAdminApi({
      credentials,
      ...(localAccounts && tenancy
        ? {
          tenancy,
          idempotency: localAccounts.idempotency,
          billing: localAccounts.billing({
            tenancy, regions: topology.regions.map((r) => r.id), usage, ...(opts.billingClock ? { clock: opts.billingClock } : {}),
          }),
        }
        : {}),
      placement: router,
      maxSkewSeconds: config.maxSkewSeconds,
      onInternalError,
    });
    // Only nodes of a per-region deployment answer internal requests, and only signed ones.
    const internal = clusterSecret !== undefined && !embedded
      ? createInternalApi({
        clusterSecret,
        knownNodes: [...topology.regions.map((r) => r.id), CONTROL_PLANE_NODE_ID],
        ...(hostsDirectory ? { directory, tenancy: { credentials, accounts, recorder: accessRecorder } } : {}),
        regions: local,
        onInternalError,
      })
      : undefined;
    const server: RunningServer = await startHttpServer({
      host: config.host,
      port: config.port,
      handler: (req) => {
        if (internal?.matches(req.rawPath)) return internal.handle(req);
        if (req.rawPath.startsWith(ADMIN_PREFIX)) {
          // A region node keeps no accounts: its admin API is the control plane's, passed on untouched.
          if (localAccounts || admin.serves(req.rawPath)) return admin.handle(req);
          return forwardRequest(req, topology.controlPlane?.endpoint ?? '', nodeId).catch((e: unknown) => {
            const reason = e instanceof Error ? e.message : String(e);
            return jsonError(fail('Unavailable', `The control plane, which keeps the accounts, cannot be reached from this region node (${reason}); try again.`), req.requestId);
          });
        }
        // A request another node passed on: the client's address, if that node proved it.
        if (clusterSecret !== undefined && !embedded) {
          const by = req.headers[FORWARDED_HEADER];
          acceptForwardedFor(clusterSecret, typeof by === 'string' ? by : undefined, req);
        }
        if (analytics.matches(req)) return analytics.handle(req);
        return s3.handle(req);
      },
    });
    return {
      url: server.url,
      port: server.port,
      root: localAccounts?.root,
      topology,
      replication: () => [...replicators.values()].map((r) => r.stats()),
      usage,
      recorder,
      async close() {
        await server.close(config.shutdownTimeoutMs);
        await closeAll();
      },
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
