/**
 * The admin API on a region node of a per-region deployment: the regions and its buckets'
 * residency are its own; account calls pass on to the control plane, and when the control
 * plane cannot be reached they answer 503 with the admin API's JSON error (not a dropped connection).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../src/app/index.js';
import { AdminApiError, AdminClient } from '../../src/client/index.js';
import { loadConfig } from '../../src/config/index.js';
import type { Region, Topology } from '../../src/topology/types.js';
import { ACCESS_KEY, SECRET_KEY } from './harness.js';

describe('admin API on a region node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sovra-region-admin-'));
  const env = { SOVRA_ROOT_ACCESS_KEY: ACCESS_KEY, SOVRA_ROOT_SECRET_KEY: SECRET_KEY, SOVRA_CLUSTER_SECRET: 'test-cluster-secret-0123456789abcdef0123' };
  const base = ['--host', '127.0.0.1', '--port', '0', '--workers', '1', '--no-fsync'];
  const region: Region = { id: 'eu-fra', name: 'Frankfurt', city: 'Frankfurt am Main', country: 'DE', zones: ['DE', 'EU', 'EEA'], storage: 'regions/eu-fra' };
  const topology: Topology = { regions: [region], defaultRegion: 'eu-fra', latencyMs: new Map(), source: 'test' };
  let cp: RunningApp | undefined;
  let node: RunningApp;
  const log = () => {};

  before(async () => {
    cp = await startApp(loadConfig([...base, '--data-dir', join(dir, 'cp'), '--control-plane'], env), { log, topology });
    node = await startApp(loadConfig([...base, '--data-dir', join(dir, 'fra'), '--region', 'eu-fra'], env), { log, topology: { ...topology, controlPlane: { endpoint: cp.url } } });
  });
  after(async () => {
    await node?.close();
    await cp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes account calls on to the control plane, and answers 503 Unavailable when it is gone', async () => {
    const admin = new AdminClient({ endpoint: node.url, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY });
    const me = await admin.request<{ accountKind: string }>('GET', 'whoami');
    assert.equal(me.accountKind, 'operator');
    await cp?.close();
    cp = undefined;
    const refused: unknown = await admin.request('GET', 'whoami').then(() => 'answered', (e: unknown) => e);
    assert.ok(refused instanceof AdminApiError, String(refused));
    assert.deepEqual([refused.code, refused.status], ['Unavailable', 503]);
    assert.match(refused.message, /control plane/);
    // What the node serves itself still works.
    const regions = await new AdminClient({ endpoint: node.url, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }).request<{ regions: unknown[] }>('GET', 'regions').then(
      (r) => r.regions.length,
      (e: unknown) => (e instanceof AdminApiError ? e.code : String(e)),
    );
    // Authenticating even a local route needs the control plane (it keeps the keys).
    assert.equal(regions, 'Unavailable');
  });
});
