/**
 * Starts and stops a real Sovra server process for the black-box suites (real clients,
 * crash test, benchmark). It imports nothing from src/: these suites treat the server as
 * a binary, the way a customer's tools do.
 *
 * SOVRA_TEST_ENDPOINT (+ SOVRA_TEST_ACCESS_KEY / SOVRA_TEST_SECRET_KEY) points a suite at an
 * already running S3 server instead (used to prove the suites against s3rver).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

export interface Endpoint {
  url: string;
  host: string;
  port: number;
  accessKey: string;
  secretKey: string;
  region: string;
}

export interface SovraServer extends Endpoint {
  pid: number;
  dataDir: string;
  logPath: string;
  /** Whether this helper started the process (false for SOVRA_TEST_ENDPOINT). */
  managed: boolean;
  /** SIGTERM, wait (then SIGKILL after the grace period); resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<string>;
  /** kill -9, then wait for the process to be gone. */
  kill9(): Promise<void>;
  exited(): boolean;
}

/** The repository root: the nearest ancestor with the project's package.json. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (existsSync(pj) && /"name":\s*"sovra"/.test(readFileSync(pj, 'utf8'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the sovra repository root above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** A port that was free a moment ago (the kernel picks it; we release it for the server). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** True once anything answers HTTP on the port (an S3 error document counts as "up"). */
export function httpAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Servers run in their own process group (`sovra serve` may fork cluster workers), so a crash
 * can kill the whole group at once, as a machine crash would, rather than only the primary
 * (whose workers would then finish their requests gracefully). Groups still running when this
 * process exits or is interrupted get SIGKILL, so no test leaves a server behind.
 */
const live = new Set<ChildProcess>();
const killGroup = (c: ChildProcess, sig: NodeJS.Signals) => {
  try { process.kill(-(c.pid ?? 0), sig); } catch { /* already gone */ }
};
process.on('exit', () => {
  for (const c of live) killGroup(c, 'SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    for (const c of live) killGroup(c, 'SIGKILL');
    // Another handler (the benchmark's) may still have servers of its own to stop.
    if (process.listenerCount(sig) === 0) process.exit(130);
  });

/** Pids whose process group is `pgid` (the server and any workers it forked). */
export function groupPids(pgid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid && f[0] !== 'Z') out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

export function externalEndpoint(): Endpoint | undefined {
  const url = process.env.SOVRA_TEST_ENDPOINT;
  if (!url) return undefined;
  const u = new URL(url);
  return {
    url: url.replace(/\/$/, ''),
    host: u.hostname,
    port: Number(u.port || 80),
    accessKey: process.env.SOVRA_TEST_ACCESS_KEY ?? 'S3RVER',
    secretKey: process.env.SOVRA_TEST_SECRET_KEY ?? 'S3RVER',
    region: process.env.SOVRA_TEST_REGION ?? 'eu-fra',
  };
}

export interface StartOptions {
  /** Reuse a data dir (restart after a crash); default: a new one under a new temp dir. */
  dataDir?: string;
  port?: number;
  accessKey?: string;
  secretKey?: string;
  /** Where the server's stdout+stderr go (appended); default beside the data dir. */
  logPath?: string;
  startTimeoutMs?: number;
  env?: Record<string, string>;
  /** A command the server runs under, e.g. ['valgrind', '--tool=callgrind'] (benchmarks only). */
  wrapper?: string[];
  /** Extra node flags, e.g. ['--cpu-prof'] (benchmarks only). */
  nodeArgs?: string[];
}

/** Starts `node dist/src/cli/main.js serve` and resolves once it answers HTTP. */
export async function startSovra(opts: StartOptions = {}): Promise<SovraServer> {
  const root = repoRoot();
  const main = path.join(root, 'dist/src/cli/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm ci / npm run build)`);
  const base = opts.dataDir ? path.dirname(opts.dataDir) : mkdtempSync(path.join(os.tmpdir(), 'sovra-blackbox-'));
  const dataDir = opts.dataDir ?? path.join(base, 'data');
  mkdirSync(dataDir, { recursive: true });
  const logPath = opts.logPath ?? path.join(base, 'server.log');
  const port = opts.port ?? (await freePort());
  const accessKey = opts.accessKey ?? 'SOVRATEST' + randomBytes(6).toString('hex').toUpperCase();
  const secretKey = opts.secretKey ?? randomBytes(24).toString('base64url');
  // The log is a file, not a pipe: a suite that blocks in spawnSync must never stall the server on a full pipe.
  const fd = openSync(logPath, 'a');
  const wrapper = opts.wrapper ?? [];
  const child = spawn(
    wrapper[0] ?? process.execPath,
    [...wrapper.slice(1), ...(wrapper.length ? [process.execPath] : []), ...(opts.nodeArgs ?? []), main, 'serve', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', String(port)],
    {
      cwd: root,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: {
        ...process.env,
        SOVRA_ROOT_ACCESS_KEY: accessKey,
        SOVRA_ROOT_SECRET_KEY: secretKey,
        SOVRA_DATA_DIR: dataDir,
        SOVRA_HOST: '127.0.0.1',
        SOVRA_PORT: String(port),
        ...opts.env,
      },
    },
  );
  closeSync(fd);
  live.add(child);
  const done = new Promise<string>((resolve) =>
    child.once('exit', (code, sig) => {
      live.delete(child);
      resolve(sig ?? `exit ${code}`);
    }),
  );
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  while (!(await httpAnswers(port))) {
    if (exited() || Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      const how = exited() ? `exited (${await done})` : 'did not answer in time';
      throw new Error(`sovra serve ${how} on port ${port}; log ${logPath}:\n${tail(logPath, 30)}`);
    }
    await sleep(100);
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url, host: '127.0.0.1', port, accessKey, secretKey, region: 'eu-fra',
    pid: child.pid ?? -1, dataDir, logPath, managed: true, exited,
    async stop(graceMs = 15_000) {
      if (exited()) return await done;
      child.kill('SIGTERM');
      const t = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      const how = await done;
      clearTimeout(t);
      await groupGone(child.pid ?? 0);
      return how;
    },
    async kill9() {
      killGroup(child, 'SIGKILL');
      await done;
      await groupGone(child.pid ?? 0);
    },
  };
}

/** Waits until no process of the group is left (workers die a moment after the primary). */
async function groupGone(pgid: number): Promise<void> {
  for (let i = 0; i < 100 && groupPids(pgid).length; i++) await sleep(50);
  const left = groupPids(pgid);
  if (left.length) throw new Error(`processes of server group ${pgid} still alive: ${left.join(', ')}`);
}

/** A Sovra to test against: the external endpoint if one is set, else a fresh managed server. */
export async function sovraOrExternal(opts: StartOptions = {}): Promise<SovraServer> {
  const ext = externalEndpoint();
  if (!ext) return await startSovra(opts);
  return {
    ...ext, pid: -1, dataDir: '', logPath: '', managed: false,
    exited: () => false,
    stop: async () => 'external',
    kill9: async () => { throw new Error('cannot kill an external endpoint'); },
  };
}

/** Removes a temp tree made by startSovra (the parent of the data dir). */
export function removeServerDirs(s: SovraServer): void {
  if (s.managed && s.dataDir) rmSync(path.dirname(s.dataDir), { recursive: true, force: true });
}

export function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
