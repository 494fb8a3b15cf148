/**
 * Residency policies: the set of legal zones a bucket's data may live in. Pure
 * functions over a topology; every refusal is an AppError whose message names
 * the policy and the regions involved, so a customer can see why.
 *
 * Semantics:
 * - A region is allowed by a policy when it belongs to at least one of the policy's zones.
 * - With no explicit policy a bucket may live only in its primary region's country (fail closed).
 * - A policy satisfies a mandatory one when every region it allows, the mandatory one allows too.
 * - Bytes may move from bucket S to bucket D only when every region D may ever live in
 *   (its policy) is allowed by S's policy: otherwise a later replica of D could carry S's
 *   data out of S's border.
 */
import { fail } from '../core/errors.js';
import type { Region, Topology } from '../topology/types.js';

export interface ResidencyPolicy {
  /** Zone names, upper case, sorted, no duplicates. */
  readonly zones: readonly string[];
  /** False for the fail-closed default (the primary region's country). */
  readonly explicit: boolean;
}

const ZONE_RE = /^[A-Z0-9][A-Z0-9_-]{0,31}$/;

export function knownZones(topology: Topology): Set<string> {
  const zones = new Set<string>();
  for (const r of topology.regions) for (const z of r.zones) zones.add(z);
  return zones;
}

/** Normalises and validates zone names given by a user (case-insensitive, comma lists allowed). */
export function parseZones(topology: Topology, input: readonly string[]): string[] {
  const zones = new Set<string>();
  for (const item of input) {
    for (const raw of item.split(',')) {
      const z = raw.trim().toUpperCase();
      if (z === '') continue;
      if (!ZONE_RE.test(z)) throw fail('InvalidArgument', `'${raw.trim()}' is not a valid zone name.`, { details: { ArgumentName: 'zones', ArgumentValue: raw.trim() } });
      zones.add(z);
    }
  }
  if (zones.size === 0) throw fail('InvalidArgument', 'A residency policy must name at least one zone.', { details: { ArgumentName: 'zones' } });
  const known = knownZones(topology);
  const unknown = [...zones].filter((z) => !known.has(z));
  if (unknown.length > 0) {
    throw fail('InvalidArgument', `Unknown zone${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the zones of this topology are ${[...known].sort().join(', ')}.`, {
      details: { ArgumentName: 'zones', ArgumentValue: unknown.join(',') },
    });
  }
  return [...zones].sort();
}

export function explicitPolicy(topology: Topology, zones: readonly string[]): ResidencyPolicy {
  return { zones: parseZones(topology, zones), explicit: true };
}

export function defaultPolicy(region: Region): ResidencyPolicy {
  return { zones: [region.country], explicit: false };
}

export function regionAllowed(region: Region, zones: readonly string[]): boolean {
  return region.zones.some((z) => zones.includes(z));
}

/** Regions of the topology a policy allows, in topology order. */
export function allowedRegions(topology: Topology, zones: readonly string[]): Region[] {
  return topology.regions.filter((r) => regionAllowed(r, zones));
}

export function findRegion(topology: Topology, id: string): Region | undefined {
  return topology.regions.find((r) => r.id === id);
}

export function describePolicy(zones: readonly string[]): string {
  return zones.join(', ');
}

function describeRegions(regions: readonly Region[]): string {
  return regions.length === 0 ? 'none' : regions.map((r) => `${r.id} (${r.country})`).join(', ');
}

/** True when every region `zones` allows is also allowed by `outer`. */
export function isWithin(topology: Topology, zones: readonly string[], outer: readonly string[]): boolean {
  return allowedRegions(topology, zones).every((r) => regionAllowed(r, outer));
}

/** A bucket in `region` with `policy` must satisfy the account's mandatory policy, if any. */
export function checkPlacement(
  topology: Topology,
  at: { bucket: string; region: Region; policy: ResidencyPolicy; mandatory?: readonly string[] | undefined },
): void {
  const { bucket, region, policy, mandatory } = at;
  if (!regionAllowed(region, policy.zones)) {
    throw fail(
      'ResidencyViolation',
      `Residency policy [${describePolicy(policy.zones)}] of bucket '${bucket}' does not allow region ${region.id} (${region.country}: ${region.zones.join(', ')}); allowed regions: ${describeRegions(allowedRegions(topology, policy.zones))}.`,
      { resource: `/${bucket}`, details: { Region: region.id, ResidencyPolicy: describePolicy(policy.zones) } },
    );
  }
  if (mandatory !== undefined && !isWithin(topology, policy.zones, mandatory)) {
    const outside = allowedRegions(topology, policy.zones).filter((r) => !regionAllowed(r, mandatory));
    throw fail(
      'ResidencyViolation',
      `Residency policy [${describePolicy(policy.zones)}] of bucket '${bucket}' is wider than the account's mandatory policy [${describePolicy(mandatory)}]: it would allow ${describeRegions(outside)}.`,
      { resource: `/${bucket}`, details: { ResidencyPolicy: describePolicy(policy.zones), MandatoryPolicy: describePolicy(mandatory) } },
    );
  }
}

export interface BucketResidency {
  bucket: string;
  region: Region;
  policy: ResidencyPolicy;
}

/**
 * May bytes of `from` be written into `to` (copy, part copy, replication)? Refuses unless `to`'s
 * region and every region `to`'s policy allows are inside `from`'s policy.
 */
export function checkTransfer(topology: Topology, from: BucketResidency, to: BucketResidency, action: string): void {
  if (!regionAllowed(to.region, from.policy.zones)) {
    throw fail(
      'ResidencyViolation',
      `${action} refused: bucket '${from.bucket}' may live only in [${describePolicy(from.policy.zones)}] (regions ${describeRegions(allowedRegions(topology, from.policy.zones))}), and bucket '${to.bucket}' is in region ${to.region.id} (${to.region.country}).`,
      { resource: `/${to.bucket}`, details: { SourceBucket: from.bucket, SourceRegion: from.region.id, DestinationRegion: to.region.id, ResidencyPolicy: describePolicy(from.policy.zones) } },
    );
  }
  if (!isWithin(topology, to.policy.zones, from.policy.zones)) {
    const outside = allowedRegions(topology, to.policy.zones).filter((r) => !regionAllowed(r, from.policy.zones));
    throw fail(
      'ResidencyViolation',
      `${action} refused: bucket '${from.bucket}' may live only in [${describePolicy(from.policy.zones)}], but the residency policy [${describePolicy(to.policy.zones)}] of bucket '${to.bucket}' would let its copy move to ${describeRegions(outside)}.`,
      { resource: `/${to.bucket}`, details: { SourceBucket: from.bucket, DestinationBucket: to.bucket, ResidencyPolicy: describePolicy(from.policy.zones) } },
    );
  }
}
