/**
 * Composition root: the only place that chooses implementations. It resolves the
 * topology, opens each served region's embedded storage (SQLite metadata + filesystem
 * bytes, in the region's own directory), the global bucket directory, the regional
 * router that enforces residency, and serves the S3 API over HTTP.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { createAdminApi } from '../admin/admin-api.js';
import type { Config } from '../config/index.js';
import { openEmbeddedStorage, type EmbeddedStorage } from '../engine/embedded/index.js';
import type { StorageEngine } from '../engine/types.js';
import { startHttpServer, type RunningServer } from '../http/index.js';
import { LocalRegion } from '../placement/local-region.js';
import type { BucketDirectory, RegionAccess } from '../placement/ports.js';
import { createRegionalStorage } from '../placement/regional-storage.js';
import { SqliteBucketDirectory } from '../placement/sqlite-directory.js';
import { checkDirectoryFitsTopology, reconcileRegion } from '../placement/startup-checks.js';
import { parseZones } from '../residency/policy.js';
import { createS3Service } from '../s3/index.js';
import { StaticKeyStore } from '../tenancy/index.js';
import type { Region, Topology } from '../topology/types.js';
import { ensureRootCredentials, type RootCredentials } from './root-credentials.js';
import { resolveTopology } from './topology-source.js';

export const ROOT_ACCOUNT_ID = 'root';
const GC_INTERVAL_MS = 6 * 60 * 60 * 1000;

export interface StartOptions {
  log?: (line: string) => void;
  /** Engine tuning for tests, e.g. a lower minimum part size. */
  minPartSize?: number;
  /** A topology object instead of config.topology (tests). */
  topology?: Topology;
}

export interface RunningApp {
  url: string;
  port: number;
  root: RootCredentials;
  topology: Topology;
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
  if (config.region !== undefined) throw new Error('per-region mode arrives with node-to-node links');
  assertNotLegacyLayout(config.dataDir);
  const mandatory = config.mandatoryResidency.length > 0 ? parseZones(topology, config.mandatoryResidency) : undefined;
  const root = ensureRootCredentials(config.dataDir, {
    ...(config.rootAccessKey ? { accessKeyId: config.rootAccessKey } : {}),
    ...(config.rootSecretKey ? { secretAccessKey: config.rootSecretKey } : {}),
  });

  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const directory: BucketDirectory = new SqliteBucketDirectory(join(config.dataDir, 'control', 'directory.db'));
    closers.push(() => directory.close());
    await checkDirectoryFitsTopology(directory, topology);

    const served = topology.regions;
    const engines = new Map<string, StorageEngine>();
    const storages: EmbeddedStorage[] = [];
    const regions = new Map<string, RegionAccess>();
    for (const region of served) {
      const dir = regionDataDir(config.dataDir, region);
      const storageIsNew = !existsSync(join(dir, 'meta.db'));
      // Several processes may open one data dir: recovery only collects what no live instance can still be writing.
      const storage = await openEmbeddedStorage({
        dataDir: dir,
        fsync: config.fsync,
        onBackgroundError: (e) => log(`background storage error (${region.id}): ${e instanceof Error ? e.message : String(e)}`),
        ...(opts.minPartSize !== undefined ? { limits: { minPartSize: opts.minPartSize } } : {}),
      });
      closers.push(() => storage.engine.close());
      storages.push(storage);
      engines.set(region.id, storage.engine);
      regions.set(region.id, new LocalRegion({ regionId: region.id, engine: storage.engine, topology, directory }));
      await reconcileRegion({ regionId: region.id, engine: storage.engine, directory, topology, storageIsNew, now: new Date(), log });
    }

    const router = createRegionalStorage({
      topology,
      directory,
      engines,
      regions,
      defaultRegion: topology.defaultRegion,
      ...(mandatory ? { mandatoryResidency: mandatory } : {}),
    });

    // Startup recovery ran already; while serving, blobs orphaned by a crashed peer process (or a
    // failed best-effort delete) are collected periodically, with the store's grace period.
    const gc = setInterval(() => {
      for (const s of storages) {
        s.collectGarbage().catch((e: unknown) => log(`garbage collection failed: ${e instanceof Error ? e.message : String(e)}`));
      }
    }, GC_INTERVAL_MS);
    gc.unref();
    closers.push(async () => clearInterval(gc));

    const keys = new StaticKeyStore([
      { principal: { accountId: ROOT_ACCOUNT_ID, displayName: 'root', accessKeyId: root.accessKeyId }, secretAccessKey: root.secretAccessKey },
    ]);
    const s3 = createS3Service({
      engine: router,
      placement: router,
      keys,
      region: topology.defaultRegion,
      regions: topology.regions.map((r) => r.id),
      domains: config.domains,
      maxSkewSeconds: config.maxSkewSeconds,
      onInternalError: (err, id) => log(`[${id}] internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    });
    const admin = createAdminApi({
      keys,
      placement: router,
      operatorAccountId: ROOT_ACCOUNT_ID,
      maxSkewSeconds: config.maxSkewSeconds,
      onInternalError: (err, id) => log(`[${id}] internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    });
    const server: RunningServer = await startHttpServer({
      host: config.host,
      port: config.port,
      handler: (req) => (admin.matches(req.rawPath) ? admin.handle(req) : s3.handle(req)),
    });
    return {
      url: server.url,
      port: server.port,
      root,
      topology,
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
