/**
 * A region served by another process, reached over the internal API. Bodies stream both
 * ways (no buffering); the remote region does the residency checks and its refusals arrive
 * as the same AppError (code, message, details) as if raised here.
 */
import type http from 'node:http';
import { PassThrough } from 'node:stream';
import type { HourlyUsage, OwnerUsage, UsageBatch, UsageHoursQuery } from '../engine/types.js';
import type { ReadForCopyInput, ReadForCopyResult, RegionAccess, ReplicaInput } from '../placement/ports.js';
import { InternalClient } from './http-client.js';
import {
  decodeHeaderJson,
  encodeHeaderJson,
  OBJECT_HEADER,
  REPLICA_HEADER,
  reviveObjectHeader,
  reviveOwnerUsage,
  reviveUsageRows,
  serializeReadForCopyInput,
  serializeReplicaMeta,
  serializeUsage,
  serializeUsageQuery,
} from './wire.js';

export interface RemoteRegionOptions {
  regionId: string;
  /** The region process's endpoint, e.g. http://fra.internal:9000. */
  endpoint: string;
  /** This node's id. */
  nodeId: string;
  clusterSecret: string;
  timeoutMs?: number;
  agent?: http.Agent;
  now?: () => Date;
}

export class RemoteRegion implements RegionAccess {
  readonly regionId: string;
  readonly local = false;
  private readonly client: InternalClient;

  constructor(opts: RemoteRegionOptions) {
    this.regionId = opts.regionId;
    this.client = new InternalClient({
      endpoint: opts.endpoint,
      nodeId: opts.nodeId,
      clusterSecret: opts.clusterSecret,
      peerName: `region ${opts.regionId}`,
      ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
      ...(opts.agent === undefined ? {} : { agent: opts.agent }),
      ...(opts.now === undefined ? {} : { now: opts.now }),
    });
  }

  async readForCopy(input: ReadForCopyInput): Promise<ReadForCopyResult> {
    const res = await this.client.send({
      method: 'POST',
      segments: ['regions', this.regionId, 'read-for-copy'],
      json: serializeReadForCopyInput(input),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
    let meta;
    try {
      meta = reviveObjectHeader(decodeHeaderJson(header(res, OBJECT_HEADER), `${OBJECT_HEADER} header`));
    } catch (e) {
      res.destroy();
      throw e;
    }
    // The response itself is the body; a PassThrough gives the caller a plain Readable whose
    // errors (a cut connection) surface as stream errors, with backpressure kept by pipe().
    const body = new PassThrough({ highWaterMark: 64 * 1024 });
    res.on('error', (e) => body.destroy(e));
    res.on('aborted', () => body.destroy(new Error(`region ${this.regionId}: the object stream was cut short`)));
    body.on('close', () => {
      if (!res.complete) res.destroy();
    });
    res.pipe(body);
    return { info: meta.info, tags: meta.tags, ...(meta.range === undefined ? {} : { range: meta.range }), body };
  }

  async putReplica(input: ReplicaInput): Promise<void> {
    const withBody = !input.deleteMarker && input.body !== undefined;
    await this.client.json({
      method: 'PUT',
      segments: ['regions', this.regionId, 'replicas'],
      headers: { [REPLICA_HEADER]: encodeHeaderJson(serializeReplicaMeta(input)) },
      ...(withBody ? { stream: input.body, ...(input.size === undefined ? {} : { contentLength: input.size }) } : {}),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
  }

  async usageByOwner(owner: string): Promise<OwnerUsage> {
    return reviveOwnerUsage(await this.client.json({ method: 'GET', segments: ['regions', this.regionId, 'usage'], query: { owner } }));
  }

  async recordUsage(batch: UsageBatch): Promise<void> {
    await this.client.json({ method: 'POST', segments: ['regions', this.regionId, 'usage-records'], json: { id: batch.id, rows: serializeUsage(batch.rows) } });
  }

  async readUsage(q: UsageHoursQuery): Promise<HourlyUsage[]> {
    const res = await this.client.json({ method: 'POST', segments: ['regions', this.regionId, 'usage-query'], json: serializeUsageQuery(q) });
    return reviveUsageRows((res as { rows?: unknown } | null)?.rows, 'usage rows');
  }

  /** Closes idle connections (of an own agent). */
  close(): void {
    this.client.close();
  }
}

function header(res: http.IncomingMessage, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}
