/**
 * A small topology for placement tests (two German regions, France, Britain). Not used
 * by production code.
 */
import type { Region, Topology } from '../topology/types.js';

export function testTopology(extra: Partial<Topology> = {}): Topology {
  const r = (id: string, country: string, zones: string[]): Region => ({ id, name: id, city: id, country, zones, storage: `regions/${id}` });
  return {
    regions: [r('de-1', 'DE', ['DE', 'EU', 'EEA']), r('de-2', 'DE', ['DE', 'EU', 'EEA']), r('fr-1', 'FR', ['FR', 'EU', 'EEA']), r('gb-1', 'GB', ['GB'])],
    defaultRegion: 'de-1',
    latencyMs: new Map(),
    source: 'test topology',
    ...extra,
  };
}
