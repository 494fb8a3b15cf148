/**
 * Which topology a process runs: the file given with --topology, else the built-in demo.
 */
import type { Config } from '../config/index.js';
import type { Topology } from '../topology/types.js';

export function resolveTopology(config: Readonly<Config>): Topology {
  if (config.topology !== undefined) throw new Error('topology files arrive with the topology loader');
  const region = (id: string, name: string, country: string, zones: string[]) => ({ id, name, city: name, country, zones, storage: `regions/${id}` });
  return {
    regions: [
      region('eu-fra', 'Frankfurt', 'DE', ['DE', 'EU', 'EEA']),
      region('eu-lon', 'London', 'GB', ['GB']),
      region('eu-par', 'Paris', 'FR', ['FR', 'EU', 'EEA']),
      region('ap-bom', 'Mumbai', 'IN', ['IN']),
      region('cn-hgh', 'Hangzhou', 'CN', ['CN']),
    ],
    defaultRegion: 'eu-fra',
    latencyMs: new Map(),
    source: 'built-in demo topology',
  };
}
