/**
 * Which topology a process runs, and whether the deployment flags fit it: the file given
 * with --topology, else the built-in demo (every region in one process).
 */
import type { Config } from '../config/index.js';
import { demoTopology, loadTopologyFile, TopologyError } from '../topology/index.js';
import type { Topology } from '../topology/types.js';

export function resolveTopology(config: Readonly<Config>): Topology {
  const topology = config.topology !== undefined ? loadTopologyFile(config.topology) : demoTopology();
  const problems: string[] = [];
  if (config.region !== undefined && !topology.regions.some((r) => r.id === config.region)) {
    problems.push(`--region ${config.region}: ${topology.source} has no such region (it has ${topology.regions.map((r) => r.id).join(', ')})`);
  }
  const perRegion = config.region !== undefined || config.controlPlane;
  if (perRegion) {
    if (config.clusterSecret === undefined) problems.push('--cluster-secret (or SOVRA_CLUSTER_SECRET) is required when serving one region per process or the control plane');
    if (!topology.controlPlane) problems.push(`${topology.source}: a per-region deployment needs controlPlane.endpoint in the topology`);
    if (config.region !== undefined) {
      const missing = topology.regions.filter((r) => r.id !== config.region && r.endpoint === undefined).map((r) => r.id);
      if (missing.length > 0) problems.push(`${topology.source}: a per-region deployment needs an endpoint for every region; missing for ${missing.join(', ')}`);
    }
  }
  if (problems.length > 0) throw new TopologyError(topology.source, problems);
  return topology;
}
