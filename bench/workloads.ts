/**
 * The workloads, identical for every target: throughput cells (op × size × concurrency, each
 * bounded by a request count and a time budget), ListObjectsV2 page latency on a big bucket,
 * server RSS during one big streaming PUT, and a raw-disk baseline.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { RawConnection } from './raw-http-client.js';
import type { Target } from './targets.js';

export interface Cell {
  op: 'PUT' | 'GET'; size: number; conc: number;
  ops: number; errors: number; secs: number; mbps: number; opsps: number; p50ms: number; p99ms: number;
  /** The load generator's own CPU (user + system) per request, µs: what the server did not get of the machine. */
  clientCpuUs: number;
  firstError?: string;
}

export const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

/**
 * Runs `conc` request loops until `maxReq` requests were issued or `budgetMs` passed; requests
 * in flight then finish (a hard stop at 6× the budget destroys the sockets).
 */
export async function runCell(t: Target, op: 'PUT' | 'GET', size: number, conc: number, maxReq: number, budgetMs: number,
  keyOf: (i: number) => string, onOk?: (i: number) => void): Promise<Cell> {
  const conns: RawConnection[] = [];
  const lat: number[] = [];
  let issued = 0, errors = 0, bytes = 0;
  let firstError: string | undefined;
  const t0 = now();
  const cpu0 = process.cpuUsage();
  const deadline = t0 + budgetMs;
  let tEnd = t0;
  const loop = async () => {
    // Each loop keeps its own connection, as a client with `conc` connections would.
    const conn = t.connect();
    conns.push(conn);
    while (issued < maxReq && now() < deadline) {
      const i = issued++;
      const s = now();
      try {
        // Never `bytes += await …`: that reads `bytes` before the await and loses concurrent updates.
        const n = op === 'PUT' ? (await t.put(conn, keyOf(i), size), size) : await t.get(conn, keyOf(i));
        bytes += n;
        lat.push(now() - s);
        onOk?.(i);
      } catch (e) {
        errors++;
        firstError ??= (e as Error).message;
      }
      tEnd = now();
    }
  };
  const all = Promise.all(Array.from({ length: conc }, loop));
  const hard = sleep(budgetMs * 6 + 30_000).then(() => 'timeout' as const);
  if ((await Promise.race([all, hard])) === 'timeout') {
    for (const c of conns) c.close();
    firstError ??= 'hard time limit: requests still in flight were cut off';
    await all;
  }
  for (const c of conns) c.close();
  const cpu = process.cpuUsage(cpu0);
  const secs = Math.max(1e-6, (tEnd - t0) / 1000);
  return { op, size, conc, ops: lat.length, errors, secs, clientCpuUs: (cpu.user + cpu.system) / Math.max(1, lat.length + errors), mbps: bytes / 1e6 / secs, opsps: lat.length / secs, p50ms: pct(lat, 50), p99ms: pct(lat, 99), firstError };
}

export interface ListResult { objects: number; populateSecs: number; pages: number; p50ms: number; p99ms: number; keysPerPage: number; error?: string }

/** Fills a bucket with `n` tiny objects (concurrency 64, bounded by a time budget), then times pages of 1000. */
export async function listBench(t: Target, n: number, populateBudgetMs: number, pages: number, pageBudgetMs: number): Promise<ListResult> {
  const bucket = 'bench-list';
  await t.createBucket!(bucket);
  const key = (i: number) => `k/${String(i).padStart(7, '0')}`;
  const t0 = now();
  let next = 0, done = 0, error: string | undefined;
  await Promise.all(Array.from({ length: 64 }, async () => {
    const conn = t.connect();
    while (next < n && now() - t0 < populateBudgetMs && !error) {
      const i = next++;
      try { await t.put(conn, key(i), 100, bucket); done++; } catch (e) { error = (e as Error).message; }
    }
    conn.close();
  }));
  const populateSecs = (now() - t0) / 1000;
  const lat: number[] = [];
  let keys = 0;
  const la = t.connect();
  try {
    let token: string | undefined;
    await t.list!(la, bucket, 'k/'); // warm-up: first touch of the index
    const t1 = now();
    while (lat.length < pages && now() - t1 < pageBudgetMs) {
      const s = now();
      const r = await t.list!(la, bucket, 'k/', token);
      lat.push(now() - s);
      keys += r.keys;
      token = r.next;
    }
  } catch (e) {
    error ??= (e as Error).message;
  }
  la.close();
  return { objects: done, populateSecs, pages: lat.length, p50ms: pct(lat, 50), p99ms: pct(lat, 99), keysPerPage: lat.length ? keys / lat.length : 0, error };
}

/** Descendants of pid (its workers), found through /proc's parent links. */
function tree(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [c, p] of parent) if (p === out[i]) out.push(c);
  return out;
}

const statusKb = (pid: number, field: string) => {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
};

export interface BigUpload {
  bytes: number; secs: number; mbps: number;
  /** Sum of VmRSS over the server's process tree: before the upload, and the highest sample during it. */
  idleTreeRssMB?: number; peakTreeRssMB?: number;
  /** VmHWM of the main process only (workers not included). */
  vmHwmMB?: number;
  error?: string;
}

/** One streaming PUT of `size` bytes; samples the server's RSS (with children) every 50 ms. */
export async function bigUpload(t: Target, size: number): Promise<BigUpload> {
  let peak = 0;
  let pids = t.pid ? tree(t.pid) : [];
  const rss = () => pids.reduce((a, p) => a + statusKb(p, 'VmRSS'), 0);
  const idle = rss();
  const sample = () => { peak = Math.max(peak, rss()); };
  const timer = setInterval(sample, 50);
  const retree = setInterval(() => { if (t.pid) pids = tree(t.pid); }, 1000);
  const conn = t.connect();
  const t0 = now();
  let error: string | undefined;
  try { await t.put(conn, 'big-stream', size); } catch (e) { error = (e as Error).message; }
  const secs = (now() - t0) / 1000;
  sample();
  clearInterval(timer);
  clearInterval(retree);
  conn.close();
  const res: BigUpload = { bytes: size, secs, mbps: error ? NaN : size / 1e6 / secs, error };
  if (t.pid) {
    res.peakTreeRssMB = peak / 1024;
    res.idleTreeRssMB = idle / 1024;
    res.vmHwmMB = statusKb(t.pid, 'VmHWM') / 1024;
  }
  return res;
}

export interface DiskResult { bytes: number; writeMBps: number; readMBps: number; readFrom: 'disk' | 'page cache' }

/** dd-like: write+fsync then read back one file with Node fs in 1 MiB blocks. */
export async function diskBaseline(file: string, size: number): Promise<DiskResult> {
  const buf = randomBytes(1 << 20);
  const t0 = now();
  const fh = await fsp.open(file, 'w');
  for (let left = size; left > 0; left -= buf.length) await fh.write(buf, 0, Math.min(left, buf.length));
  await fh.sync();
  await fh.close();
  const writeMBps = size / 1e6 / ((now() - t0) / 1000);
  let readFrom: DiskResult['readFrom'] = 'page cache';
  // Dropping the page cache needs root; without it the read measures memory, and says so.
  try { writeFileSync('/proc/sys/vm/drop_caches', '1'); readFrom = 'disk'; } catch { /* not permitted */ }
  const t1 = now();
  const rh = await fsp.open(file, 'r');
  while ((await rh.read(buf, 0, buf.length, null)).bytesRead > 0) { /* count only */ }
  await rh.close();
  const readMBps = size / 1e6 / ((now() - t1) / 1000);
  await fsp.rm(file, { force: true });
  return { bytes: size, writeMBps, readMBps, readFrom };
}
