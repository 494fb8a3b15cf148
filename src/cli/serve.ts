/**
 * `sovra serve`: run the embedded S3 server in `--workers` processes (default one per core),
 * every one of them serving. The first one also supervises: it creates the operator's root
 * key before any other process starts, binds the port, forks the others, deals each new
 * connection in turn to itself or to one of them (the socket travels over IPC, as node:cluster
 * does it, so the load is spread evenly), restarts one that crashes after serving, and stops
 * everything when one fails to start. A process that only supervised would cost a whole Node
 * runtime of memory and serve nothing. All processes share the data directory (each registers
 * as a live storage instance); SIGINT/SIGTERM drain in-flight requests everywhere before exit.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import type { RunningApp } from '../app/start.js';
import type { OperatorCredentials } from '../tenancy/index.js';
import { resolveTopology } from '../app/topology-source.js';
import type { Config } from '../config/index.js';
import { serveHandedConnections } from '../http/index.js';

/** Set in the environment of the processes the first one forks: the address it bound (JSON). */
const CHILD_ENV = 'SOVRA_SERVE_CHILD';

/** Messages between the first process and the others (a dealt socket travels as the handle of a 'connection' message). */
type Message = { sovra: 'connection' | 'listening' };
const isMessage = (m: unknown, kind: Message['sovra']): boolean => typeof m === 'object' && m !== null && (m as Message).sovra === kind;

/** The operator's root key, made (or imported, or taken from config) before any other process starts. */
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

/** Loaded lazily: `sovra serve --help` and the other commands never load the storage stack. */
async function startApp(config: Readonly<Config>): Promise<RunningApp> {
  const { startApp: start } = await import('../app/start.js');
  return start(config);
}

/** Tells the first process; quietly does nothing once it is gone (this process then stops on 'disconnect'). */
function tell(kind: Message['sovra']): void {
  process.send?.({ sovra: kind } satisfies Message, undefined, undefined, () => {});
}

/** A process forked by the first one: serves the connections it is dealt, stops on a signal or when the first one is gone. */
async function runChild(config: Readonly<Config>, address: AddressInfo): Promise<void> {
  let app: RunningApp | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Not started yet: nothing is in flight, and the store is safe to leave at any point.
    await app?.close();
    process.exit(0);
  };
  onSignals(() => void stop());
  process.on('disconnect', () => void stop());
  const early: Socket[] = [];
  let serveOne: ((socket: Socket) => void) | undefined;
  process.on('message', (m: unknown, socket: unknown) => {
    if (!isMessage(m, 'connection') || !(socket instanceof Socket)) return;
    if (serveOne) serveOne(socket);
    else early.push(socket);
  });
  serveHandedConnections({
    address,
    start(serve) {
      serveOne = serve;
      for (const socket of early.splice(0)) serve(socket);
    },
    // The first process stops dealing; one already on its way is still served (then closed).
    stop() {},
  });
  app = await startApp(config);
  tell('listening');
}

/** Binds host:port; connections are dealt to the processes, not read here. */
function bind(config: Readonly<Config>): Promise<Server> {
  const dealer = createServer({ pauseOnConnect: true });
  return new Promise((resolveBound, reject) => {
    dealer.once('error', reject);
    dealer.listen(config.port, config.host, () => {
      dealer.off('error', reject);
      resolveBound(dealer);
    });
  });
}

/** The first process: bootstraps, binds, serves, forks `workers - 1` others, deals connections and supervises. */
async function runFirst(config: Readonly<Config>, workers: number): Promise<void> {
  mkdirSync(config.dataDir, { recursive: true });
  // Created here, before any other process starts, so only this banner can show a generated secret.
  const root = await bootstrap(config);
  const dealer = await bind(config);
  const address = dealer.address() as AddressInfo;
  /** `listened`: it serves, so it is dealt connections (and a crash is worth a restart). */
  const children = new Map<ChildProcess, { listened: boolean }>();
  let stopping = false;
  let app: Promise<RunningApp | undefined> = Promise.resolve(undefined);

  // Round robin over this process and the others that serve. This one reads nothing from a
  // socket it deals (pauseOnConnect), and keeps its copy only of those it serves itself.
  const early: Socket[] = [];
  let serveHere: ((socket: Socket) => void) | undefined;
  let turn = 0;
  dealer.on('connection', (socket: Socket) => {
    const serving = [...children].filter(([c, s]) => s.listened && c.connected).map(([c]) => c);
    const to = serving[turn++ % (serving.length + 1)];
    if (to === undefined) return void (serveHere ? serveHere(socket) : early.push(socket));
    to.send({ sovra: 'connection' } satisfies Message, socket, undefined, (err: (Error & { code?: string }) | null) => {
      if (!err) return;
      // Not sent, that process being gone: serve it here rather than drop it. (Any other
      // failure has already closed the socket's handle.)
      if (err.code === 'ERR_IPC_CHANNEL_CLOSED') return void (serveHere ? serveHere(socket) : early.push(socket));
      socket.destroy();
    });
  });
  serveHandedConnections({
    address,
    start(serve) {
      serveHere = serve;
      for (const socket of early.splice(0)) serve(socket);
    },
    stop: () => void dealer.close(),
  });

  const childrenGone = () =>
    Promise.all([...children.keys()].map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
  const stopAll = async (exitCode: number, why?: string) => {
    if (stopping) return;
    stopping = true;
    if (why) process.stderr.write(why);
    process.exitCode = exitCode;
    dealer.close();
    for (const c of children.keys()) c.kill('SIGTERM');
    await (await app.catch(() => undefined))?.close();
    await childrenGone();
    process.exit(process.exitCode ?? exitCode);
  };

  const forkChild = () => {
    const child = fork(process.argv[1] ?? '', process.argv.slice(2), {
      execArgv: [...process.execArgv, `--max-semi-space-size=${YOUNG_GENERATION_MB}`],
      // Few malloc arenas: socket and file buffers are allocated on several threads, and glibc's
      // default of one arena per thread-core pair grows RSS without making anything faster here.
      env: { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2', [CHILD_ENV]: JSON.stringify(address) },
    });
    const state = { listened: false };
    children.set(child, state);
    child.on('message', (m) => {
      if (isMessage(m, 'listening')) state.listened = true;
    });
    child.on('exit', (code, signal) => {
      children.delete(child);
      if (stopping) return;
      if (!state.listened) {
        // It never served: restarting would fail the same way (bad data dir, broken install).
        void stopAll(1, `worker ${child.pid} failed to start (${signal ?? code}); stopping\n`);
        return;
      }
      process.stderr.write(`worker ${child.pid} exited (${signal ?? code}); starting a new one\n`);
      forkChild();
    });
  };

  onSignals((signal) => void stopAll(0, `${signal}: finishing in-flight requests...\n`));
  // The others start (and open the storage) while this one does.
  for (let i = 1; i < workers; i++) forkChild();
  const starting = startApp(config);
  app = starting;
  let running: RunningApp;
  try {
    running = await starting;
  } catch (e) {
    // This process cannot serve (bad data dir...): the others must not linger.
    stopping = true;
    dealer.close();
    for (const c of children.keys()) c.kill('SIGTERM');
    await childrenGone();
    throw e;
  }
  if (stopping) return;
  banner(config, running.url, workers, root);
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

/**
 * Streaming a body allocates a 64 KiB buffer per socket read but little else on the JS heap,
 * so V8 collects those buffers only when its young generation fills: with the default (up to
 * 16 MiB per semi-space) dozens of MiB of spent buffers wait for it. 1 MiB halves the RSS a
 * large upload adds (measured: +15 MB instead of +30 MB) at no cost in throughput.
 */
const YOUNG_GENERATION_MB = 1;

/**
 * The processes this one forks get the flag on their command line; this one started without
 * it, and the maximum is fixed once V8 runs, but keeping the young generation from growing
 * past its initial 1 MiB has the same effect and takes effect at any time.
 */
function keepYoungGenerationSmall(): void {
  if (!process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) setFlagsFromString('--semi-space-growth-factor=1');
}

export async function serve(config: Readonly<Config>): Promise<void> {
  keepYoungGenerationSmall();
  const workers = config.workers > 0 ? config.workers : Math.max(1, availableParallelism());
  const dealt = process.env[CHILD_ENV];
  if (dealt !== undefined && process.send !== undefined) return runChild(config, JSON.parse(dealt) as AddressInfo);
  // Fail before forking on a bad topology or flags that do not fit it.
  resolveTopology(config);
  return workers === 1 ? runSingle(config) : runFirst(config, workers);
}
