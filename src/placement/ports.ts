/**
 * The two ports regional placement is built on, each with a local implementation
 * (embedded mode, and the control plane / region process serving it) and an HTTP one
 * (a region process reaching the control plane or a peer region). The router above
 * them is the same code in both deployment modes.
 */
import type { Readable } from 'node:stream';
import type { CopySourceRead, HourlyUsage, OwnerUsage, Preconditions, ReplicaWrite, UsageBatch, UsageHoursQuery } from '../engine/types.js';
import type { ResidencyPolicy } from '../residency/policy.js';

/** A bucket as the global directory knows it. Object keys and contents are never here. */
export interface BucketEntry {
  name: string;
  region: string;
  owner: string;
  createdAt: Date;
  residency: ResidencyPolicy;
}

/**
 * The global bucket directory (bucket name → region, owner, residency policy) and the
 * accounts' mandatory residency policies. Lives in the control plane.
 */
export interface BucketDirectory {
  /** Claims a globally unique name. BucketAlreadyOwnedByYou / BucketAlreadyExists when taken. */
  reserve(entry: BucketEntry): Promise<void>;
  /** May be served from a short-lived cache: good for routing. */
  lookup(name: string): Promise<BucketEntry | undefined>;
  /** Never from a cache: residency decisions use this. */
  lookupFresh(name: string): Promise<BucketEntry | undefined>;
  /** Frees a name, only if it is still registered to `region` (no effect otherwise). */
  release(name: string, region: string): Promise<void>;
  /** All buckets, or those of one owner, sorted by name. */
  list(owner?: string): Promise<BucketEntry[]>;
  setResidency(name: string, residency: ResidencyPolicy): Promise<void>;
  getAccountResidency(accountId: string): Promise<readonly string[] | undefined>;
  /** undefined removes the account's mandatory policy. */
  setAccountResidency(accountId: string, zones: readonly string[] | undefined): Promise<void>;
  close(): Promise<void>;
}

/** Who asks, for the region that holds the data to authorise the read itself. */
export interface Requester {
  accountId: string;
}

export interface ReadForCopyInput {
  source: { bucket: string; key: string; versionId?: string };
  /** Inclusive byte range to read (UploadPartCopy with x-amz-copy-source-range). */
  range?: { start: number; end: number };
  conditions?: Preconditions;
  requester: Requester;
  /** Where the bytes will be written: the source region refuses unless the policies allow it. */
  dest: { bucket: string };
  /** For the error message: 'CopyObject' or 'UploadPartCopy'. */
  action: string;
  signal?: AbortSignal;
}

export type ReadForCopyResult = CopySourceRead;

/** One object version (or delete marker) replicated from `sourceBucket` into `destBucket`. */
export interface ReplicaInput extends ReplicaWrite {
  sourceBucket: string;
}

/**
 * How a node reaches the data of one region: directly when it serves that region, over
 * authenticated HTTP otherwise. Both sides check residency: the sending side before any
 * byte leaves, the receiving side before any byte is stored.
 */
export interface RegionAccess {
  readonly regionId: string;
  readonly local: boolean;
  readForCopy(input: ReadForCopyInput): Promise<ReadForCopyResult>;
  putReplica(input: ReplicaInput): Promise<void>;
  /** The owner's usage in this region: totals only (bytes, objects, buckets), never keys. */
  usageByOwner(owner: string): Promise<OwnerUsage>;
  /** Adds a metering batch to this region's store (idempotent per batch id). */
  recordUsage(batch: UsageBatch): Promise<void>;
  /** This region's hourly usage figures (no object keys). */
  readUsage(q: UsageHoursQuery): Promise<HourlyUsage[]>;
}
