/**
 * A tiny step runner for the real-client suite: every step runs real commands, and a failing
 * step reports the exact command line and its output, so the report doubles as a bug report.
 * Content is always compared by bytes (sha256 / cmp), never trusted from an exit code.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync, utimesSync, writeSync } from 'node:fs';
import path from 'node:path';

export class StepError extends Error {}

export interface CmdResult {
  code: number | null;
  stdout: string;
  stderr: string;
  cmdline: string;
}

const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
const clip = (s: string, n = 4000) => (s.length > n ? s.slice(0, n / 2) + '\n…(clipped)…\n' + s.slice(-n / 2) : s);

export function describe(r: CmdResult): string {
  return `$ ${r.cmdline}\n(exit ${r.code})\n${clip(r.stdout.trim())}${r.stderr.trim() ? '\n[stderr]\n' + clip(r.stderr.trim()) : ''}`;
}

/** Runs a command to completion (bounded by a timeout) and returns its output; never throws. */
export function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv, timeoutMs = 300_000, cwd?: string): CmdResult {
  const r = spawnSync(cmd, args, { env: env ?? process.env, timeout: timeoutMs, maxBuffer: 64 << 20, encoding: 'utf8', cwd });
  const cmdline = [cmd, ...args].map(quote).join(' ');
  const stderr = (r.stderr ?? '') + (r.error ? `\n${r.error.message}` : '') + (r.signal ? `\n(killed by ${r.signal})` : '');
  return { code: r.status, stdout: r.stdout ?? '', stderr, cmdline };
}

/** Runs a command and throws a StepError carrying its output unless it exits 0. */
export function must(cmd: string, args: string[], env?: NodeJS.ProcessEnv, timeoutMs?: number, cwd?: string): CmdResult {
  const r = run(cmd, args, env, timeoutMs, cwd);
  if (r.code !== 0) throw new StepError(`command failed:\n${describe(r)}`);
  return r;
}

/** Like must(), and the stdout must be JSON (aws --output json). */
export function mustJson<T = any>(cmd: string, args: string[], env?: NodeJS.ProcessEnv): T {
  const r = must(cmd, args, env);
  try {
    return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
  } catch {
    throw new StepError(`output is not JSON:\n${describe(r)}`);
  }
}

/** Runs a command that is expected to fail; returns its result, throws if it succeeded. */
export function mustFail(cmd: string, args: string[], env?: NodeJS.ProcessEnv): CmdResult {
  const r = run(cmd, args, env);
  if (r.code === 0) throw new StepError(`command should have failed but exited 0:\n${describe(r)}`);
  return r;
}

export function check(cond: unknown, what: string, ctx?: CmdResult | unknown): asserts cond {
  if (cond) return;
  let extra = '';
  if (ctx && typeof ctx === 'object' && 'cmdline' in ctx) extra = '\n' + describe(ctx as CmdResult);
  else if (ctx !== undefined) extra = '\n' + JSON.stringify(ctx, null, 2).slice(0, 4000);
  throw new StepError(`check failed: ${what}${extra}`);
}

export function eq<T>(actual: T, expected: T, what: string, ctx?: CmdResult | unknown): void {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  check(a === e, `${what}: expected ${e}, got ${a}`, ctx);
}

export interface StepResult { name: string; ok: boolean; ms: number; detail?: string }

export class Suite {
  readonly results: StepResult[] = [];
  /** Runs one named step; a throw is a FAIL with its message; later steps still run. */
  async step(name: string, fn: () => unknown | Promise<unknown>): Promise<boolean> {
    const t0 = Date.now();
    try {
      await fn();
      const ms = Date.now() - t0;
      this.results.push({ name, ok: true, ms });
      console.log(`PASS  ${name}  (${(ms / 1000).toFixed(1)} s)`);
      return true;
    } catch (e) {
      const ms = Date.now() - t0;
      const detail = e instanceof StepError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
      this.results.push({ name, ok: false, ms, detail });
      console.log(`FAIL  ${name}  (${(ms / 1000).toFixed(1)} s)\n${detail.replace(/^/gm, '      | ')}`);
      return false;
    }
  }
  /** Records a step that could not run because a step it depends on failed. */
  blocked(name: string, because: string): void {
    this.results.push({ name, ok: false, ms: 0, detail: `not run: ${because}` });
    console.log(`FAIL  ${name}  (not run: ${because})`);
  }
  summary(): { passed: number; failed: number } {
    const passed = this.results.filter((r) => r.ok).length;
    return { passed, failed: this.results.length - passed };
  }
}

/** Writes `size` random bytes to `file` in 1 MiB chunks (never the whole body in memory). */
export function writeRandomFile(file: string, size: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  try {
    for (let left = size; left > 0; ) {
      const n = Math.min(left, 1 << 20);
      writeSync(fd, randomBytes(n));
      left -= n;
    }
  } finally {
    closeSync(fd);
  }
}

export function sha256File(file: string): string {
  const h = createHash('sha256');
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** Byte-for-byte comparison of two files (cmp), with a readable reason when they differ. */
export function sameFile(a: string, b: string, what = `${a} vs ${b}`): void {
  let sa: number, sb: number;
  try { sa = statSync(a).size; } catch { throw new StepError(`${what}: ${a} is missing`); }
  try { sb = statSync(b).size; } catch { throw new StepError(`${what}: ${b} is missing`); }
  check(sa === sb, `${what}: sizes differ (${sa} vs ${sb} bytes)`);
  const ha = sha256File(a), hb = sha256File(b);
  check(ha === hb, `${what}: contents differ (sha256 ${ha} vs ${hb})`);
}

/** Every regular file under `dir` → { relative/path: "size sha256" }. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out[path.relative(dir, p)] = `${statSync(p).size} ${sha256File(p)}`;
    }
  };
  walk(dir);
  return out;
}

/** Fails with the list of missing, extra and differing files when two trees are not identical. */
export function sameTree(expected: string, actual: string, what: string): void {
  const a = treeDigest(expected), b = treeDigest(actual);
  const missing = Object.keys(a).filter((k) => !(k in b));
  const extra = Object.keys(b).filter((k) => !(k in a));
  const differ = Object.keys(a).filter((k) => k in b && a[k] !== b[k]);
  check(!missing.length && !extra.length && !differ.length,
    `${what}: trees differ: missing ${JSON.stringify(missing)}, extra ${JSON.stringify(extra)}, differing ${JSON.stringify(differ)}`);
}

/** Names that trip up S3 clients and servers: encoding of space, unicode, '+', '%', '#', nesting, empty files. */
export const ODD_NAMES = [
  'with space.txt',
  'ünïcødé-文件.txt',
  'plus+sign.txt',
  'percent%41literal.txt',
  'hash#tag.txt',
  "quote'and&amp.txt",
  'nested/a/b/c/deep file.txt',
  'nested/a/sibling+%20.bin',
];

/** A folder tree with nested dirs, odd names, a 0-byte file and optionally one big file. */
export function makeTree(dir: string, bigBytes = 0): void {
  for (const [i, n] of ODD_NAMES.entries()) writeRandomFile(path.join(dir, n), 1000 + i * 7919);
  writeRandomFile(path.join(dir, 'empty.bin'), 0);
  writeRandomFile(path.join(dir, 'top.txt'), 42);
  writeRandomFile(path.join(dir, 'mid/medium.bin'), 300_000);
  if (bigBytes) writeRandomFile(path.join(dir, 'big.bin'), bigBytes);
  // Back-date every file: sync tools upload when the local mtime is newer than the remote
  // LastModified, which S3 keeps to the second, so a file written in the same second as its
  // upload would look changed to a second sync.
  const past = new Date(Date.now() - 3600_000);
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else utimesSync(p, past, past);
    }
  };
  walk(dir);
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
