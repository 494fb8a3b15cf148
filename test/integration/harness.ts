/**
 * Starts a real Sovra server in-process on an ephemeral loopback port with a
 * temporary data directory, and hands tests a configured AWS SDK client.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';

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

export async function startTestServer(opts: { minPartSize?: number; dataDir?: string; env?: Record<string, string> } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'sovra-test-'));
  const config = loadConfig(['--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1', '--workers', '1', '--no-fsync'], {
    SOVRA_ROOT_ACCESS_KEY: ACCESS_KEY,
    SOVRA_ROOT_SECRET_KEY: SECRET_KEY,
    ...opts.env,
  });
  const errors: string[] = [];
  const app = await startApp(config, { log: (line) => errors.push(line), minPartSize: opts.minPartSize ?? 5 * 1024 * 1024 });
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
