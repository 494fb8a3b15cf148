/**
 * Checks run before a node serves: the directory must fit the topology (a topology edit
 * must never strand a bucket outside its policy or in a region that no longer exists),
 * and each served region's engine must agree with the directory. Nothing is moved or
 * deleted here: a mismatch that could mean lost data stops the node with an explanation.
 */
import type { StorageEngine } from '../engine/types.js';
import { findRegion, knownZones, regionAllowed } from '../residency/policy.js';
import type { Topology } from '../topology/types.js';
import type { BucketDirectory } from './ports.js';

export class PlacementCheckError extends Error {
  constructor(readonly problems: string[]) {
    super(`The topology does not fit the buckets that exist; nothing was changed:\n  - ${problems.join('\n  - ')}`);
    this.name = 'PlacementCheckError';
  }
}

/** Every directory entry names a known region, known zones, and a region its policy allows. */
export async function checkDirectoryFitsTopology(directory: BucketDirectory, topology: Topology): Promise<void> {
  const zones = knownZones(topology);
  const problems: string[] = [];
  for (const b of await directory.list()) {
    const region = findRegion(topology, b.region);
    if (!region) {
      problems.push(`bucket '${b.name}' is in region ${b.region}, which ${topology.source} no longer lists`);
      continue;
    }
    const unknown = b.residency.zones.filter((z) => !zones.has(z));
    if (unknown.length > 0) problems.push(`bucket '${b.name}' has a residency policy naming zone(s) ${unknown.join(', ')}, which no region of ${topology.source} is in`);
    else if (!regionAllowed(region, b.residency.zones)) {
      problems.push(`bucket '${b.name}' in ${region.id} (zones ${region.zones.join(', ')}) would be outside its residency policy [${b.residency.zones.join(', ')}]`);
    }
  }
  if (problems.length > 0) throw new PlacementCheckError(problems);
}

/** How old a directory reservation must be before its missing bucket counts as abandoned. */
const ABANDONED_RESERVATION_MS = 60_000;

/**
 * Brings a served region's engine and the directory into agreement after a crash between
 * the two writes of CreateBucket or DeleteBucket: an old reservation the engine never got
 * is released; a bucket the engine has but the directory lost is registered again (with
 * the fail-closed default policy). When the region's storage is brand new but the
 * directory lists buckets there, its storage location probably changed: refuse.
 */
export async function reconcileRegion(
  o: { regionId: string; engine: StorageEngine; directory: BucketDirectory; topology: Topology; storageIsNew: boolean; now: Date; log: (line: string) => void },
): Promise<void> {
  const listed = (await o.directory.list()).filter((b) => b.region === o.regionId);
  const held = new Map((await o.engine.listBuckets()).map((b) => [b.name, b]));
  if (o.storageIsNew && listed.length > 0) {
    throw new PlacementCheckError([
      `region ${o.regionId} has new, empty storage but the directory lists ${listed.length} bucket(s) there (${listed.slice(0, 5).map((b) => b.name).join(', ')}${listed.length > 5 ? ', ...' : ''}): did its storage location change?`,
    ]);
  }
  for (const b of listed) {
    if (held.has(b.name)) continue;
    if (o.now.getTime() - b.createdAt.getTime() < ABANDONED_RESERVATION_MS) continue;
    o.log(`placement: releasing bucket name '${b.name}': reserved for ${o.regionId} but never created there`);
    await o.directory.release(b.name, o.regionId);
  }
  const region = findRegion(o.topology, o.regionId);
  for (const [name, b] of held) {
    const entry = await o.directory.lookup(name);
    if (entry?.region === o.regionId) continue;
    if (entry) {
      o.log(`placement: bucket '${name}' exists in ${o.regionId} but the directory places it in ${entry.region}; it is not served until resolved`);
      continue;
    }
    if (!region) continue;
    o.log(`placement: registering bucket '${name}' of ${o.regionId} that the directory had lost (policy: [${region.country}])`);
    await o.directory.reserve({ name, region: o.regionId, owner: b.owner, createdAt: b.createdAt, residency: { zones: [region.country], explicit: false } });
  }
}
