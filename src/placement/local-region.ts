/**
 * RegionAccess for a region this node serves: reads and writes its StorageEngine
 * directly. This is also what a region's internal API calls when a peer asks, so the
 * residency checks here are the sending side's (readForCopy: before any byte leaves) and
 * the receiving side's (putReplica: before any byte is stored), whatever the caller
 * checked already.
 */
import { fail } from '../core/errors.js';
import type { HourlyUsage, OwnerUsage, RegionEngine, UsageBatch, UsageHoursQuery } from '../engine/types.js';
import { checkTransfer, findRegion, type BucketResidency } from '../residency/policy.js';
import type { Topology } from '../topology/types.js';
import type { BucketDirectory, BucketEntry, ReadForCopyInput, ReadForCopyResult, RegionAccess, ReplicaInput } from './ports.js';

export function noSuchBucket(name: string): Error {
  return fail('NoSuchBucket', 'The specified bucket does not exist', { resource: `/${name}`, details: { BucketName: name } });
}

/** The directory entry as it is now (never cached): residency checks depend on it. */
export async function mustLookup(directory: BucketDirectory, name: string): Promise<BucketEntry> {
  const e = await directory.lookupFresh(name);
  if (!e) throw noSuchBucket(name);
  return e;
}

export function residencyOf(topology: Topology, e: BucketEntry): BucketResidency {
  const region = findRegion(topology, e.region);
  // A directory entry naming a region the topology lost is refused at startup; this is a guard.
  if (!region) throw fail('Internal', `bucket ${e.name} is placed in region ${e.region}, which is not in the topology`);
  return { bucket: e.name, region, policy: e.residency };
}

export class LocalRegion implements RegionAccess {
  readonly local = true;
  readonly regionId: string;

  constructor(private readonly o: { regionId: string; engine: RegionEngine; topology: Topology; directory: BucketDirectory }) {
    this.regionId = o.regionId;
  }

  get engine(): RegionEngine {
    return this.o.engine;
  }

  private async ownEntry(name: string): Promise<BucketEntry> {
    const e = await mustLookup(this.o.directory, name);
    if (e.region !== this.regionId) throw noSuchBucket(name);
    return e;
  }

  async readForCopy(input: ReadForCopyInput): Promise<ReadForCopyResult> {
    const { engine, topology, directory } = this.o;
    const src = await this.ownEntry(input.source.bucket);
    if (src.owner !== input.requester.accountId) throw fail('AccessDenied', 'Access Denied', { resource: `/${src.name}` });
    const dest = await mustLookup(directory, input.dest.bucket);
    checkTransfer(topology, residencyOf(topology, src), residencyOf(topology, dest), input.action);

    return engine.readCopySource({
      source: input.source,
      ...(input.range ? { range: input.range } : {}),
      ...(input.conditions ? { conditions: input.conditions } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    });
  }

  async putReplica(input: ReplicaInput): Promise<void> {
    const { topology, directory } = this.o;
    const dest = await this.ownEntry(input.destBucket);
    const src = await mustLookup(directory, input.sourceBucket);
    if (src.owner !== dest.owner) throw fail('AccessDenied', 'Access Denied', { resource: `/${dest.name}` });
    checkTransfer(topology, residencyOf(topology, src), residencyOf(topology, dest), 'Replication');
    const { sourceBucket: _source, ...write } = input;
    await this.o.engine.putReplica(write);
  }

  async usageByOwner(owner: string): Promise<OwnerUsage> {
    return this.o.engine.usageByOwner(owner);
  }

  recordUsage(batch: UsageBatch): Promise<void> {
    return this.o.engine.recordUsage(batch);
  }

  readUsage(q: UsageHoursQuery): Promise<HourlyUsage[]> {
    return this.o.engine.readUsage(q);
  }
}
