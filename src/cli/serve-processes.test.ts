/**
 * `sovra serve` as real processes: `--workers N` is N processes in all, every one serving
 * on the one port (the first also supervises); a worker killed after serving is replaced;
 * SIGTERM lets in-flight requests finish in every process, then all exit 0; a port that
 * cannot be bound stops everything.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SigV4Signer, UNSIGNED_PAYLOAD } from '../client/sigv4-signer.js';

const MAIN = new URL('./main.js', import.meta.url).pathname;
const ACCESS_KEY = 'SOVRAPROCTEST0000001';
const SECRET_KEY = 'processes-test-secret-0123456789abcdefghij';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Serve {
  child: ChildProcess;
  port: number;
  log: () => string;
  exit: Promise<number | string>;
}

const dirs: string[] = [];
const started: ChildProcess[] = [];
after(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) killGroup(c);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function killGroup(c: ChildProcess): void {
  try {
    process.kill(-(c.pid ?? 0), 'SIGKILL');
  } catch {
    /* gone */
  }
}

/** Live pids of a process group (the server runs in its own, so its workers are found). */
function groupPids(pgid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid && f[0] !== 'Z') out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Starts `sovra serve` in its own process group; resolves once the banner names the endpoint. */
function startServe(args: string[]): Promise<Serve> {
  const dir = mkdtempSync(join(tmpdir(), 'sovra-procs-'));
  dirs.push(dir);
  const env = { ...process.env, SOVRA_ROOT_ACCESS_KEY: ACCESS_KEY, SOVRA_ROOT_SECRET_KEY: SECRET_KEY };
  const child = spawn(process.execPath, [MAIN, 'serve', '--data-dir', join(dir, 'data'), '--host', '127.0.0.1', '--no-fsync', ...args], {
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | string>((resolve) => child.on('close', (code, signal) => resolve(signal ?? code ?? -1)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 30 s:\n${out}`)), 30_000);
    const check = () => {
      const m = /Sovra S3 endpoint: http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve({ child, port: Number(m[1]), log: () => out, exit });
    };
    child.stdout!.on('data', check);
    void exit.then((how) => reject(new Error(`serve exited (${how}) before its banner:\n${out}`)));
  });
}

/** Waits until the group has exactly `n` processes (other than `not`, when given) and returns them. */
async function waitForProcesses(s: Serve, n: number, not: number[] = []): Promise<number[]> {
  for (let i = 0; i < 200; i++) {
    const pids = groupPids(s.child.pid!);
    if (pids.length === n && !pids.some((p) => not.includes(p))) return pids;
    await sleep(50);
  }
  throw new Error(`expected ${n} processes in the group, found ${groupPids(s.child.pid!).join(', ')}\n${s.log()}`);
}

function signed(port: number, method: string, path: string, headers: Record<string, string> = {}) {
  const signer = new SigV4Signer({ credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }, region: 'eu-fra' });
  return signer.sign({ method, host: `127.0.0.1:${port}`, path, headers, payloadHash: UNSIGNED_PAYLOAD });
}

interface Reply {
  status: number;
  /** Request ids start with a random per-process prefix: which process answered. */
  process: string;
  body: string;
}

function exchange(agent: http.Agent, port: number, method: string, path: string, body?: Buffer): Promise<Reply> {
  const s = signed(port, method, path);
  return new Promise((resolve, reject) => {
    const req = http.request({ agent, host: '127.0.0.1', port, method, path: s.path, headers: { ...s.headers, 'content-length': String(body?.length ?? 0) } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, process: String(res.headers['x-amz-request-id']).slice(0, 8), body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** One keep-alive connection per serving process, found by opening connections until each has answered one. */
async function connectionPerProcess(port: number, processes: number): Promise<Map<string, http.Agent>> {
  const found = new Map<string, http.Agent>();
  // A process just (re)started takes connections only once it is ready, which on a loaded
  // machine can take seconds: keep trying for a while, pausing between bursts.
  const until = Date.now() + 30_000;
  for (let round = 0; found.size < processes && (round < 50 || Date.now() < until); round++) {
    if (round > 0) await sleep(100);
    // A burst of new connections at once: each process accepts some of them.
    const agents = Array.from({ length: 8 }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
    const replies = await Promise.all(agents.map((a) => exchange(a, port, 'GET', '/')));
    replies.forEach((r, i) => {
      assert.equal(r.status, 200, r.body);
      if (found.has(r.process)) agents[i]!.destroy();
      else found.set(r.process, agents[i]!);
    });
  }
  return found;
}

/** A PUT whose body is half sent: resolves `finish`, which sends the rest and resolves with the reply. */
function slowPut(agent: http.Agent, port: number, path: string, size: number): { finish: () => Promise<Reply> } {
  const s = signed(port, 'PUT', path);
  const body = Buffer.alloc(size, 7);
  const req = http.request({ agent, host: '127.0.0.1', port, method: 'PUT', path: s.path, headers: { ...s.headers, 'content-length': String(size) } });
  const reply = new Promise<Reply>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, process: String(res.headers['x-amz-request-id']).slice(0, 8), body: text }));
    });
    req.on('error', reject);
  });
  req.write(body.subarray(0, size / 2));
  return {
    finish: () => {
      req.end(body.subarray(size / 2));
      return reply;
    },
  };
}

describe('sovra serve processes', { timeout: 90_000 }, () => {
  it('--workers 2 is two processes, both serving; SIGTERM drains both and exits 0', async () => {
    const s = await startServe(['--port', '0', '--workers', '2']);
    const pids = await waitForProcesses(s, 2);
    assert.ok(pids.includes(s.child.pid!), 'the first process is one of the two');
    const setup = new http.Agent();
    assert.equal((await exchange(setup, s.port, 'PUT', '/procs')).status, 200);
    const conns = await connectionPerProcess(s.port, 2);
    assert.equal(conns.size, 2, 'both processes answered requests');
    // A request in flight in each process when the signal comes...
    const puts = [...conns.values()].map((agent, i) => slowPut(agent, s.port, `/procs/in-flight-${i}`, 1 << 20));
    await sleep(300);
    s.child.kill('SIGTERM');
    await sleep(500);
    // ...is finished, then every process exits cleanly.
    const replies = await Promise.all(puts.map((p) => p.finish()));
    assert.deepEqual(replies.map((r) => r.status), [200, 200], replies.map((r) => r.body).join('\n'));
    assert.equal(new Set(replies.map((r) => r.process)).size, 2, 'one in each process');
    assert.equal(await s.exit, 0, s.log());
    for (let i = 0; i < 100 && groupPids(s.child.pid!).length; i++) await sleep(50);
    assert.deepEqual(groupPids(s.child.pid!), [], 'no process left');
    for (const a of conns.values()) a.destroy();
    setup.destroy();
  });

  it('analytics queries are one per server: seen and cancelled from another process than the one running them', async () => {
    const s = await startServe(['--port', '0', '--workers', '2']);
    await waitForProcesses(s, 2);
    const conns = await connectionPerProcess(s.port, 2);
    const [[first, a], [second, b]] = [...conns.entries()] as [[string, http.Agent], [string, http.Agent]];
    const post = (agent: http.Agent, q: Record<string, string>) => exchange(agent, s.port, 'POST', '/analytics/v1/query', Buffer.from(JSON.stringify(q)));
    // A finished query, asked about in the other process.
    const done = await post(a, { sql: 'SELECT 42 AS n', id: 'procs-query-0001' });
    assert.equal(done.status, 200, done.body);
    assert.equal(done.process, first);
    const seen = await exchange(b, s.port, 'GET', '/analytics/v1/queries/procs-query-0001');
    assert.equal(seen.process, second);
    assert.equal(seen.status, 200, seen.body);
    assert.deepEqual({ ...JSON.parse(seen.body), elapsedMs: 0 }, {
      id: 'procs-query-0001', state: 'succeeded', progress: 1, bytesScanned: 0, elapsedMs: 0, rows: 1,
      limits: { timeoutMs: 300_000, memoryBytes: 1024 * 2 ** 20, threads: 2, maxResultBytes: 1024 * 2 ** 20 },
    });
    // A running query, cancelled from the other process.
    const endless = post(a, { sql: 'SELECT sum(hash(x.range + y.range)) AS h FROM range(100000000) x, range(100000000) y', id: 'procs-query-0002' });
    let state = '';
    for (let i = 0; i < 300 && state !== 'running'; i++) {
      const r = await exchange(b, s.port, 'GET', '/analytics/v1/queries/procs-query-0002');
      if (r.status === 200) state = (JSON.parse(r.body) as { state: string }).state;
      if (state !== 'running') await sleep(50);
    }
    assert.equal(state, 'running');
    const del = await exchange(b, s.port, 'DELETE', '/analytics/v1/queries/procs-query-0002');
    assert.equal(del.status, 204, del.body);
    const cancelled = await endless;
    assert.equal(cancelled.process, first);
    assert.equal((JSON.parse(cancelled.body) as { code: string }).code, 'QueryCancelled', cancelled.body);
    const end = await exchange(b, s.port, 'GET', '/analytics/v1/queries/procs-query-0002');
    assert.equal((JSON.parse(end.body) as { state: string }).state, 'cancelled', end.body);
    // An unknown query is NoSuchQuery in every process.
    assert.equal((await exchange(b, s.port, 'GET', '/analytics/v1/queries/procs-query-9999')).status, 404);
    for (const agent of conns.values()) agent.destroy();
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0, s.log());
  });

  it('a worker killed after serving is replaced by a new one that serves', async () => {
    const s = await startServe(['--port', '0', '--workers', '2']);
    const [worker] = (await waitForProcesses(s, 2)).filter((p) => p !== s.child.pid);
    const before = await connectionPerProcess(s.port, 2);
    assert.equal(before.size, 2);
    for (const a of before.values()) a.destroy();
    process.kill(worker!, 'SIGKILL');
    await waitForProcesses(s, 2, [worker!]);
    const afterKill = await connectionPerProcess(s.port, 2);
    assert.equal(afterKill.size, 2, 'the new worker answers too');
    assert.ok([...afterKill.keys()].some((p) => !before.has(p)), 'a new process answered');
    for (const a of afterKill.values()) a.destroy();
    assert.match(s.log(), /exited \(SIGKILL\); starting a new one/);
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0, s.log());
  });

  it('--workers 1 is a single process', async () => {
    const s = await startServe(['--port', '0', '--workers', '1']);
    await sleep(500);
    assert.deepEqual(groupPids(s.child.pid!), [s.child.pid]);
    const agent = new http.Agent();
    assert.equal((await exchange(agent, s.port, 'GET', '/')).status, 200);
    agent.destroy();
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0, s.log());
  });

  it('a port that cannot be bound stops every process with an error', async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const s = startServe(['--port', String(port), '--workers', '2']);
      await assert.rejects(s, /serve exited \(1\) before its banner[\s\S]*EADDRINUSE/);
      const child = started[started.length - 1]!;
      for (let i = 0; i < 100 && groupPids(child.pid!).length; i++) await sleep(50);
      assert.deepEqual(groupPids(child.pid!), [], 'no worker left behind');
    } finally {
      taken.close();
    }
  });
});
