/**
 * Sovra beside nginx (the plain-HTTP limit) and s3rver (the Node peer), plus any S3 endpoint
 * given by env, under the same workloads. One target runs at a time; every server this script
 * starts is stopped again, on failure and on Ctrl-C too. Never part of npm test or CI.
 *
 *   npm run bench                      full run (about 10-15 min)
 *   BENCH_QUICK=1 npm run bench        smoke run (about 1-2 min)
 *   BENCH_TARGETS=sovra,nginx          subset of sovra,sovra-nofsync,nginx,s3rver (+ the peer when BENCH_PEER_URL is set)
 *   BENCH_PEER_URL=http://127.0.0.1:7480 BENCH_PEER_NAME=ceph BENCH_PEER_ACCESS_KEY=.. BENCH_PEER_SECRET_KEY=..
 *   BENCH_SKIP=list,big,disk           skip workloads; BENCH_CONC=1,16 BENCH_SIZES=4096,1048576 narrow the cells
 *   BENCH_LIST_OBJECTS=100000 BENCH_BIG_MB=2048 BENCH_DISK_MB=1024
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../test/clients/sovra-server.js';
import { goals, machine, printDisk, printGoals, printTables, type TargetResult } from './report.js';
import { peerFromEnv, peersDir, startNginx, startS3rver, startSovraTarget, type Target } from './targets.js';
import { bigUpload, diskBaseline, listBench, runCell, type DiskResult } from './workloads.js';

const env = process.env;
const QUICK = env.BENCH_QUICK === '1';
const MiB = 2 ** 20;
const num = (v: string | undefined, d: number) => (v ? Number(v) : d);
const list = (v: string | undefined, d: string[]) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : d);

const SIZES = list(env.BENCH_SIZES, ['4096', String(MiB), String(64 * MiB)]).map(Number);
const CONCS = list(env.BENCH_CONC, QUICK ? ['1', '16'] : ['1', '16', '64']).map(Number);
const SKIP = new Set(list(env.BENCH_SKIP, []));
const LIST_OBJECTS = num(env.BENCH_LIST_OBJECTS, QUICK ? 2000 : 100_000);
const BIG = num(env.BENCH_BIG_MB, QUICK ? 256 : 2048) * MiB;
const DISK = num(env.BENCH_DISK_MB, QUICK ? 256 : 1024) * MiB;

/** Per size: distinct keys, and per cell a request cap and a time budget (both apply). */
function plan(size: number, conc: number): { keys: number; maxReq: number; budgetMs: number } {
  if (size >= 64 * MiB) return { keys: 64, maxReq: QUICK ? 4 : Math.max(8, conc), budgetMs: QUICK ? 2000 : 8000 };
  if (size >= MiB) return { keys: 100, maxReq: QUICK ? 200 : 3000, budgetMs: QUICK ? 1000 : 5000 };
  return { keys: 1000, maxReq: QUICK ? 2000 : 30_000, budgetMs: QUICK ? 1000 : 5000 };
}

const running: Target[] = [];
async function stopAll(): Promise<void> {
  for (const t of running.splice(0)) await t.stop().catch((e) => console.error(`stopping ${t.name}: ${(e as Error).message}`));
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => { void stopAll().finally(() => process.exit(130)); });

async function benchTarget(t: Target): Promise<TargetResult> {
  const res: TargetResult = { cells: [] };
  await t.createBucket?.('bench');
  for (const size of SIZES) {
    const p = plan(size, 1);
    const written: number[] = [];
    const seen = new Set<number>();
    const key = (i: number) => `obj-${size}-${i % p.keys}`;
    for (const conc of CONCS) {
      const q = plan(size, conc);
      const c = await runCell(t, 'PUT', size, conc, q.maxReq, q.budgetMs, key, (i) => {
        if (!seen.has(i % p.keys)) { seen.add(i % p.keys); written.push(i % p.keys); }
      });
      res.cells.push(c);
      console.log(`  ${t.name} PUT ${size} c=${conc}: ${c.mbps.toFixed(1)} MB/s, ${c.opsps.toFixed(0)} ops/s, client ${c.clientCpuUs.toFixed(0)} µs CPU/op${c.errors ? `, ${c.errors} errors (${c.firstError})` : ''}`);
    }
    if (!written.length) continue;
    for (const conc of CONCS) {
      const q = plan(size, conc);
      const c = await runCell(t, 'GET', size, conc, q.maxReq, q.budgetMs, (i) => `obj-${size}-${written[i % written.length]}`);
      res.cells.push(c);
      console.log(`  ${t.name} GET ${size} c=${conc}: ${c.mbps.toFixed(1)} MB/s, ${c.opsps.toFixed(0)} ops/s, client ${c.clientCpuUs.toFixed(0)} µs CPU/op${c.errors ? `, ${c.errors} errors (${c.firstError})` : ''}`);
    }
  }
  if (t.s3 && !SKIP.has('list')) {
    res.list = await listBench(t, LIST_OBJECTS, QUICK ? 20_000 : 150_000, QUICK ? 20 : 100, QUICK ? 5000 : 30_000);
    console.log(`  ${t.name} list: ${res.list.objects} objects in ${res.list.populateSecs.toFixed(1)} s, median ${res.list.p50ms.toFixed(1)} ms${res.list.error ? ` (error: ${res.list.error})` : ''}`);
  }
  return res;
}

async function main(): Promise<number> {
  const m = machine();
  console.log(`# machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, ${m.kernel}`);
  console.log(`# ${m.note}`);
  const peer = peerFromEnv();
  const wanted = list(env.BENCH_TARGETS, ['sovra', 'sovra-nofsync', 'nginx', 's3rver', ...(peer ? [peer.name] : [])]);
  console.log(`# targets: ${wanted.join(', ')}; sizes ${SIZES.join(', ')}; concurrency ${CONCS.join(', ')}${QUICK ? ' (QUICK)' : ''}`);
  if (wanted.includes('nginx') || wanted.includes('s3rver')) peersDir(); // fail early and clearly when ../shared is absent
  const work = path.join(os.tmpdir(), 'sovra-bench');
  mkdirSync(work, { recursive: true });
  const results: Record<string, TargetResult> = {};
  let disk: DiskResult | undefined;
  const starters: Record<string, () => Promise<Target>> = {
    sovra: () => startSovraTarget(),
    'sovra-nofsync': () => startSovraTarget('sovra-nofsync'),
    nginx: () => startNginx(path.join(work, 'nginx')),
    s3rver: () => startS3rver(path.join(work, 's3rver')),
  };
  if (peer) starters[peer.name] = async () => peer;
  try {
    if (!SKIP.has('disk')) {
      disk = await diskBaseline(path.join(work, 'disk-baseline.bin'), DISK);
      printDisk(disk);
    }
    for (const name of wanted) {
      const start = starters[name];
      if (!start) throw new Error(`unknown target ${name} (known: ${Object.keys(starters).join(', ')})`);
      console.log(`\n## ${name}`);
      let t: Target;
      try {
        t = await start();
      } catch (e) {
        results[name] = { cells: [], error: `did not start: ${(e as Error).message}` };
        console.log(`  ${name} did not start: ${(e as Error).message}`);
        continue;
      }
      running.push(t);
      try {
        results[name] = await benchTarget(t);
      } catch (e) {
        results[name] = { cells: [], error: (e as Error).message };
        console.log(`  ${name} failed: ${(e as Error).message}`);
      }
      if (!SKIP.has('big')) {
        // Sovra's RSS is a goal: measure it on a fresh process, so its VmHWM covers only startup and this upload.
        if (name.startsWith('sovra')) {
          await stopAll();
          t = await startSovraTarget(name);
          running.push(t);
        }
        await t.createBucket?.('bench');
        const big = await bigUpload(t, BIG);
        results[name]!.big = big;
        console.log(`  ${name} ${BIG / MiB} MiB PUT: ${big.mbps.toFixed(1)} MB/s, peak RSS ${big.peakTreeRssMB?.toFixed(1) ?? 'n/a'} MB (idle ${big.idleTreeRssMB?.toFixed(1) ?? 'n/a'} MB)${big.error ? ` (error: ${big.error})` : ''}`);
      }
      await stopAll();
    }
  } finally {
    await stopAll();
  }
  printTables(results, SIZES, CONCS);
  printDisk(disk);
  const gs = goals(results);
  printGoals(gs);
  const json = { when: new Date().toISOString(), machine: m, quick: QUICK, sizes: SIZES, concurrency: CONCS, disk, results, goals: gs };
  const out = path.join(repoRoot(), 'bench', 'results', 'latest.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(json, null, 2) + '\n');
  console.log(`\n${JSON.stringify(json)}`);
  console.log(`\n# written to ${out}`);
  return 0;
}

main().then((c) => process.exit(c), async (e) => {
  console.error(e);
  await stopAll();
  process.exit(1);
});
