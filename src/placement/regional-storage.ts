/**
 * RegionalStorage: the StorageEngine the S3 layer talks to when Sovra serves regions. It
 * routes every bucket to the engine of the region that holds it, keeps the global bucket
 * directory in step with bucket creation and deletion, enforces residency wherever bytes
 * could move (bucket placement, copies, part copies, replication rules, policy changes),
 * and answers PermanentRedirect for buckets held by a region this node does not serve.
 *
 * The same code runs in both deployment modes: embedded (every region's engine is local,
 * the directory is a local SQLite file) and one process per region (one local engine; the
 * directory and the other regions are reached over authenticated HTTP through the same
 * ports).
 */
import { fail } from '../core/errors.js';
import { copiedHeaders } from '../engine/index.js';
import type {
  Bucket,
  CannedAcl,
  CopyObjectInput,
  CopyResult,
  OwnerUsage,
  PartInfo,
  ReplicationConfig,
  StorageEngine,
  UploadPartCopyInput,
} from '../engine/types.js';
import {
  allowedRegions,
  checkPlacement,
  checkTransfer,
  defaultPolicy,
  explicitPolicy,
  findRegion,
  isWithin,
  regionAllowed,
  type ResidencyPolicy,
} from '../residency/policy.js';
import type { Region, Topology } from '../topology/types.js';
import { mustLookup, noSuchBucket, residencyOf } from './local-region.js';
import type { BucketDirectory, BucketEntry, RegionAccess } from './ports.js';

export interface RegionalStorageOptions {
  topology: Topology;
  directory: BucketDirectory;
  /** Engines of the regions this node serves. */
  engines: ReadonlyMap<string, StorageEngine>;
  /** Every region of the topology: local access for served ones, remote for the rest. */
  regions: ReadonlyMap<string, RegionAccess>;
  /** Where CreateBucket without LocationConstraint goes when the policy allows it. */
  defaultRegion: string;
  /** A deployment-wide mandatory policy, for accounts without their own. */
  mandatoryResidency?: readonly string[];
  clock?: () => Date;
  /** Called after a write to a served region queued replication (wakes its replicator). */
  onWrite?: (region: string) => void;
  /** How long a bucket's region may be served from memory. Default 1 s. */
  routeCacheMs?: number;
}

/** What GET ?residency and the admin API show. */
export interface ResidencyView {
  bucket: string;
  region: string;
  zones: readonly string[];
  explicit: boolean;
  allowedRegions: string[];
  mandatory?: readonly string[];
}

export interface CreateBucketRequest {
  name: string;
  owner: string;
  /** LocationConstraint; undefined lets Sovra choose within the policy. */
  region?: string;
  /** An explicit residency policy (zones); undefined means the primary region's country. */
  zones?: readonly string[];
  /** x-amz-acl; default 'private'. */
  acl?: CannedAcl;
}

/** The regional operations beyond StorageEngine that the S3 layer and admin API use. */
export interface Placement {
  readonly topology: Topology;
  /** Regions whose buckets this node serves. */
  servedRegions(): readonly string[];
  createBucket(input: CreateBucketRequest): Promise<Bucket>;
  /** The directory entry (NoSuchBucket when none), wherever the bucket lives. */
  lookupBucket(name: string): Promise<BucketEntry>;
  getResidency(bucket: string): Promise<ResidencyView>;
  /** undefined resets to the fail-closed default (the primary region's country). */
  putResidency(bucket: string, zones: readonly string[] | undefined): Promise<ResidencyView>;
  getAccountResidency(accountId: string): Promise<readonly string[] | undefined>;
  /**
   * The endpoint to pass a request for `bucket` on to, when another region holds it and this
   * node's region may carry its bytes (the bucket's policy allows it); undefined otherwise.
   */
  forwardTarget(bucket: string): Promise<string | undefined>;
  putAccountResidency(accountId: string, zones: readonly string[] | undefined): Promise<readonly string[] | undefined>;
}

export type RegionalStorage = StorageEngine & Placement;

const REDIRECT_MESSAGE = 'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.';

function endpointHost(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined) return undefined;
  try {
    return new URL(endpoint).host;
  } catch {
    return undefined;
  }
}

export function createRegionalStorage(o: RegionalStorageOptions): RegionalStorage {
  const { topology, directory, engines, regions } = o;
  const clock = o.clock ?? (() => new Date());
  const cacheMs = o.routeCacheMs ?? 1000;
  // Routing only: a stale entry sends a request to an engine that answers NoSuchBucket, never
  // to the wrong bucket. Residency decisions always read the directory afresh.
  const routes = new Map<string, { entry: BucketEntry; at: number }>();

  function regionOf(id: string): Region {
    const r = findRegion(topology, id);
    if (!r) throw fail('Internal', `region ${id} is not in the topology`);
    return r;
  }

  function redirect(entry: BucketEntry): Error {
    const region = regionOf(entry.region);
    const host = endpointHost(region.endpoint);
    return fail('PermanentRedirect', REDIRECT_MESSAGE, {
      resource: `/${entry.name}`,
      details: { Bucket: entry.name, ...(host ? { Endpoint: host } : {}), Region: entry.region },
      headers: { 'x-amz-bucket-region': entry.region },
    });
  }

  async function entryFor(name: string): Promise<BucketEntry> {
    const hit = routes.get(name);
    if (hit && Date.now() - hit.at < cacheMs) return hit.entry;
    const entry = await directory.lookup(name);
    if (!entry) throw noSuchBucket(name);
    if (routes.size > 10_000) routes.clear();
    routes.set(name, { entry, at: Date.now() });
    return entry;
  }

  async function locate(name: string): Promise<{ entry: BucketEntry; engine: StorageEngine }> {
    const entry = await entryFor(name);
    const engine = engines.get(entry.region);
    if (!engine) throw redirect(entry);
    return { entry, engine };
  }

  async function engineFor(name: string): Promise<StorageEngine> {
    return (await locate(name)).engine;
  }

  /**
   * Runs `f` on the engine holding `name`. A fresh cached route to an engine served here
   * (every request but the first of each second) costs no lookup and no extra await.
   */
  function onEngine<R>(name: string, f: (engine: StorageEngine) => Promise<R>): Promise<R> {
    const hit = routes.get(name);
    const engine = hit && Date.now() - hit.at < cacheMs ? engines.get(hit.entry.region) : undefined;
    if (!engine) return engineFor(name).then(f);
    try {
      return f(engine);
    } catch (e) {
      // As an async function would: a caller sees every failure as a rejection.
      return Promise.reject(e);
    }
  }

  /** A write that queued replication wakes its region's replicator once it is committed. */
  async function written<R extends { replicationQueued?: boolean }>(bucket: string, write: (engine: StorageEngine) => Promise<R>): Promise<R> {
    const { entry, engine } = await locate(bucket);
    const result = await write(engine);
    if (result.replicationQueued) o.onWrite?.(entry.region);
    return result;
  }

  async function mandatoryFor(owner: string): Promise<readonly string[] | undefined> {
    return (await directory.getAccountResidency(owner)) ?? o.mandatoryResidency;
  }

  function chooseRegion(policy: ResidencyPolicy | undefined, mandatory: readonly string[] | undefined): Region {
    const fits = (r: Region) => engines.has(r.id) && (!policy || regionAllowed(r, policy.zones)) && (!mandatory || regionAllowed(r, mandatory));
    const preferred = regionOf(o.defaultRegion);
    if (fits(preferred)) return preferred;
    const other = topology.regions.find(fits);
    // None served here fits: report against the default so the message names the policy.
    return other ?? preferred;
  }

  async function residencyView(entry: BucketEntry): Promise<ResidencyView> {
    const mandatory = await mandatoryFor(entry.owner);
    return {
      bucket: entry.name,
      region: entry.region,
      zones: entry.residency.zones,
      explicit: entry.residency.explicit,
      allowedRegions: allowedRegions(topology, entry.residency.zones).map((r) => r.id),
      ...(mandatory ? { mandatory } : {}),
    };
  }

  /** Source and destination as the directory has them now, with the transfer checked. */
  async function checkCopy(sourceBucket: string, destBucket: string, action: string): Promise<{ src: BucketEntry; dest: BucketEntry }> {
    const [src, dest] = await Promise.all([mustLookup(directory, sourceBucket), mustLookup(directory, destBucket)]);
    checkTransfer(topology, residencyOf(topology, src), residencyOf(topology, dest), action);
    return { src, dest };
  }

  async function copyObject(input: CopyObjectInput): Promise<CopyResult> {
    const { engine } = await locate(input.dest.bucket);
    const { src, dest } = await checkCopy(input.source.bucket, input.dest.bucket, 'CopyObject');
    if (src.owner !== input.owner) throw fail('AccessDenied', 'Access Denied', { resource: `/${src.name}` });
    if (src.region === dest.region) return engine.copyObject(input);
    const source = await regionAccess(src.region).readForCopy({
      source: input.source,
      ...(input.sourceConditions ? { conditions: input.sourceConditions } : {}),
      requester: { accountId: input.owner },
      dest: { bucket: dest.name },
      action: 'CopyObject',
      ...(input.signal ? { signal: input.signal } : {}),
    });
    try {
      const algorithm = input.checksumAlgorithm ?? source.info.checksum?.algorithm;
      const written = await engine.putObject({
        bucket: dest.name,
        key: input.dest.key,
        owner: input.owner,
        body: source.body,
        claims: { contentLength: source.info.size, ...(algorithm ? { checksum: { algorithm } } : {}) },
        headers: copiedHeaders(input, source.info.headers),
        tags: input.taggingDirective === 'REPLACE' ? (input.tags ?? {}) : source.tags,
        ...(input.acl ? { acl: input.acl } : {}),
        ...(input.destConditions ? { conditions: input.destConditions } : {}),
        ...(input.signal ? { signal: input.signal } : {}),
      });
      return { ...written, sourceVersionId: source.info.versionId };
    } finally {
      source.body.destroy();
    }
  }

  async function uploadPartCopy(input: UploadPartCopyInput): Promise<PartInfo & { sourceVersionId: string }> {
    const { engine } = await locate(input.bucket);
    const { src, dest } = await checkCopy(input.source.bucket, input.bucket, 'UploadPartCopy');
    if (src.region === dest.region) return engine.uploadPartCopy(input);
    // Only the owner may copy today; the owning region checks the requester again.
    const upload = await engine.listParts({ bucket: input.bucket, key: input.key, uploadId: input.uploadId, maxParts: 1 });
    const source = await regionAccess(src.region).readForCopy({
      source: input.source,
      ...(input.range ? { range: input.range } : {}),
      ...(input.sourceConditions ? { conditions: input.sourceConditions } : {}),
      requester: { accountId: upload.upload.owner },
      dest: { bucket: dest.name },
      action: 'UploadPartCopy',
      ...(input.signal ? { signal: input.signal } : {}),
    });
    try {
      const length = source.range ? source.range.end - source.range.start + 1 : source.info.size;
      const part = await engine.uploadPart({
        bucket: input.bucket,
        key: input.key,
        uploadId: input.uploadId,
        partNumber: input.partNumber,
        body: source.body,
        claims: { contentLength: length },
        ...(input.signal ? { signal: input.signal } : {}),
      });
      return { ...part, sourceVersionId: source.info.versionId };
    } finally {
      source.body.destroy();
    }
  }

  function regionAccess(id: string): RegionAccess {
    const r = regions.get(id);
    if (!r) throw fail('Unavailable', `region ${id} is not reachable from this node`);
    return r;
  }

  async function createBucket(input: CreateBucketRequest): Promise<Bucket> {
    const mandatory = await mandatoryFor(input.owner);
    const explicit = input.zones !== undefined ? explicitPolicy(topology, input.zones) : undefined;
    let region: Region;
    if (input.region !== undefined) {
      const r = findRegion(topology, input.region);
      if (!r) {
        throw fail('InvalidLocationConstraint', `The specified location-constraint is not valid. Regions: ${topology.regions.map((x) => x.id).join(', ')}.`, {
          details: { LocationConstraint: input.region },
        });
      }
      region = r;
    } else {
      region = chooseRegion(explicit, mandatory);
    }
    const policy = explicit ?? defaultPolicy(region);
    checkPlacement(topology, { bucket: input.name, region, policy, mandatory });
    const engine = engines.get(region.id);
    if (!engine) {
      const host = endpointHost(region.endpoint);
      throw fail('IllegalLocationConstraintException', `The ${region.id} location constraint is incompatible for the region specific endpoint this request was sent to${host ? `; send it to ${host}` : ''}.`, {
        details: { LocationConstraint: region.id, ...(host ? { Endpoint: host } : {}) },
      });
    }
    const createdAt = clock();
    await directory.reserve({ name: input.name, region: region.id, owner: input.owner, createdAt, residency: policy });
    routes.delete(input.name);
    try {
      return await engine.createBucket({ name: input.name, owner: input.owner, region: region.id, ...(input.acl ? { acl: input.acl } : {}) });
    } catch (e) {
      await directory.release(input.name, region.id);
      throw e;
    }
  }

  async function putResidency(bucket: string, zones: readonly string[] | undefined): Promise<ResidencyView> {
    const { engine } = await locate(bucket);
    const entry = await mustLookup(directory, bucket);
    const region = regionOf(entry.region);
    const policy = zones === undefined ? defaultPolicy(region) : explicitPolicy(topology, zones);
    checkPlacement(topology, { bucket, region, policy, mandatory: await mandatoryFor(entry.owner) });
    await checkReplicationStaysInside(engine, entry, policy);
    await directory.setResidency(bucket, policy);
    routes.delete(bucket);
    return residencyView({ ...entry, residency: policy });
  }

  /** Narrowing a policy must not strand a replication destination outside it. */
  async function checkReplicationStaysInside(engine: StorageEngine, entry: BucketEntry, policy: ResidencyPolicy): Promise<void> {
    const config = await engine.getBucketReplication(entry.name);
    for (const rule of config?.rules ?? []) {
      if (rule.status !== 'Enabled') continue;
      const dest = await directory.lookupFresh(rule.destinationBucket);
      if (!dest) continue;
      checkTransfer(topology, { ...residencyOf(topology, entry), policy }, residencyOf(topology, dest), `Residency policy change (replication rule '${rule.id}')`);
    }
  }

  async function putBucketReplication(name: string, config: ReplicationConfig | null): Promise<void> {
    const { engine } = await locate(name);
    if (config !== null) {
      const src = await mustLookup(directory, name);
      for (const rule of config.rules) {
        const dest = await directory.lookupFresh(rule.destinationBucket);
        if (!dest) throw fail('InvalidRequest', `Destination bucket must exist: ${rule.destinationBucket}`, { details: { ArgumentName: 'Destination', ArgumentValue: rule.destinationBucket } });
        if (dest.owner !== src.owner) throw fail('AccessDenied', 'Access Denied', { resource: `/${dest.name}` });
        checkTransfer(topology, residencyOf(topology, src), residencyOf(topology, dest), `Replication rule '${rule.id}'`);
        const destEngine = engines.get(dest.region);
        // A destination served elsewhere checks its own versioning when replicas arrive.
        if (destEngine && (await destEngine.getBucket(dest.name)).versioning !== 'Enabled') {
          throw fail('InvalidRequest', `Destination bucket must have versioning enabled: ${dest.name}`);
        }
      }
    }
    await engine.putBucketReplication(name, config);
  }

  /**
   * Sums the owner's usage over every region of the topology: served ones from their engines,
   * the others through their RegionAccess (only totals travel). A region that cannot be asked
   * is left out and named in unreachableRegions, so a caller can decide how strict to be.
   */
  async function usageByOwner(owner: string): Promise<OwnerUsage> {
    const parts = await Promise.all(
      topology.regions.map(async (r): Promise<OwnerUsage | string> => {
        const engine = engines.get(r.id);
        const access = regions.get(r.id);
        try {
          if (engine) return await engine.usageByOwner(owner);
          if (access) return await access.usageByOwner(owner);
        } catch (e) {
          if (engine) throw e;
        }
        return r.id;
      }),
    );
    const total: OwnerUsage = { bytes: 0, objects: 0, buckets: 0 };
    const unreachable: string[] = [];
    for (const p of parts) {
      if (typeof p === 'string') unreachable.push(p);
      else {
        total.bytes += p.bytes;
        total.objects += p.objects;
        total.buckets += p.buckets;
      }
    }
    if (unreachable.length > 0) total.unreachableRegions = unreachable;
    return total;
  }

  const router: RegionalStorage = {
    topology,
    servedRegions: () => [...engines.keys()],
    lookupBucket: (name) => mustLookup(directory, name),
    createBucket,
    async getResidency(bucket) {
      await locate(bucket);
      return residencyView(await mustLookup(directory, bucket));
    },
    putResidency,
    getAccountResidency: (accountId) => directory.getAccountResidency(accountId),
    async forwardTarget(bucket) {
      const entry = await directory.lookupFresh(bucket);
      if (!entry || engines.has(entry.region)) return undefined;
      // Bytes pass through this node: only where the bucket's data may be anyway.
      const here = [...engines.keys()].map(regionOf);
      if (here.length === 0 || !here.every((r) => regionAllowed(r, entry.residency.zones))) return undefined;
      return regionOf(entry.region).endpoint;
    },
    async putAccountResidency(accountId, zones) {
      const parsed = zones === undefined ? undefined : explicitPolicy(topology, zones).zones;
      if (parsed) {
        // A mandatory policy must hold for the buckets the account has already.
        const outside = (await directory.list(accountId)).filter((b) => !isWithin(topology, b.residency.zones, parsed));
        if (outside.length > 0) {
          throw fail('ResidencyViolation', `The mandatory policy [${parsed.join(', ')}] does not hold for existing buckets: ${outside.map((b) => `${b.name} (${b.region}, [${b.residency.zones.join(', ')}])`).join('; ')}. Narrow or move those buckets first.`, {
            details: { MandatoryPolicy: parsed.join(', ') },
          });
        }
      }
      await directory.setAccountResidency(accountId, parsed);
      return parsed;
    },

    getBucket: (name) => onEngine(name, (e) => e.getBucket(name)),
    async deleteBucket(name) {
      const { entry, engine } = await locate(name);
      await engine.deleteBucket(name);
      routes.delete(name);
      await directory.release(name, entry.region);
    },
    async listBuckets(owner) {
      // The directory knows placement, not settings: versioning, ACL and policy come from getBucket.
      return (await directory.list(owner)).map((e) => ({ name: e.name, owner: e.owner, region: e.region, createdAt: e.createdAt, versioning: undefined, acl: 'private' }));
    },
    putBucketVersioning: (name, status) => onEngine(name, (e) => e.putBucketVersioning(name, status)),
    putBucketReplication,
    getBucketReplication: (name) => onEngine(name, (e) => e.getBucketReplication(name)),
    putBucketCors: (name, rules) => onEngine(name, (e) => e.putBucketCors(name, rules)),
    getBucketCors: (name) => onEngine(name, (e) => e.getBucketCors(name)),
    putBucketTagging: (name, tags) => onEngine(name, (e) => e.putBucketTagging(name, tags)),
    getBucketTagging: (name) => onEngine(name, (e) => e.getBucketTagging(name)),
    putBucketPolicy: (name, policy) => onEngine(name, (e) => e.putBucketPolicy(name, policy)),
    putBucketAcl: (name, acl) => onEngine(name, (e) => e.putBucketAcl(name, acl)),
    bucketUsage: (name) => onEngine(name, (e) => e.bucketUsage(name)),
    usageByOwner,

    putObject: (i) => written(i.bucket, (e) => e.putObject(i)),
    getObject: (i) => onEngine(i.bucket, (e) => e.getObject(i)),
    headObject: (i) => onEngine(i.bucket, (e) => e.headObject(i)),
    deleteObject: (i) => written(i.bucket, (e) => e.deleteObject(i)),
    copyObject: (i) => written(i.dest.bucket, () => copyObject(i)),
    getObjectTagging: (i) => onEngine(i.bucket, (e) => e.getObjectTagging(i)),
    putObjectTagging: (i) => onEngine(i.bucket, (e) => e.putObjectTagging(i)),
    deleteObjectTagging: (i) => onEngine(i.bucket, (e) => e.deleteObjectTagging(i)),
    getObjectAcl: (i) => onEngine(i.bucket, (e) => e.getObjectAcl(i)),
    putObjectAcl: (i) => onEngine(i.bucket, (e) => e.putObjectAcl(i)),
    listObjects: (i) => onEngine(i.bucket, (e) => e.listObjects(i)),
    listObjectVersions: (i) => onEngine(i.bucket, (e) => e.listObjectVersions(i)),
    objectFile: (i) => onEngine(i.bucket, (e) => e.objectFile(i)),

    createMultipartUpload: (i) => onEngine(i.bucket, (e) => e.createMultipartUpload(i)),
    uploadPart: (i) => onEngine(i.bucket, (e) => e.uploadPart(i)),
    uploadPartCopy,
    completeMultipartUpload: (i) => written(i.bucket, (e) => e.completeMultipartUpload(i)),
    abortMultipartUpload: (i) => onEngine(i.bucket, (e) => e.abortMultipartUpload(i)),
    listParts: (i) => onEngine(i.bucket, (e) => e.listParts(i)),
    listMultipartUploads: (i) => onEngine(i.bucket, (e) => e.listMultipartUploads(i)),

    async close() {
      // The composition root owns the engines and the directory and closes them.
    },
  };
  return router;
}
