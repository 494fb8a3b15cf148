/**
 * What one small request costs the server, independent of how busy the machine is: starts
 * Sovra as one process (SOVRA_WORKERS=1), drives N signed PUTs then N GETs of one object size
 * at a fixed concurrency over keep-alive connections, and reports the server's CPU time per
 * request (user and system, from /proc) for each phase, after a warm-up phase of each.
 * Optional views of the same phases:
 *
 *   npm run bench:cost                         CPU µs per 4 KiB PUT and GET (N=20000, c=64)
 *   COST_N=5000 COST_CONC=16 COST_SIZE=4096    requests per phase, concurrency, object size
 *   COST_WORKERS=2                             server processes (default 1), CPU summed over all of them
 *   COST_OPS=get                               only these phases (put,get; PUT runs anyway to fill the keys)
 *   COST_CALLGRIND=1                           server under valgrind --tool=callgrind: instructions per request
 *                                              (N defaults to 2000; annotate the dumps with callgrind_annotate)
 *   COST_STRACE=1                              syscalls per request (strace -c -f attached for each phase)
 *   COST_PROF=dir                              node --cpu-prof of the server, written to dir when it stops; prints
 *                                              each phase's span in the profile's clock (COST_PROF_INTERVAL µs, 200)
 *   COST_ENV='SOVRA_FSYNC=false ...'           extra server environment
 *   COST_NODE_ARGS='--max-semi-space-size=8'   extra node flags for the server
 *   COST_SIGNAL=SIGUSR2                        sent to the server as each measured phase starts and ends (for a
 *                                              profiler preloaded with COST_NODE_ARGS=--import=...)
 *   COST_LOG=file                              keep a copy of the server's log (e.g. with COST_NODE_ARGS=--trace-gc)
 *
 * CPU times need no lock (they barely depend on load); the ops/s it prints do, so hold
 * /tmp/bench.lock when reading those. Never part of npm test.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { groupPids, removeServerDirs, startSovra } from '../test/clients/sovra-server.js';
import { s3Target, type Target } from './targets.js';

const env = process.env;
const CALLGRIND = env.COST_CALLGRIND === '1';
const STRACE = env.COST_STRACE === '1';
const N = Number(env.COST_N ?? (CALLGRIND ? 2000 : STRACE ? 5000 : 20_000));
const WARM = Number(env.COST_WARM ?? Math.min(N, CALLGRIND ? 1000 : 5000));
const CONC = Number(env.COST_CONC ?? 64);
const SIZE = Number(env.COST_SIZE ?? 4096);
const KEYS = 1000;
/** Server processes (SOVRA_WORKERS); their CPU is summed. */
const WORKERS = Number(env.COST_WORKERS ?? 1);
const OPS = new Set((env.COST_OPS ?? 'put,get').split(',').map((s) => s.trim()));
const extraEnv = Object.fromEntries((env.COST_ENV ?? '').split(/\s+/).filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const TICK_US = 1e6 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/**
 * CPU the server has used so far: user and system µs of every process of its group (all
 * threads), from /proc/<pid>/stat. Workers that exited are not counted: none should.
 */
function cpuOf(pgid: number): { user: number; sys: number } {
  let user = 0, sys = 0;
  for (const pid of groupPids(pgid)) {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    user += Number(f[11]) * TICK_US;
    sys += Number(f[12]) * TICK_US;
  }
  return { user, sys };
}

/** `n` requests, `conc` at a time; returns wall seconds and the number that failed. */
async function drive(t: Target, op: 'PUT' | 'GET', n: number): Promise<{ secs: number; errors: number; firstError?: string }> {
  let next = 0, errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONC }, async () => {
    const conn = t.connect();
    while (next < n) {
      const key = `obj-${next++ % KEYS}`;
      try {
        if (op === 'PUT') await t.put(conn, key, SIZE);
        else await t.get(conn, key);
      } catch (e) {
        errors++;
        firstError ??= (e as Error).message;
      }
    }
    conn.close();
  }));
  return { secs: (performance.now() - t0) / 1000, errors, firstError };
}

/** Attaches a tool to the server for the span of `body`, stops it with SIGINT, waits for it to write its report. */
async function attached<T>(cmd: string[], body: () => Promise<T>): Promise<T> {
  const child = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
  await new Promise((r) => setTimeout(r, 1000)); // strace needs a moment to attach to every thread
  try {
    return await body();
  } finally {
    const done = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await done;
  }
}

/** Total instructions in the newest callgrind dump ("totals:" or "summary:" line). */
function callgrindTotal(dir: string, before: Set<string>): number {
  for (let i = 0; i < 100; i++) {
    const fresh = readdirSync(dir).filter((f) => f.startsWith('callgrind.out') && !before.has(f));
    for (const f of fresh) {
      const m = /^(?:totals|summary):\s*(\d+)/m.exec(readFileSync(path.join(dir, f), 'utf8'));
      if (m) return Number(m[1]);
    }
    execFileSync('sleep', ['0.2']);
  }
  throw new Error(`no callgrind dump appeared in ${dir}`);
}

interface Row { phase: string; n: number; errors: number; opsps: number; userUs: number; sysUs: number; instr?: number; syscalls?: string }

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'sovra-cost-'));
  const prof = env.COST_PROF ? path.resolve(env.COST_PROF) : undefined;
  if (prof) mkdirSync(prof, { recursive: true });
  const wrapper = CALLGRIND
    ? ['valgrind', '--tool=callgrind', '--dump-instr=no', '--collect-atstart=yes', `--callgrind-out-file=${work}/callgrind.out.%p`]
    : undefined;
  const s = await startSovra({
    env: { SOVRA_WORKERS: String(WORKERS), ...extraEnv },
    ...(wrapper ? { wrapper, startTimeoutMs: 600_000 } : {}),
    nodeArgs: [...(env.COST_NODE_ARGS ?? '').split(/\s+/).filter(Boolean), ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [])],
  });
  console.log(`# server pid ${s.pid} (${CALLGRIND ? 'under callgrind' : 'native'}, ${WORKERS} process${WORKERS === 1 ? '' : 'es'}), ${SIZE} B objects, c=${CONC}, N=${N} per phase after ${WARM} warm-up, log ${s.logPath}`);
  const t = s3Target('sovra', s.url, s.accessKey, s.secretKey, async () => {});
  const rows: Row[] = [];
  try {
    await t.createBucket!('bench');
    for (const op of ['PUT', 'GET'] as const) {
      if (op === 'GET' && !OPS.has('get')) continue;
      // Every key is written once before GETs; PUT warms up fully only when it is measured.
      const w = await drive(t, op, op === 'PUT' ? (OPS.has('put') ? Math.max(WARM, KEYS) : KEYS) : WARM);
      if (w.errors) throw new Error(`warm-up ${op}: ${w.errors} errors, first: ${w.firstError}`);
      if (op === 'PUT' && !OPS.has('put')) continue;
      let instr: number | undefined;
      let syscalls: string | undefined;
      const dumps = new Set(readdirSync(work));
      if (CALLGRIND) execFileSync('callgrind_control', ['-z', String(s.pid)], { stdio: 'ignore' });
      const c0 = cpuOf(s.pid);
      const straceOut = path.join(work, `strace-${op}.txt`);
      // CLOCK_MONOTONIC µs, the clock of a .cpuprofile's sample times: to cut one phase out of the profile.
      const mono = () => Number(process.hrtime.bigint() / 1000n);
      const run = async () => {
        const from = mono();
        if (env.COST_SIGNAL) process.kill(s.pid, env.COST_SIGNAL);
        const r = await drive(t, op, N);
        if (env.COST_SIGNAL) process.kill(s.pid, env.COST_SIGNAL);
        if (prof) console.log(`# ${op} phase: monotonic µs ${from} to ${mono()}`);
        return r;
      };
      const r = STRACE ? await attached(['strace', '-c', '-f', '-o', straceOut, '-p', String(s.pid)], run) : await run();
      const c1 = cpuOf(s.pid);
      if (CALLGRIND) {
        execFileSync('callgrind_control', ['-d', `${op}-phase`, String(s.pid)], { stdio: 'ignore' });
        instr = callgrindTotal(work, dumps) / N;
      }
      if (STRACE) syscalls = readFileSync(straceOut, 'utf8');
      rows.push({
        phase: op, n: N, errors: r.errors, opsps: N / r.secs,
        userUs: (c1.user - c0.user) / N, sysUs: (c1.sys - c0.sys) / N, instr, syscalls,
      });
      if (r.errors) console.log(`  ${op}: ${r.errors} errors, first: ${r.firstError}`);
    }
  } finally {
    await s.stop(CALLGRIND ? 120_000 : 15_000);
    if (env.COST_LOG) copyFileSync(s.logPath, env.COST_LOG);
    removeServerDirs(s);
  }
  for (const r of rows) {
    console.log(`${r.phase} ${SIZE} B c=${CONC}: server CPU ${(r.userUs + r.sysUs).toFixed(0)} µs/req (user ${r.userUs.toFixed(0)}, sys ${r.sysUs.toFixed(0)})` +
      (r.instr !== undefined ? `, ${Math.round(r.instr).toLocaleString('en')} instructions/req (user space, all threads)` : '') +
      `, ${r.opsps.toFixed(0)} ops/s${r.errors ? `, ${r.errors} errors` : ''}`);
    if (r.syscalls) {
      console.log(`  syscalls per request (strace -c -f; timing under strace is meaningless):`);
      for (const line of r.syscalls.split('\n')) {
        const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(\d+)?\s*(\S+)$/.exec(line);
        if (m && m[3] !== 'total') console.log(`    ${m[3]!.padEnd(16)} ${(Number(m[1]) / r.n).toFixed(2)}${m[2] ? ` (${(Number(m[2]) / r.n).toFixed(2)} errors)` : ''}`);
        else if (m) console.log(`    ${'total'.padEnd(16)} ${(Number(m[1]) / r.n).toFixed(2)}`);
      }
    }
  }
  if (CALLGRIND) console.log(`# callgrind dumps in ${work} (callgrind_annotate --inclusive=yes <file>)`);
  else rmSync(work, { recursive: true, force: true });
  if (prof) console.log(`# CPU profile written to ${prof}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
