/**
 * `sovra serve`: run the embedded S3 server. With more than one worker the
 * primary process forks workers that share the listening socket (node:cluster)
 * and the data directory (each registers as a live storage instance); SIGINT/SIGTERM
 * drain in-flight requests everywhere before exit.
 */
import cluster from 'node:cluster';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import type { OperatorCredentials } from '../tenancy/index.js';
import { resolveTopology } from '../app/topology-source.js';
import type { Config } from '../config/index.js';

/** The operator's root key, made (or imported, or taken from config) before any worker starts. */
async function bootstrap(config: Readonly<Config>): Promise<OperatorCredentials | undefined> {
  // A region node keeps no accounts: the control plane has them.
  if (config.region !== undefined && !config.controlPlane) return undefined;
  const { bootstrapOperator } = await import('../app/accounts.js');
  return bootstrapOperator(config);
}

/** `root` is what the first bootstrap of this start returned: its `secretAccessKey` is set only when it was generated now. */
function banner(config: Readonly<Config>, url: string, workers: number, root: OperatorCredentials | undefined): void {
  const lines = [
    `Sovra S3 endpoint: ${url}  (${[config.region !== undefined ? `region ${config.region}` : config.controlPlane ? '' : 'every region of the topology', config.controlPlane ? 'control plane' : ''].filter(Boolean).join(' + ')}, ${workers} worker${workers === 1 ? '' : 's'})`,
    `Data directory:    ${resolve(config.dataDir)}`,
  ];
  if (root === undefined) {
    lines.push('Accounts:          kept by the control plane (sign requests with any account\'s key)');
  } else {
    lines.push(`Root access key:   ${root.accessKeyId}  (the operator's root user)`);
    if (root.secretAccessKey !== undefined) {
      lines.push(`Root secret key:   ${root.secretAccessKey}`);
      lines.push('(shown once: Sovra keeps only an encrypted copy; save it now)');
    } else if (config.rootSecretKey) {
      lines.push('Root secret key:   from SOVRA_ROOT_SECRET_KEY');
    } else {
      lines.push('Root secret key:   as printed at first start (rotate with `sovra admin key rotate`)');
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
}

function onSignals(handler: (signal: string) => void): void {
  for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => handler(s));
}

/** Loaded lazily: a cluster primary never serves, so it never loads the storage stack. */
async function startApp(config: Readonly<Config>) {
  const { startApp: start } = await import('../app/start.js');
  return start(config);
}

async function runSingle(config: Readonly<Config>): Promise<void> {
  const app = await startApp(config);
  banner(config, app.url, 1, app.root);
  onSignals(async (signal) => {
    process.stderr.write(`${signal}: finishing in-flight requests...\n`);
    await app.close();
    process.exit(0);
  });
}

async function runWorker(config: Readonly<Config>): Promise<void> {
  const app = await startApp(config);
  onSignals(async () => {
    await app.close();
    process.exit(0);
  });
  process.on('disconnect', () => void app.close().then(() => process.exit(0)));
}

async function runPrimary(config: Readonly<Config>, workers: number): Promise<void> {
  mkdirSync(config.dataDir, { recursive: true });
  // Created here, before any worker starts, so only this banner can show a generated secret.
  const root = await bootstrap(config);
  let stopping = false;
  let announced = false;
  // A small young generation makes V8 collect streamed request buffers sooner, keeping RSS flat.
  cluster.setupPrimary({ execArgv: [...process.execArgv, '--max-semi-space-size=2'] });
  // Few malloc arenas: socket and file buffers are allocated on several threads, and glibc's
  // default of one arena per thread-core pair grows RSS without making anything faster here.
  const fork = () => cluster.fork({ MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' });
  const listened = new Set<number>();
  cluster.on('listening', (worker, address) => {
    listened.add(worker.id);
    if (announced) return;
    announced = true;
    const host = address.address?.includes(':') ? `[${address.address}]` : (address.address ?? config.host);
    banner(config, `http://${host}:${address.port}`, workers, root);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    if (!listened.has(worker.id)) {
      // It never served: restarting would fail the same way (port taken, bad data dir).
      process.stderr.write(`worker ${worker.process.pid} failed to start (${signal ?? code}); stopping\n`);
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      process.exitCode = 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
      return;
    }
    process.stderr.write(`worker ${worker.process.pid} exited (${signal ?? code}); starting a new one\n`);
    fork();
  });
  for (let i = 0; i < workers; i++) fork();
  onSignals((signal) => {
    stopping = true;
    process.stderr.write(`${signal}: finishing in-flight requests...\n`);
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
}

export async function serve(config: Readonly<Config>): Promise<void> {
  // Fail before forking on a bad topology or flags that do not fit it.
  if (cluster.isPrimary) resolveTopology(config);
  const workers = config.workers > 0 ? config.workers : Math.max(1, availableParallelism());
  if (workers === 1) return runSingle(config);
  if (cluster.isPrimary) return runPrimary(config, workers);
  return runWorker(config);
}
