/**
 * Replication lag inside the border: a control plane and two German region processes
 * (de-fra, de-ber) on loopback, a versioned bucket in de-fra replicating into a versioned
 * bucket in de-ber. Per object: PUT into de-fra, then poll de-ber with HEAD until the
 * replica is there (lag = from the PUT's acknowledgement to the HEAD that found it), and,
 * at the same time, poll the source's x-amz-replication-status until COMPLETED.
 *
 * Cross-checks per object: a source marked COMPLETED must have its replica readable at once,
 * and the replica must carry the source's ETag and version id and say REPLICA.
 *
 * Baseline, same run, same size and concurrency: a plain PUT straight into de-ber, i.e. what
 * one copy of the object costs on this machine. lag/PUT is the figure to compare across
 * machines; the absolute numbers drift on a shared 2-core box.
 *
 *   npm run bench:replication                 full run (a few minutes)
 *   BENCH_QUICK=1 npm run bench:replication   smoke run (well under a minute)
 *   BENCH_POLL_MS=5 BENCH_TIMEOUT_MS=60000 BENCH_WORKERS=1 BENCH_FSYNC=false
 *   BENCH_SIZES=4096,1048576 BENCH_CONC=1,16 BENCH_OBJECTS=200,50 (one count per size)
 *
 * Timing resolution: a replica is "seen" when the HEAD that found it returns, so a lag is an
 * upper bound, late by at most one poll interval plus one HEAD round trip. Never part of
 * npm test or CI.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  CreateBucketCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { freePort, repoRoot, startSovra, type SovraServer } from '../test/clients/sovra-server.js';
import { machine } from './report.js';
import { SigV4 } from './sigv4.js';
import { pct } from './workloads.js';

const env = process.env;
const QUICK = env.BENCH_QUICK === '1';
const KiB = 1024;
const MiB = 1024 * KiB;
const list = (v: string | undefined, d: number[]) => (v ? v.split(',').map((s) => Number(s.trim())).filter((n) => Number.isFinite(n) && n > 0) : d);

const SIZES = list(env.BENCH_SIZES, [4 * KiB, MiB, 16 * MiB]);
const CONCS = list(env.BENCH_CONC, [1, 16]);
/** Objects per cell, by size: bounded so a full run takes minutes, not hours. */
const defaultCount = (size: number) => (size >= 16 * MiB ? (QUICK ? 3 : 10) : size >= MiB ? (QUICK ? 8 : 50) : QUICK ? 24 : 200);
const COUNTS = list(env.BENCH_OBJECTS, []);
const countFor = (size: number) => COUNTS[SIZES.indexOf(size)] ?? defaultCount(size);
const POLL_MS = Number(env.BENCH_POLL_MS ?? 5);
/** Per object: how long to wait for the replica (and for COMPLETED) before counting a timeout. */
const TIMEOUT_MS = Number(env.BENCH_TIMEOUT_MS ?? 60_000);
const WORKERS = env.BENCH_WORKERS;
const FSYNC = env.BENCH_FSYNC;

const ACCESS = 'SOVRALAGBENCH0001';
const SECRET = randomBytes(24).toString('base64url');
const CLUSTER = randomBytes(32).toString('hex');
const SRC = { id: 'de-fra', name: 'Frankfurt' };
const DST = { id: 'de-ber', name: 'Berlin' };
const SOURCE_BUCKET = 'lag-src';
const REPLICA_BUCKET = 'lag-replica';
const BASELINE_BUCKET = 'lag-baseline';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
/** One random MiB repeated; each object gets its own 32-byte head so ETags differ. */
const PATTERN = randomBytes(MiB);

interface Node {
  id: string;
  port: number;
  host: string;
  signer: SigV4;
  agent: http.Agent;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One signed exchange on raw node:http (the SDK's per-request overhead would blur 4 KiB lags). */
function request(node: Node, method: 'PUT' | 'HEAD', rawPath: string, size = 0, head?: Buffer): Promise<Reply> {
  const s = node.signer.sign(method, node.host, rawPath);
  return new Promise((resolve, reject) => {
    const headers = method === 'PUT' ? { ...s.headers, 'content-length': String(size) } : s.headers;
    const req = http.request({ agent: node.agent, host: '127.0.0.1', port: node.port, method, path: s.path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8').slice(0, 500) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (method !== 'PUT') return void req.end();
    // The body: `head`, then the pattern, streamed with backpressure (16 MiB x 16 never sits in memory).
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const first = sent === 0 && head !== undefined;
        const chunk = first ? head.subarray(0, Math.min(head.length, size)) : PATTERN.subarray(0, Math.min(size - sent, MiB));
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

const mustOk = (r: Reply, what: string): Reply => {
  if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${r.text.replace(/\s+/g, ' ')}`);
  return r;
};
const header = (r: Reply, name: string) => {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

interface ObjectResult {
  /** Absolute (performance.now()) times: PUT sent, PUT acknowledged, replica seen. */
  start: number;
  ack?: number;
  seenAt?: number;
  putMs?: number;
  /** Ack of the source PUT → the HEAD in de-ber that found the replica. */
  lagMs?: number;
  /** Ack of the source PUT → the source HEAD that said COMPLETED. */
  completedMs?: number;
  heads: number;
  error?: string;
}

/**
 * Calls `probe` every POLL_MS until it returns a value, the deadline passes or `halt.set` (the
 * sibling poller failed: no orphan keeps polling into the next cell).
 */
async function poll<T>(deadline: number, halt: { set: boolean }, probe: () => Promise<T | undefined>): Promise<T | undefined> {
  for (;;) {
    const got = await probe();
    if (got !== undefined || now() > deadline || halt.set) return got;
    await sleep(POLL_MS);
  }
}

/** Writes one object into the source bucket and follows it until it is replicated and COMPLETED. */
async function followOne(src: Node, dst: Node, key: string, size: number): Promise<ObjectResult> {
  const objPath = (b: string) => `/${b}/${key}`;
  const res: ObjectResult = { start: now(), heads: 0 };
  let put: Reply;
  try {
    put = mustOk(await request(src, 'PUT', objPath(SOURCE_BUCKET), size, randomBytes(32)), `PUT ${key}`);
  } catch (e) {
    return { ...res, error: (e as Error).message };
  }
  const ack = now();
  res.ack = ack;
  res.putMs = ack - res.start;
  const etag = header(put, 'etag');
  const versionId = header(put, 'x-amz-version-id');
  const deadline = ack + TIMEOUT_MS;
  const problems: string[] = [];
  const halt = { set: false };
  const halting = <T>(p: Promise<T>) => p.catch((e: unknown) => { halt.set = true; throw e; });

  const replica = halting(poll(deadline, halt, async () => {
    res.heads++;
    const r = await request(dst, 'HEAD', objPath(REPLICA_BUCKET));
    if (r.status === 404) return undefined;
    mustOk(r, `HEAD replica ${key}`);
    return { at: now(), r };
  }));
  const completed = halting(poll(deadline, halt, async () => {
    res.heads++;
    const r = mustOk(await request(src, 'HEAD', objPath(SOURCE_BUCKET)), `HEAD source ${key}`);
    const status = header(r, 'x-amz-replication-status');
    if (status === 'FAILED') throw new Error(`${key}: replication FAILED`);
    return status === 'COMPLETED' ? now() : undefined;
  }));
  try {
    // allSettled: a failed poller halts its sibling, and both are done before this object is.
    const [a, b] = await Promise.allSettled([replica, completed]);
    for (const x of [a, b]) if (x.status === 'rejected') throw x.reason;
    const seen = (a as PromiseFulfilledResult<Awaited<typeof replica>>).value;
    const doneAt = (b as PromiseFulfilledResult<Awaited<typeof completed>>).value;
    if (seen === undefined) problems.push(`replica not seen within ${TIMEOUT_MS} ms`);
    else {
      res.seenAt = seen.at;
      res.lagMs = seen.at - ack;
      if (header(seen.r, 'etag') !== etag) problems.push(`replica ETag ${header(seen.r, 'etag')} != source ${etag}`);
      if (versionId !== undefined && header(seen.r, 'x-amz-version-id') !== versionId) problems.push(`replica version ${header(seen.r, 'x-amz-version-id')} != source ${versionId}`);
      if (header(seen.r, 'x-amz-replication-status') !== 'REPLICA') problems.push(`replica status ${header(seen.r, 'x-amz-replication-status')}`);
    }
    if (doneAt === undefined) problems.push(`source not COMPLETED within ${TIMEOUT_MS} ms`);
    else {
      res.completedMs = doneAt - ack;
      // COMPLETED is recorded after the replica was stored: a replica missing now is a bug.
      const check = await request(dst, 'HEAD', objPath(REPLICA_BUCKET));
      if (check.status !== 200 || header(check, 'etag') !== etag) problems.push(`source COMPLETED but replica HEAD gave ${check.status} ${header(check, 'etag') ?? ''}`);
    }
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length) res.error = `${key}: ${problems.join('; ')}`;
  return res;
}

interface Dist { p50: number; p95: number; max: number }
const dist = (xs: number[]): Dist | undefined => (xs.length ? { p50: pct(xs, 50), p95: pct(xs, 95), max: Math.max(...xs) } : undefined);

interface CellResult {
  size: number;
  conc: number;
  objects: number;
  /** Plain PUT straight into de-ber (a versioned bucket without rules): the cost of one copy. */
  baselinePutMs?: Dist;
  baselineMBps: number;
  /** PUT into the replicated source bucket. */
  sourcePutMs?: Dist;
  /** Ack → replica found by HEAD in de-ber. */
  lagMs?: Dist;
  /** Ack → source HEAD says COMPLETED. */
  completedMs?: Dist;
  /** lag p50 / baseline PUT p50. */
  lagPerPut?: number;
  /** Bytes / (first source PUT start → last replica seen): the pipeline, writes and replication overlapping. */
  replicationMBps: number;
  /** Objects replicated per second over the same span. */
  replicationOpsPerSec: number;
  /** Bytes / (first source PUT start → last source ack). */
  writeMBps: number;
  /** Last source ack → last replica seen. */
  drainMs: number;
  heads: number;
  errors: number;
  firstErrors: string[];
}

/** Runs `conc` loops over `n` jobs; returns the results in job order. */
async function pool<T>(n: number, conc: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(conc, n) }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await job(i);
    }
  }));
  return out;
}

async function runCell(src: Node, dst: Node, size: number, conc: number): Promise<CellResult> {
  const n = countFor(size);
  const prefix = `s${size}-c${conc}`;
  const errors: string[] = [];

  // Baseline first, on a quiet system, at the same size and concurrency.
  const b0 = now();
  const base = await pool(n, conc, async (i) => {
    const s = now();
    try {
      mustOk(await request(dst, 'PUT', `/${BASELINE_BUCKET}/${prefix}/obj-${i}`, size, randomBytes(32)), 'baseline PUT');
      return now() - s;
    } catch (e) {
      errors.push((e as Error).message);
      return undefined;
    }
  });
  const baseMs = base.filter((x): x is number => x !== undefined);
  const baselineMBps = (baseMs.length * size) / 1e6 / ((now() - b0) / 1000);

  const t0 = now();
  const results = await pool(n, conc, (i) => followOne(src, dst, `${prefix}/obj-${i}`, size));
  const ok = results.filter((r) => r.error === undefined);
  for (const r of results) if (r.error !== undefined) errors.push(r.error);
  const finite = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined);
  const lastAck = Math.max(t0, ...finite(results.map((r) => r.ack)));
  const lastSeen = Math.max(t0, ...finite(results.map((r) => r.seenAt)));
  const lag = dist(finite(ok.map((r) => r.lagMs)));
  const baselinePutMs = dist(baseMs);
  const bytes = ok.length * size;
  return {
    size, conc, objects: n,
    baselinePutMs, baselineMBps,
    sourcePutMs: dist(finite(results.map((r) => r.putMs))),
    lagMs: lag,
    completedMs: dist(finite(ok.map((r) => r.completedMs))),
    lagPerPut: lag && baselinePutMs ? lag.p50 / baselinePutMs.p50 : undefined,
    replicationMBps: bytes / 1e6 / (Math.max(1e-3, lastSeen - t0) / 1000),
    replicationOpsPerSec: ok.length / (Math.max(1e-3, lastSeen - t0) / 1000),
    writeMBps: (finite(results.map((r) => r.ack)).length * size) / 1e6 / (Math.max(1e-3, lastAck - t0) / 1000),
    drainMs: Math.max(0, lastSeen - lastAck),
    heads: results.reduce((a, r) => a + r.heads, 0),
    errors: errors.length,
    firstErrors: errors.slice(0, 3),
  };
}

interface Cluster {
  servers: SovraServer[];
  src: Node;
  dst: Node;
  base: string;
}

/** Control plane first (the regions register their buckets there), then the two regions. */
async function startCluster(): Promise<Cluster> {
  const base = mkdtempSync(path.join(os.tmpdir(), 'sovra-lag-'));
  const ports = { cp: await freePort(), src: await freePort(), dst: await freePort() };
  const url = (p: number) => `http://127.0.0.1:${p}`;
  const topology = {
    defaultRegion: SRC.id,
    controlPlane: { endpoint: url(ports.cp) },
    regions: [
      { id: SRC.id, name: SRC.name, city: SRC.name, country: 'DE', zones: ['DE', 'EU', 'EEA'], endpoint: url(ports.src) },
      { id: DST.id, name: DST.name, city: DST.name, country: 'DE', zones: ['DE', 'EU', 'EEA'], endpoint: url(ports.dst) },
    ],
  };
  const topologyFile = path.join(base, 'topology.json');
  writeFileSync(topologyFile, JSON.stringify(topology, null, 2));
  const common: Record<string, string> = { SOVRA_TOPOLOGY: topologyFile, SOVRA_CLUSTER_SECRET: CLUSTER };
  if (WORKERS !== undefined) common.SOVRA_WORKERS = WORKERS;
  if (FSYNC !== undefined) common.SOVRA_FSYNC = FSYNC;
  const servers: SovraServer[] = [];
  const cluster: Cluster = { servers, base, src: undefined as unknown as Node, dst: undefined as unknown as Node };
  try {
    const start = (name: string, port: number, extra: Record<string, string>) =>
      startSovra({ dataDir: path.join(base, name, 'data'), port, accessKey: ACCESS, secretKey: SECRET, env: { ...common, ...extra } });
    servers.push(await start('control-plane', ports.cp, { SOVRA_CONTROL_PLANE: 'true' }));
    servers.push(await start(SRC.id, ports.src, { SOVRA_REGION: SRC.id }));
    servers.push(await start(DST.id, ports.dst, { SOVRA_REGION: DST.id }));
  } catch (e) {
    await stopCluster(cluster);
    throw e;
  }
  const node = (id: string, port: number): Node => ({
    id, port, host: `127.0.0.1:${port}`, signer: new SigV4(ACCESS, SECRET, id),
    // Writers and both pollers of every in-flight object share these sockets.
    agent: new http.Agent({ keepAlive: true, maxSockets: 3 * Math.max(...CONCS) + 4 }),
  });
  cluster.src = node(SRC.id, ports.src);
  cluster.dst = node(DST.id, ports.dst);
  return cluster;
}

async function stopCluster(c: Cluster): Promise<void> {
  c.src?.agent.destroy();
  c.dst?.agent.destroy();
  for (const s of [...c.servers].reverse()) await s.stop().catch((e: unknown) => console.error(`stopping ${s.url}: ${(e as Error).message}`));
  rmSync(c.base, { recursive: true, force: true });
}

/** Buckets and the rule through the SDK: setup is not timed, and the SDK gets the XML right. */
async function setUp(c: Cluster): Promise<void> {
  const client = (n: Node) => new S3Client({ endpoint: `http://${n.host}`, region: n.id, forcePathStyle: true, credentials: { accessKeyId: ACCESS, secretAccessKey: SECRET }, maxAttempts: 1 });
  const a = client(c.src), b = client(c.dst);
  try {
    const create = async (s3: S3Client, region: string, bucket: string) => {
      await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }));
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    };
    await create(a, SRC.id, SOURCE_BUCKET);
    await create(b, DST.id, REPLICA_BUCKET);
    await create(b, DST.id, BASELINE_BUCKET);
    await a.send(new PutBucketReplicationCommand({
      Bucket: SOURCE_BUCKET,
      ReplicationConfiguration: {
        Role: 'arn:aws:iam::123456789012:role/replication',
        Rules: [{ ID: 'lag', Priority: 1, Status: 'Enabled', Filter: { Prefix: '' }, DeleteMarkerReplication: { Status: 'Disabled' }, Destination: { Bucket: `arn:aws:s3:::${REPLICA_BUCKET}` } }],
      },
    }));
  } finally {
    a.destroy();
    b.destroy();
  }
}

const sizeName = (n: number) => (n >= MiB ? `${n / MiB} MiB` : `${n / KiB} KiB`);
const f = (x: number | undefined, d = 1) => (x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));
const d3 = (x: Dist | undefined) => (x ? `${f(x.p50)} / ${f(x.p95)} / ${f(x.max)}` : 'n/a');

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i] ?? 0)).join('  ').trimEnd();
  return [line(head), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map(line)].join('\n');
}

function printTable(cells: CellResult[]): void {
  console.log(`\nReplication ${SRC.id} -> ${DST.id} (ms: p50 / p95 / max; lag from the source PUT's ack; poll every ${POLL_MS} ms)`);
  console.log(table(
    ['size', 'conc', 'objs', 'PUT into B (baseline)', 'replica seen in B (lag)', 'source COMPLETED', 'lag/PUT p50', 'repl MB/s', 'repl obj/s', 'write MB/s', 'base MB/s', 'drain ms', 'HEADs', 'errors'],
    cells.map((c) => [sizeName(c.size), String(c.conc), String(c.objects), d3(c.baselinePutMs), d3(c.lagMs), d3(c.completedMs), f(c.lagPerPut, 2), f(c.replicationMBps), f(c.replicationOpsPerSec, 0), f(c.writeMBps), f(c.baselineMBps), f(c.drainMs, 0), String(c.heads), String(c.errors)]),
  ));
  console.log([
    'lag/PUT: replication lag over the time one plain PUT of the same object into de-ber takes (same run, same concurrency).',
    'repl MB/s, obj/s: replicated over first source PUT -> last replica seen (writes and replication overlap); write MB/s: the source PUTs alone;',
    'drain: last source ack -> last replica seen. HEADs: polling requests of the cell (they load the same cores).',
  ].join('\n'));
  for (const c of cells) for (const e of c.firstErrors) console.log(`! ${sizeName(c.size)} c=${c.conc}: ${e}`);
}

async function main(): Promise<number> {
  const m: Record<string, string | number> = { ...machine(), note: 'control plane, both regions and the load generator share these cores' };
  console.log(`# machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, ${m.kernel}`);
  console.log(`# sizes ${SIZES.map(sizeName).join(', ')}; concurrency ${CONCS.join(', ')}; objects ${SIZES.map(countFor).join(', ')}; poll ${POLL_MS} ms; workers ${WORKERS ?? 'default'}; fsync ${FSYNC ?? 'default'}${QUICK ? ' (QUICK)' : ''}`);
  const cluster = await startCluster();
  const stopOnSignal = () => void stopCluster(cluster).finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const cells: CellResult[] = [];
  try {
    console.log(`# control plane ${cluster.servers[0]?.url}, ${SRC.id} ${cluster.servers[1]?.url}, ${DST.id} ${cluster.servers[2]?.url}`);
    await setUp(cluster);
    for (const size of SIZES) {
      for (const conc of CONCS) {
        const c = await runCell(cluster.src, cluster.dst, size, conc);
        cells.push(c);
        console.log(`  ${sizeName(size)} c=${conc}: lag p50 ${f(c.lagMs?.p50)} ms, p95 ${f(c.lagMs?.p95)} ms (PUT into B p50 ${f(c.baselinePutMs?.p50)} ms), ${f(c.replicationMBps)} MB/s${c.errors ? `, ${c.errors} errors` : ''}`);
      }
    }
  } finally {
    await stopCluster(cluster);
  }
  printTable(cells);
  const json = {
    when: new Date().toISOString(), machine: m, quick: QUICK,
    config: { from: SRC.id, to: DST.id, pollMs: POLL_MS, timeoutMs: TIMEOUT_MS, workers: WORKERS ?? 'default (one per core)', fsync: FSYNC ?? 'default (true)' },
    cells,
  };
  const out = path.join(repoRoot(), 'bench', 'results', 'replication-lag.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(json, null, 2) + '\n');
  console.log(`\n${JSON.stringify(json)}`);
  console.log(`\n# written to ${out}`);
  const errors = cells.reduce((a, c) => a + c.errors, 0);
  if (errors) console.log(`# ${errors} objects failed to replicate or failed a cross-check (see ! lines)`);
  return errors ? 1 : 0;
}

main().then((c) => process.exit(c), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
