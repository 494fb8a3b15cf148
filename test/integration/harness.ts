/**
 * Starts a real Sovra server in-process on an ephemeral loopback port with a
 * temporary data directory, and hands tests a configured AWS SDK client.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import type { Region, Topology } from '../../src/topology/types.js';

export const ACCESS_KEY = 'SOVRATESTKEY0000001';
export const SECRET_KEY = 'sovra-test-secret-key-0123456789abcdef';
export const REGION = 'eu-fra';

export interface TestServer {
  app: RunningApp;
  url: string;
  dataDir: string;
  client: S3Client;
  /** Internal errors the server logged; tests can assert there were none. */
  errors: string[];
  /** A client for the same server with other options (e.g. virtual-host style). */
  makeClient(opts?: { forcePathStyle?: boolean; endpoint?: string; accessKeyId?: string; secretAccessKey?: string }): S3Client;
  stop(): Promise<void>;
}

/**
 * Which deployment the S3 suites run against: `embedded` (default: one process, every region)
 * or `per-region` (SOVRA_TEST_DEPLOYMENT=per-region: a control plane node and an eu-fra
 * region node talking over authenticated HTTP, the client on the region node).
 */
export const DEPLOYMENT = process.env['SOVRA_TEST_DEPLOYMENT'] === 'per-region' ? 'per-region' : 'embedded';
const CLUSTER_SECRET = 'test-cluster-secret-0123456789abcdef0123';

async function startPerRegion(dataDir: string, env: Record<string, string>, log: (line: string) => void, minPartSize: number): Promise<RunningApp> {
  const base = ['--host', '127.0.0.1', '--port', '0', '--workers', '1', '--no-fsync'];
  const envAll = { SOVRA_ROOT_ACCESS_KEY: ACCESS_KEY, SOVRA_ROOT_SECRET_KEY: SECRET_KEY, SOVRA_CLUSTER_SECRET: CLUSTER_SECRET, ...env };
  const region: Region = { id: REGION, name: 'Frankfurt', city: 'Frankfurt am Main', country: 'DE', zones: ['DE', 'EU', 'EEA'], storage: `regions/${REGION}` };
  const cpTopology: Topology = { regions: [region], defaultRegion: REGION, latencyMs: new Map(), source: 'per-region test topology' };
  const cp = await startApp(loadConfig([...base, '--data-dir', join(dataDir, 'cp'), '--control-plane'], envAll), { log, topology: cpTopology });
  try {
    const topology: Topology = { ...cpTopology, controlPlane: { endpoint: cp.url } };
    const node = await startApp(loadConfig([...base, '--data-dir', join(dataDir, 'fra'), '--region', REGION], envAll), { log, topology, minPartSize });
    return {
      ...node,
      async close() {
        await node.close();
        await cp.close();
      },
    };
  } catch (e) {
    await cp.close();
    throw e;
  }
}

export async function startTestServer(opts: { minPartSize?: number; dataDir?: string; env?: Record<string, string>; topology?: Topology } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'sovra-test-'));
  const errors: string[] = [];
  const log = (line: string) => errors.push(line);
  const minPartSize = opts.minPartSize ?? 5 * 1024 * 1024;
  let app: RunningApp;
  if (DEPLOYMENT === 'per-region') {
    app = await startPerRegion(dataDir, opts.env ?? {}, log, minPartSize);
  } else {
    const config = loadConfig(['--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1', '--workers', '1', '--no-fsync'], {
      SOVRA_ROOT_ACCESS_KEY: ACCESS_KEY,
      SOVRA_ROOT_SECRET_KEY: SECRET_KEY,
      ...opts.env,
    });
    app = await startApp(config, { log, minPartSize, ...(opts.topology ? { topology: opts.topology } : {}) });
  }
  const makeClient: TestServer['makeClient'] = (o = {}) =>
    new S3Client({
      endpoint: o.endpoint ?? app.url,
      region: REGION,
      forcePathStyle: o.forcePathStyle ?? true,
      credentials: { accessKeyId: o.accessKeyId ?? ACCESS_KEY, secretAccessKey: o.secretAccessKey ?? SECRET_KEY },
      maxAttempts: 1,
    });
  const client = makeClient();
  return {
    app,
    url: app.url,
    dataDir,
    client,
    errors,
    makeClient,
    async stop() {
      client.destroy();
      await app.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What serverWithBucket hands a test file once its `before` hook has run. */
export interface ServerWithBucket {
  srv: TestServer;
  s3: S3Client;
  bucket: string;
}

/**
 * A server and one fresh bucket for the tests of the enclosing suite (or file): started in
 * its `before` hook and stopped in its `after` hook. Read the fields inside tests only.
 */
export function serverWithBucket(prefix: string): ServerWithBucket {
  const env = {} as ServerWithBucket;
  before(async () => {
    env.srv = await startTestServer();
    env.s3 = env.srv.client;
    env.bucket = uniqueBucket(prefix);
    await env.s3.send(new CreateBucketCommand({ Bucket: env.bucket }));
  });
  after(async () => {
    await env.srv?.stop();
  });
  return env;
}

/** The S3 error code of a rejected SDK call, or fails the test if it did not reject. */
export async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    return err.Code ?? err.name ?? 'Unknown';
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Code, status and response headers of a rejected SDK call (e.g. x-amz-delete-marker on a 404). */
export async function failure(p: Promise<unknown>): Promise<{ code: string; status: number | undefined; headers: Record<string, string> }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
    return { code: err.Code ?? err.name ?? 'Unknown', status: err.$metadata?.httpStatusCode, headers: err.$response?.headers ?? {} };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Runs fn over items with at most `limit` in flight. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

export async function errorStatus(p: Promise<unknown>): Promise<{ code: string; status: number | undefined }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
    return { code: err.Code ?? err.name ?? 'Unknown', status: err.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export async function bodyText(body: unknown): Promise<string> {
  return (body as { transformToString(): Promise<string> }).transformToString();
}

export async function bodyBytes(body: unknown): Promise<Buffer> {
  return Buffer.from(await (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

let counter = 0;
export function uniqueBucket(prefix = 'b'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}
