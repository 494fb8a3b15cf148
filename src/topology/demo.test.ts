import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { allowedRegions } from '../residency/policy.js';
import { DEMO_SOURCE, demoTopology } from './demo.js';
import { loadTopologyFile } from './parse.js';
import type { Topology } from './types.js';

const example = (name: string): string => fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));

/** Everything but the source, with maps as sorted entries, for comparing topologies. */
function comparable(t: Topology): unknown {
  return {
    regions: t.regions,
    defaultRegion: t.defaultRegion,
    controlPlane: t.controlPlane,
    latency: [...t.latencyMs].map(([from, row]) => [from, [...row].sort(([a], [b]) => a.localeCompare(b))]),
  };
}

describe('demo topology', () => {
  it('has the five demo regions with their countries and zones', () => {
    const t = demoTopology();
    assert.equal(t.source, DEMO_SOURCE);
    assert.equal(t.defaultRegion, 'eu-fra');
    assert.deepEqual(
      t.regions.map((r) => [r.id, r.name, r.country, r.zones.join(',')]),
      [
        ['eu-fra', 'Frankfurt', 'DE', 'DE,EU,EEA'],
        ['eu-lon', 'London', 'GB', 'GB'],
        ['eu-par', 'Paris', 'FR', 'FR,EU,EEA'],
        ['ap-bom', 'Mumbai', 'IN', 'IN'],
        ['cn-hgh', 'Hangzhou', 'CN', 'CN'],
      ],
    );
    for (const r of t.regions) {
      assert.equal(r.storage, `regions/${r.id}`);
      assert.equal(r.endpoint, undefined, 'one process serves every demo region');
      assert.ok(r.location !== undefined);
    }
    assert.deepEqual(allowedRegions(t, ['EU']).map((r) => r.id), ['eu-fra', 'eu-par']);
  });

  it('declares a symmetric round trip between every pair of regions', () => {
    const t = demoTopology();
    for (const a of t.regions) {
      for (const b of t.regions) {
        const ms = t.latencyMs.get(a.id)?.get(b.id);
        assert.ok(ms !== undefined, `${a.id} → ${b.id} declared`);
        assert.equal(ms, t.latencyMs.get(b.id)?.get(a.id));
        assert.ok(a.id === b.id ? ms === 0 : ms > 0);
      }
    }
  });

  it('is the same as examples/topology-demo.yaml', () => {
    const file = loadTopologyFile(example('topology-demo.yaml'));
    assert.deepEqual(comparable(file), comparable(demoTopology()));
  });

  it('is the same regions as examples/topology-regions.yaml, which adds endpoints on 127.0.0.1:9001-9005 and a control plane', () => {
    const t = loadTopologyFile(example('topology-regions.yaml'));
    assert.deepEqual(t.controlPlane, { endpoint: 'http://127.0.0.1:9100' });
    assert.deepEqual(t.regions.map((r) => r.endpoint), [9001, 9002, 9003, 9004, 9005].map((p) => `http://127.0.0.1:${p}`));
    const withoutEndpoints = { ...t, controlPlane: undefined, regions: t.regions.map(({ endpoint: _e, ...r }) => r) };
    assert.deepEqual(comparable(withoutEndpoints), comparable(demoTopology()));
  });

  it('documents a valid topology in examples/topology.yaml', () => {
    const t = loadTopologyFile(example('topology.yaml'));
    assert.deepEqual(t.regions.map((r) => r.id), ['eu-fra', 'eu-lon']);
    assert.equal(t.latencyMs.get('eu-lon')?.get('eu-fra'), 15);
  });
});
