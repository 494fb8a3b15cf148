/**
 * The servers a benchmark run compares, behind one small interface: Sovra (started fresh),
 * nginx (sendfile GET + WebDAV PUT, the plain-HTTP limit) and s3rver via the shared peer
 * scripts, and any S3 endpoint given by env (e.g. Ceph RGW). Requests go out on the load
 * generator's raw keep-alive connections (raw-http-client.ts), the same for every target;
 * bodies are cut from one shared random buffer.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { freePort, repoRoot, startSovra, removeServerDirs } from '../test/clients/sovra-server.js';
import { RawConnection, type Reply } from './raw-http-client.js';
import { SigV4 } from './sigv4.js';

export type { Reply } from './raw-http-client.js';

const MiB = 1024 * 1024;
/** One random MiB repeated: incompressible enough, and costs the client no generation time. */
const PATTERN = randomBytes(MiB);

/** One exchange on a connection; a PUT carries `size` bytes of the pattern. */
export function send(conn: RawConnection, method: string, p: string, headers: Record<string, string>, size = 0, keep = false): Promise<Reply> {
  return conn.request(method, p, headers, size > 0 || method === 'PUT' ? { size, pattern: PATTERN } : undefined, keep);
}

const ok = (r: Reply, what: string) => {
  if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return r;
};

export interface Target {
  name: string;
  /** S3 targets have listing; nginx does not. */
  s3: boolean;
  port: number;
  /** The server's main pid, when known, for RSS sampling of its process tree. */
  pid?: number;
  /** A new keep-alive connection to the target (one per concurrent request loop). */
  connect(): RawConnection;
  /** PUT into the bench bucket, or into `bucket` (S3 targets only). */
  put(conn: RawConnection, key: string, size: number, bucket?: string): Promise<void>;
  get(conn: RawConnection, key: string): Promise<number>;
  list?(conn: RawConnection, bucket: string, prefix: string, token?: string): Promise<{ keys: number; next?: string }>;
  createBucket?(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** The signed headers without `host`: the connection writes the Host line itself (the same value). */
function withoutHost(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in h) if (k !== 'host') out[k] = h[k] as string;
  return out;
}

const unxml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

export function s3Target(name: string, url: string, ak: string, sk: string, stop: () => Promise<void>, pid?: number): Target {
  const u = new URL(url);
  const port = Number(u.port || 80);
  const host = u.host;
  const signer = new SigV4(ak, sk, process.env.BENCH_REGION ?? 'eu-fra');
  const bucket = 'bench';
  return {
    name, s3: true, port, pid, stop,
    connect: () => new RawConnection(port),
    async put(conn, key, size, b = bucket) {
      const s = signer.sign('PUT', host, `/${b}/${key}`);
      ok(await send(conn, 'PUT', s.path, withoutHost(s.headers), size), `PUT ${key}`);
    },
    async get(conn, key) {
      const s = signer.sign('GET', host, `/${bucket}/${key}`);
      return ok(await send(conn, 'GET', s.path, withoutHost(s.headers)), `GET ${key}`).bytes;
    },
    async list(conn, b, prefix, token) {
      const q: Record<string, string> = { 'list-type': '2', 'max-keys': '1000', prefix };
      if (token) q['continuation-token'] = token;
      const s = signer.sign('GET', host, `/${b}`, q);
      const r = ok(await send(conn, 'GET', s.path, withoutHost(s.headers), 0, true), `LIST ${b}`);
      const keys = (r.text.match(/<Key>/g) ?? []).length;
      const next = /<IsTruncated>true<\/IsTruncated>/.test(r.text) ? /<NextContinuationToken>([^<]*)</.exec(r.text)?.[1] : undefined;
      return { keys, next: next === undefined ? undefined : unxml(next) };
    },
    async createBucket(b) {
      const conn = new RawConnection(port);
      const s = signer.sign('PUT', host, `/${b}`);
      const r = await send(conn, 'PUT', s.path, withoutHost(s.headers), 0);
      conn.close();
      if (r.status >= 300 && !/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(r.text)) ok(r, `create bucket ${b}`);
    },
  };
}

/** ../shared/peers relative to the repository root; the peer scripts live there. */
export function peersDir(): string {
  const dir = path.resolve(repoRoot(), '..', 'shared', 'peers');
  if (!existsSync(path.join(dir, 'nginx', 'start.sh')))
    throw new Error(`reference server scripts not found at ${dir} (expected ../shared/peers beside the repository)`);
  return dir;
}

function script(name: string, which: 'start' | 'stop', env: Record<string, string>): string {
  return execFileSync('bash', [path.join(peersDir(), name, `${which}.sh`)], {
    env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000,
  });
}

const pidOf = (f: string) => Number(readFileSync(f, 'utf8').trim());

export async function startNginx(base: string): Promise<Target> {
  const port = await freePort();
  const root = path.join(base, 'www');
  const env = { BASE: base, ROOT: root, PORT: String(port) };
  script('nginx', 'stop', env); // a run that died may have left ours running
  mkdirSync(path.join(root, 'bench'), { recursive: true });
  console.log('  ' + script('nginx', 'start', env).trim());
  const stop = async () => { script('nginx', 'stop', env); rmSync(root, { recursive: true, force: true }); };
  return {
    name: 'nginx', s3: false, port, pid: pidOf(path.join(base, 'nginx.pid')), stop,
    connect: () => new RawConnection(port),
    async put(conn, key, size) { ok(await send(conn, 'PUT', `/bench/${key}`, {}, size), `PUT ${key}`); },
    async get(conn, key) { return ok(await send(conn, 'GET', `/bench/${key}`, {}), `GET ${key}`).bytes; },
  };
}

export async function startS3rver(base: string): Promise<Target> {
  const port = await freePort();
  const env = { BASE: base, PORT: String(port) };
  script('s3rver', 'stop', env);
  console.log('  ' + script('s3rver', 'start', { ...env, FRESH: '1' }).trim());
  const stop = async () => { script('s3rver', 'stop', { ...env, WIPE: '1' }); };
  return s3Target('s3rver', `http://127.0.0.1:${port}`, 'S3RVER', 'S3RVER', stop, pidOf(path.join(base, 's3rver.pid')));
}

/**
 * `sovra-nofsync` runs with SOVRA_FSYNC=false: the same durability as nginx's WebDAV PUT
 * (acknowledged from the page cache), so PUT ratios against nginx can be read like for like.
 */
export async function startSovraTarget(name = 'sovra'): Promise<Target> {
  const s = await startSovra(name === 'sovra-nofsync' ? { env: { SOVRA_FSYNC: 'false' } } : {});
  console.log(`  sovra on ${s.url}, pid ${s.pid}, data ${s.dataDir}`);
  return s3Target(name, s.url, s.accessKey, s.secretKey, async () => { await s.stop(); removeServerDirs(s); }, s.pid);
}

/** An S3 endpoint someone else runs (Ceph RGW from ../shared/peers/ceph-rgw, say). */
export function peerFromEnv(): Target | undefined {
  const url = process.env.BENCH_PEER_URL;
  if (!url) return undefined;
  const u = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) throw new Error(`BENCH_PEER_URL must be a loopback address, got ${url}`);
  const pid = process.env.BENCH_PEER_PID ? Number(process.env.BENCH_PEER_PID) : undefined;
  return s3Target(process.env.BENCH_PEER_NAME ?? 'peer', url, process.env.BENCH_PEER_ACCESS_KEY ?? 'peeraccess',
    process.env.BENCH_PEER_SECRET_KEY ?? 'peersecret123', async () => {}, pid);
}
