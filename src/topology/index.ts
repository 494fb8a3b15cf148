/**
 * Regions: the topology (file format in examples/topology.yaml), the built-in demo, and
 * region recommendation by latency within a residency policy.
 */
export type { Region, Topology } from './types.js';
export { TopologyError } from './error.js';
export { validateTopology } from './validate.js';
export { parseTopology, loadTopologyFile, type TopologyFormat } from './parse.js';
export { demoTopology, DEMO_SOURCE } from './demo.js';
export {
  recommendRegions,
  parseRttList,
  parseLocation,
  estimateRttMs,
  greatCircleKm,
  type Recommendation,
  type RecommendInput,
  type RecommendFrom,
  type RttBasis,
  type GeoPoint,
} from './nearest.js';
export { probeRtt, type ProbeTarget, type ProbeOptions } from './probe.js';
