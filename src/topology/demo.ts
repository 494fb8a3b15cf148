/**
 * The topology `sovra serve` uses when given none: five regions on one process, enough to
 * try residency (EU vs. national policies) and region recommendation on a laptop. The same
 * topology ships as examples/topology-demo.yaml for operators to copy; a test keeps the two equal.
 *
 * Latencies are declared round trips between the real cities over typical public routes
 * (order of magnitude, not measurements); routes into mainland China are slower than the
 * distance alone suggests.
 */
import type { Topology } from './types.js';
import { validateTopology } from './validate.js';

export const DEMO_SOURCE = 'built-in demo topology';

const DEMO_DOCUMENT = {
  defaultRegion: 'eu-fra',
  regions: [
    { id: 'eu-fra', name: 'Frankfurt', city: 'Frankfurt am Main', country: 'DE', zones: ['DE', 'EU', 'EEA'], storage: 'regions/eu-fra', location: { lat: 50.1109, lon: 8.6821 } },
    { id: 'eu-lon', name: 'London', city: 'London', country: 'GB', zones: ['GB'], storage: 'regions/eu-lon', location: { lat: 51.5074, lon: -0.1278 } },
    { id: 'eu-par', name: 'Paris', city: 'Paris', country: 'FR', zones: ['FR', 'EU', 'EEA'], storage: 'regions/eu-par', location: { lat: 48.8566, lon: 2.3522 } },
    { id: 'ap-bom', name: 'Mumbai', city: 'Mumbai', country: 'IN', zones: ['IN'], storage: 'regions/ap-bom', location: { lat: 19.076, lon: 72.8777 } },
    { id: 'cn-hgh', name: 'Hangzhou', city: 'Hangzhou', country: 'CN', zones: ['CN'], storage: 'regions/cn-hgh', location: { lat: 30.2741, lon: 120.1551 } },
  ],
  latency: {
    'eu-fra': { 'eu-lon': 15, 'eu-par': 11, 'ap-bom': 115, 'cn-hgh': 230 },
    'eu-lon': { 'eu-par': 9, 'ap-bom': 120, 'cn-hgh': 240 },
    'eu-par': { 'ap-bom': 118, 'cn-hgh': 235 },
    'ap-bom': { 'cn-hgh': 125 },
  },
};

let demo: Topology | undefined;

/** The built-in demo topology (validated like any file, built once). */
export function demoTopology(): Topology {
  demo ??= validateTopology(DEMO_DOCUMENT, DEMO_SOURCE);
  return demo;
}
