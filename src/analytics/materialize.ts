/**
 * Resolves a query's s3:// references to objects and makes each object a file in the
 * query's scratch directory: globs are expanded by listing the bucket (DuckDB's glob rules),
 * every object is authorized by the access port, and an object named twice is made once.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../core/errors.js';
import { globToRegExp, isGlob, literalPrefix } from './globs.js';
import type { ObjectAccess } from './ports.js';
import type { ResolvedReference } from './rewrite.js';
import type { S3Reference } from './sql-guard.js';

export interface Materialized {
  resolved: ResolvedReference[];
  /** Sum of the sizes of the distinct objects the query reads, and the part read per bucket. */
  bytes: number;
  bytesByBucket: Map<string, number>;
  objects: number;
  /** Each object's version (version id and ETag), in file order: what the query read. */
  versions: string[];
}

/** The file name keeps the key's extension: DuckDB picks compression and replacement scans by it. */
function fileName(n: number, key: string): string {
  const base = key.slice(key.lastIndexOf('/') + 1);
  const dot = base.indexOf('.');
  const ext = dot < 0 ? '' : base.slice(dot);
  return `o${n}${/^[A-Za-z0-9._-]{1,24}$/.test(ext) ? ext : ''}`;
}

async function keysOf(access: ObjectAccess, ref: S3Reference, maxObjects: number, signal?: AbortSignal): Promise<string[]> {
  if (!isGlob(ref.key)) return [ref.key];
  const re = globToRegExp(ref.key);
  const keys: string[] = [];
  for await (const o of access.list(ref.bucket, literalPrefix(ref.key), signal)) {
    if (!re.test(o.key)) continue;
    keys.push(o.key);
    if (keys.length > maxObjects) throw fail('InvalidQuery', `${ref.url} matches more than ${maxObjects} objects, the most one query may read; narrow the pattern.`);
  }
  if (keys.length === 0) throw fail('NoSuchKey', `No object matches ${ref.url}.`, { resource: `/${ref.bucket}/${ref.key}` });
  return keys;
}

/** How many objects are made files at once: a hard link is quick, a copy is I/O-bound. */
const AT_ONCE = 4;

export async function materialize(o: {
  access: ObjectAccess;
  references: readonly S3Reference[];
  dir: string;
  maxObjects: number;
  signal?: AbortSignal;
  /** Called as each object arrives (bytes so far), for progress and stats. */
  onObject?: (bytes: number) => void;
}): Promise<Materialized> {
  // Synchronous: a mkdir costs microseconds, a trip through the thread pool a good part of a millisecond.
  mkdirSync(o.dir, { recursive: true });
  // First every reference's objects, named in order (deterministic file names), then the files.
  const files = new Map<string, { path: string; url: string; bucket: string; key: string }>();
  const resolved: ResolvedReference[] = [];
  for (const ref of o.references) {
    const keys = await keysOf(o.access, ref, o.maxObjects, o.signal);
    const out: { path: string; url: string }[] = [];
    for (const key of keys) {
      const id = `${ref.bucket}/${key}`;
      let file = files.get(id);
      if (!file) {
        if (files.size >= o.maxObjects) throw fail('InvalidQuery', `The query reads more than ${o.maxObjects} objects, the most one query may read.`);
        file = { path: join(o.dir, fileName(files.size, key)), url: `s3://${ref.bucket}/${key}`, bucket: ref.bucket, key };
        files.set(id, file);
      }
      out.push({ path: file.path, url: file.url });
    }
    resolved.push({ ref, files: out });
  }
  const bytesByBucket = new Map<string, number>();
  let bytes = 0;
  const queue = [...files.values()];
  const versions: string[] = new Array<string>(queue.length).fill('');
  const sizes: number[] = new Array<number>(queue.length).fill(0);
  const order = new Map(queue.map((f, i) => [f, i]));
  const worker = async () => {
    for (let f = queue.shift(); f; f = queue.shift()) {
      const { size, version } = await o.access.materialize(f.bucket, f.key, f.path, o.signal).catch((e: unknown) => {
        queue.length = 0; // one refusal ends the query: the others take no more
        throw e;
      });
      bytes += size;
      versions[order.get(f)!] = `${f.url} ${version}`;
      sizes[order.get(f)!] = size;
      o.onObject?.(bytes);
    }
  };
  const workers = Array.from({ length: Math.min(AT_ONCE, queue.length) }, worker);
  // All settle before the answer: none is still writing into the directory when it is removed.
  const outcomes = await Promise.allSettled(workers);
  const failed = outcomes.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  // Per bucket in the order the query names them, whichever object arrived first: the first
  // bucket is the one a query's time is billed on.
  [...files.values()].forEach((f, i) => bytesByBucket.set(f.bucket, (bytesByBucket.get(f.bucket) ?? 0) + (sizes[i] ?? 0)));
  return { resolved, bytes, bytesByBucket, objects: files.size, versions };
}
