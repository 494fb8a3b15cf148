/**
 * Turns raw results into the printed tables, the issue's goals with PASS/FAIL, and JSON.
 * Absolute numbers on a shared 2-core machine drift from run to run; the ratios against
 * nginx and s3rver measured in the same run are what the goals are stated in.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { BigUpload, Cell, DiskResult, ListResult } from './workloads.js';

export interface TargetResult { cells: Cell[]; list?: ListResult; big?: BigUpload; error?: string }
export interface Goal { goal: string; value: string; pass: boolean | null }

export function machine(): Record<string, string | number> {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? '?';
  return {
    cpu, cores: os.cpus().length, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    note: 'load generator and servers share these cores; one server is measured at a time',
  };
}

const sizeName = (n: number) => (n >= 2 ** 20 ? `${n / 2 ** 20} MiB` : `${n / 1024} KiB`);
const f = (x: number | undefined, d = 1) => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));
/** One line, short: error texts are XML documents with newlines. */
const short = (e: string) => e.replace(/\s+/g, ' ').slice(0, 100);
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

export function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => pad(c, w[i]!)).join('  ');
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

const cellOf = (r: TargetResult | undefined, op: string, size: number, conc: number) =>
  r?.cells.find((c) => c.op === op && c.size === size && c.conc === conc);
const ratio = (a?: number, b?: number) => (a !== undefined && b ? (a / b).toFixed(2) : 'n/a');

export function printTables(results: Record<string, TargetResult>, sizes: number[], concs: number[]): void {
  const names = Object.keys(results);
  for (const op of ['PUT', 'GET'] as const) {
    for (const size of sizes) {
      console.log(`\n${op} ${sizeName(size)}: MB/s, ops/s, latency p50/p99 ms (! = errors)`);
      const rows = concs.map((conc) => {
        const cs = names.map((n) => cellOf(results[n], op, size, conc));
        const cols = cs.map((c) => (c ? `${f(c.mbps)} MB/s ${f(c.opsps, 0)}/s ${f(c.p50ms)}/${f(c.p99ms)}${c.errors ? ` !${c.errors}` : ''}` : 'n/a'));
        const s = cellOf(results.sovra, op, size, conc)?.mbps;
        return [String(conc), ...cols, ratio(s, cellOf(results.nginx, op, size, conc)?.mbps), ratio(s, cellOf(results.s3rver, op, size, conc)?.mbps)];
      });
      console.log(table(['conc', ...names, 'sovra/nginx', 'sovra/s3rver'], rows));
    }
  }
  console.log('\nListObjectsV2, pages of 1000 keys (sequential walk with continuation tokens)');
  console.log(table(['target', 'objects', 'populate s', 'pages', 'median ms', 'p99 ms', 'keys/page'], names.map((n) => {
    const l = results[n]!.list;
    return l ? [n, String(l.objects), f(l.populateSecs), String(l.pages), f(l.p50ms), f(l.p99ms), f(l.keysPerPage, 0) + (l.error ? ` (error: ${short(l.error)})` : '')]
      : [n, 'n/a (no listing)', '', '', '', '', ''];
  })));
  console.log('\nOne streaming PUT (server RSS sampled every 50 ms, process tree; VmHWM of the main process)');
  console.log(table(['target', 'bytes', 'MB/s', 'idle RSS MB', 'peak RSS MB', 'VmHWM MB (main)'], names.map((n) => {
    const b = results[n]!.big;
    return b ? [n, String(b.bytes), f(b.mbps) + (b.error ? ` (error: ${short(b.error)})` : ''), f(b.idleTreeRssMB), f(b.peakTreeRssMB), f(b.vmHwmMB)] : [n, 'n/a', '', '', '', ''];
  })));
  for (const n of names) {
    const errs = results[n]!.cells.filter((c) => c.firstError);
    for (const c of errs) console.log(`! ${n} ${c.op} ${sizeName(c.size)} c=${c.conc}: ${c.errors} errors, first: ${short(c.firstError ?? '')}`);
    if (results[n]!.error) console.log(`! ${n}: ${short(results[n]!.error!)}`);
  }
}

export function printDisk(d: DiskResult | undefined): void {
  if (!d) return;
  console.log(`\nRaw disk (Node fs, 1 MiB blocks, ${d.bytes / 2 ** 20} MiB): write+fsync ${f(d.writeMBps)} MB/s, read ${f(d.readMBps)} MB/s (from ${d.readFrom})`);
}

const best = (r: TargetResult | undefined, op: string, size: number) => {
  const xs = (r?.cells ?? []).filter((c) => c.op === op && c.size === size && !c.errors).map((c) => c.mbps);
  return xs.length ? Math.max(...xs) : undefined;
};

export function goals(results: Record<string, TargetResult>): Goal[] {
  const s = results.sovra, n = results.nginx, r = results.s3rver;
  const out: Goal[] = [];
  const frac = (name: string, a: number | undefined, b: number | undefined, min: number) => {
    out.push(a === undefined || b === undefined ? { goal: name, value: 'n/a', pass: null }
      : { goal: name, value: `${(a / b * 100).toFixed(0)}% (${f(a)} vs ${f(b)} MB/s)`, pass: a >= min * b });
  };
  const M64 = 64 * 2 ** 20;
  frac('64 MiB GET >= 80% of nginx GET (best over concurrency)', best(s, 'GET', M64), best(n, 'GET', M64), 0.8);
  frac('64 MiB PUT >= 70% of nginx WebDAV PUT (best over concurrency)', best(s, 'PUT', M64), best(n, 'PUT', M64), 0.7);
  // nginx does not fsync; the no-fsync Sovra run is the like-for-like reading of the same goal.
  if (results['sovra-nofsync']) {
    frac('64 MiB PUT >= 70% of nginx WebDAV PUT, both without fsync', best(results['sovra-nofsync'], 'PUT', M64), best(n, 'PUT', M64), 0.7);
    const sn = cellOf(results['sovra-nofsync'], 'PUT', 4096, 64), no = cellOf(n, 'PUT', 4096, 64);
    if (sn && no && !sn.errors && !no.errors) {
      out.push({ goal: '4 KiB PUT ops/s at c=64 >= 1/3 of nginx, both without fsync', value: `${f(sn.opsps, 0)} vs ${f(no.opsps, 0)} (${(sn.opsps / no.opsps).toFixed(2)}x)`, pass: sn.opsps * 3 >= no.opsps });
    }
  }
  for (const op of ['GET', 'PUT']) {
    const so = cellOf(s, op, 4096, 64), no = cellOf(n, op, 4096, 64), ro = cellOf(r, op, 4096, 64);
    const ok = (c?: Cell) => c && !c.errors;
    out.push(!ok(so) || !ok(no) ? { goal: `4 KiB ${op} ops/s at c=64 >= 1/3 of nginx`, value: 'n/a', pass: null }
      : { goal: `4 KiB ${op} ops/s at c=64 >= 1/3 of nginx`, value: `${f(so!.opsps, 0)} vs ${f(no!.opsps, 0)} (${(so!.opsps / no!.opsps).toFixed(2)}x)`, pass: so!.opsps * 3 >= no!.opsps });
    out.push(!ok(so) || !ok(ro) ? { goal: `4 KiB ${op} ops/s at c=64 >= 5x s3rver`, value: 'n/a', pass: null }
      : { goal: `4 KiB ${op} ops/s at c=64 >= 5x s3rver`, value: `${f(so!.opsps, 0)} vs ${f(ro!.opsps, 0)} (${(so!.opsps / ro!.opsps).toFixed(2)}x)`, pass: so!.opsps >= 5 * ro!.opsps });
  }
  const l = s?.list;
  out.push(!l || !l.pages ? { goal: 'ListObjectsV2 1000 keys median < 20 ms', value: 'n/a', pass: null }
    : { goal: 'ListObjectsV2 1000 keys median < 20 ms', value: `${f(l.p50ms)} ms (p99 ${f(l.p99ms)} ms, ${l.objects} objects)`, pass: l.p50ms < 20 && !l.error });
  const b = s?.big;
  out.push(!b || b.peakTreeRssMB === undefined ? { goal: 'peak RSS < 200 MB during the big upload', value: 'n/a', pass: null }
    : { goal: `peak RSS < 200 MB during a ${b.bytes / 2 ** 30} GiB upload`, value: `${f(b.peakTreeRssMB)} MB, all processes (idle ${f(b.idleTreeRssMB)} MB)${b.error ? `; upload failed: ${short(b.error)}` : ''}`, pass: b.peakTreeRssMB < 200 && !b.error });
  return out;
}

export function printGoals(gs: Goal[]): void {
  console.log('\nGoals');
  console.log(table(['result', 'goal', 'measured'], gs.map((g) => [g.pass === null ? 'N/A' : g.pass ? 'PASS' : 'FAIL', g.goal, g.value])));
  console.log([
    'Notes: nginx answers a WebDAV PUT before the bytes reach the disk (no fsync); a server that makes a',
    'PUT durable is bounded by the raw-disk write+fsync figure instead. The load generator shares the',
    'cores with the server under test; its CPU per request is shown with each cell (a signed S3 request',
    'costs it more than a plain nginx one), so every rate here is a rate on what the client leaves.',
  ].join('\n'));
}
