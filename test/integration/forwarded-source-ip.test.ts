/**
 * aws:SourceIp on a request one region node passes on whole to another: the bucket's node
 * must judge the client's address, not the forwarding node's. The client connects from
 * 127.0.0.5 (all of 127/8 is loopback) and the nodes from 127.0.0.1, so the two have different
 * addresses on one machine. A claimed address without a node's valid proof is ignored.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateBucketCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client, type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { startApp, type RunningApp } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { FORWARDED_FOR_HEADER, FORWARDED_PROOF_HEADER } from '../../src/internal/forwarded-for.js';
import type { Region, Topology } from '../../src/topology/types.js';
import { freePort } from '../clients/sovra-server.js';
import { ACCESS_KEY, bodyBytes, SECRET_KEY } from './harness.js';

const CLUSTER = 'forwarded-for-cluster-secret-0123456789abcdef';
const REGIONS: Region[] = [
  { id: 'de-fra', name: 'Frankfurt', city: 'Frankfurt', country: 'DE', zones: ['DE', 'EU', 'EEA'], storage: 'regions/de-fra' },
  { id: 'de-ber', name: 'Berlin', city: 'Berlin', country: 'DE', zones: ['DE', 'EU', 'EEA'], storage: 'regions/de-ber' },
];
const CLIENT_ADDRESS = '127.0.0.5';

describe('aws:SourceIp through a forwarding region node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sovra-forwarded-for-'));
  const nodes = new Map<string, RunningApp>();
  const clients: S3Client[] = [];
  const bucket = `ff-${randomBytes(3).toString('hex')}`;
  const client = (id: string, headers: Record<string, string> = {}, localAddress = CLIENT_ADDRESS) => {
    const c = new S3Client({
      endpoint: (nodes.get(id) as RunningApp).url, region: id, forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }, maxAttempts: 1,
      requestHandler: { httpAgent: new http.Agent({ localAddress }) },
    });
    // Headers added after signing, as a proxy or a forging client would.
    c.middlewareStack.add((next) => async (args) => {
      Object.assign((args.request as { headers: Record<string, string> }).headers, headers);
      return next(args);
    }, { step: 'finalizeRequest', priority: 'low', name: 'extraHeaders' });
    clients.push(c);
    return c;
  };
  const get = async (c: S3Client) => {
    try {
      return (await bodyBytes((await c.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }))).Body)).toString();
    } catch (e) {
      return (e as { name?: string }).name ?? 'error';
    }
  };

  before(async () => {
    const ports = new Map<string, number>();
    for (const id of ['control-plane', 'de-fra', 'de-ber']) ports.set(id, await freePort());
    const url = (id: string) => `http://127.0.0.1:${ports.get(id)}`;
    const topology: Topology = {
      regions: REGIONS.map((r) => ({ ...r, endpoint: url(r.id) })),
      defaultRegion: 'de-fra',
      latencyMs: new Map(),
      controlPlane: { endpoint: url('control-plane') },
      source: 'forwarded-for test topology',
    };
    const env = { SOVRA_ROOT_ACCESS_KEY: ACCESS_KEY, SOVRA_ROOT_SECRET_KEY: SECRET_KEY, SOVRA_CLUSTER_SECRET: CLUSTER };
    const base = (id: string) => ['--host', '127.0.0.1', '--port', String(ports.get(id)), '--workers', '1', '--no-fsync', '--data-dir', join(dir, id)];
    const log = () => {};
    nodes.set('control-plane', await startApp(loadConfig([...base('control-plane'), '--control-plane'], env), { log, topology }));
    for (const r of REGIONS) nodes.set(r.id, await startApp(loadConfig([...base(r.id), '--region', r.id], env), { log, topology }));

    const ber = client('de-ber');
    await ber.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: 'de-ber' as BucketLocationConstraint } }));
    await ber.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'hello' }));
    // Reads only from the client's address, never from another node's (127.0.0.1).
    await ber.send(new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { NotIpAddress: { 'aws:SourceIp': `${CLIENT_ADDRESS}/32` } } }],
      }),
    }));
  });

  after(async () => {
    for (const c of clients) c.destroy();
    for (const id of ['de-fra', 'de-ber', 'control-plane']) await nodes.get(id)?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('judges the client address the forwarding node proved', async () => {
    assert.equal(await get(client('de-fra')), 'hello', 'sent to Frankfurt from the client address, passed on to Berlin');
  });

  it('judges the connection address of a direct request', async () => {
    assert.equal(await get(client('de-ber')), 'hello', 'sent to Berlin from the client address');
    // What Berlin saw of a forwarded request before: the forwarding node's address, refused.
    assert.equal(await get(client('de-ber', {}, '127.0.0.1')), 'AccessDenied', 'sent to Berlin from 127.0.0.1');
  });

  it('ignores a claimed address without a proof, or with a false one', async () => {
    // Sent from 127.0.0.1, claiming the allowed address.
    assert.equal(await get(client('de-ber', { [FORWARDED_FOR_HEADER]: CLIENT_ADDRESS, 'x-sovra-forwarded-by': 'de-fra' }, '127.0.0.1')), 'AccessDenied');
    assert.equal(await get(client('de-ber', { [FORWARDED_FOR_HEADER]: CLIENT_ADDRESS, [FORWARDED_PROOF_HEADER]: 'ab'.repeat(32), 'x-sovra-forwarded-by': 'de-fra' }, '127.0.0.1')), 'AccessDenied');
  });
});
