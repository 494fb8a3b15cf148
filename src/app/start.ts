/**
 * Composition root: the only place that chooses implementations. It opens the
 * embedded storage (SQLite metadata + filesystem bytes), builds the S3 service
 * and serves it over HTTP.
 */
import type { Config } from '../config/index.js';
import { openEmbeddedStorage } from '../engine/embedded/index.js';
import { startHttpServer, type RunningServer } from '../http/index.js';
import { createS3Service } from '../s3/index.js';
import { StaticKeyStore } from '../tenancy/index.js';
import { ensureRootCredentials, type RootCredentials } from './root-credentials.js';

export const ROOT_ACCOUNT_ID = 'root';
const GC_INTERVAL_MS = 6 * 60 * 60 * 1000;

export interface StartOptions {
  log?: (line: string) => void;
  /** Engine tuning for tests, e.g. a lower minimum part size. */
  minPartSize?: number;
}

export interface RunningApp {
  url: string;
  port: number;
  root: RootCredentials;
  close(): Promise<void>;
}

export async function startApp(config: Readonly<Config>, opts: StartOptions = {}): Promise<RunningApp> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const root = ensureRootCredentials(config.dataDir, {
    ...(config.rootAccessKey ? { accessKeyId: config.rootAccessKey } : {}),
    ...(config.rootSecretKey ? { secretAccessKey: config.rootSecretKey } : {}),
  });
  // Several processes may open one data dir: recovery only collects what no live instance can still be writing.
  const storage = await openEmbeddedStorage({
    dataDir: config.dataDir,
    fsync: config.fsync,
    onBackgroundError: (e) => log(`background storage error: ${e instanceof Error ? e.message : String(e)}`),
    ...(opts.minPartSize !== undefined ? { limits: { minPartSize: opts.minPartSize } } : {}),
  });
  const engine = storage.engine;
  // Startup recovery ran already; while serving, blobs orphaned by a crashed peer process (or a
  // failed best-effort delete) are collected periodically, with the store's grace period.
  const gc = setInterval(() => {
    storage.collectGarbage().catch((e: unknown) => log(`garbage collection failed: ${e instanceof Error ? e.message : String(e)}`));
  }, GC_INTERVAL_MS);
  gc.unref();
  const keys = new StaticKeyStore([
    { principal: { accountId: ROOT_ACCOUNT_ID, displayName: 'root', accessKeyId: root.accessKeyId }, secretAccessKey: root.secretAccessKey },
  ]);
  const s3 = createS3Service({
    engine,
    keys,
    region: config.region,
    regions: [config.region],
    domains: config.domains,
    maxSkewSeconds: config.maxSkewSeconds,
    onInternalError: (err, id) => log(`[${id}] internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
  });
  let server: RunningServer;
  try {
    server = await startHttpServer({ host: config.host, port: config.port, handler: (req) => s3.handle(req) });
  } catch (e) {
    clearInterval(gc);
    await engine.close();
    throw e;
  }
  return {
    url: server.url,
    port: server.port,
    root,
    async close() {
      clearInterval(gc);
      await server.close(config.shutdownTimeoutMs);
      await engine.close();
    },
  };
}
