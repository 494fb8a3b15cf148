/**
 * A hasher that runs on a worker thread, for large bodies: while the event loop thread reads
 * the socket, writes the file and computes the MD5 for the ETag, the other core computes the
 * flexible checksum (CRC64NVME in JavaScript costs about as much per byte as MD5 does). One
 * worker serves every job of the process; it starts on first use and does not keep the
 * process alive. Each chunk is copied once (the caller keeps writing its buffer elsewhere)
 * and the copy is transferred, not cloned again. At most WINDOW_BYTES wait in the worker:
 * `ready()` is what the caller awaits for backpressure, so memory stays flat.
 */
import { Worker } from 'node:worker_threads';
import type { HashWorkerReply, HashWorkerRequest } from './hash-worker.js';
import type { HashAlgorithm } from './index.js';

const WINDOW_BYTES = 8 * 1024 * 1024;

interface Job {
  inFlight: number;
  wake: (() => void) | undefined;
  settle: { resolve: (d: Buffer) => void; reject: (e: Error) => void } | undefined;
  failure: Error | undefined;
}

let worker: Worker | undefined;
let nextId = 1;
const jobs = new Map<number, Job>();

/** The worker keeps the process alive only while a job waits on it. */
function forget(id: number): boolean {
  const had = jobs.delete(id);
  if (jobs.size === 0) worker?.unref();
  return had;
}

function fail(job: Job, e: Error): void {
  job.failure ??= e;
  job.wake?.();
  job.wake = undefined;
  job.settle?.reject(job.failure);
  job.settle = undefined;
}

function theWorker(): Worker {
  if (worker !== undefined) return worker;
  const w = new Worker(new URL('./hash-worker.js', import.meta.url));
  w.on('message', (r: HashWorkerReply) => {
    const job = jobs.get(r.id);
    if (job === undefined) return;
    if (r.op === 'ack') {
      job.inFlight -= r.bytes;
      if (job.inFlight < WINDOW_BYTES) {
        job.wake?.();
        job.wake = undefined;
      }
    } else if (r.op === 'digest') {
      forget(r.id);
      job.settle?.resolve(Buffer.from(r.digest.buffer, r.digest.byteOffset, r.digest.byteLength));
    } else {
      forget(r.id);
      fail(job, new Error(`hash worker: ${r.message}`));
    }
  });
  const lost = (e: Error) => {
    if (worker === w) worker = undefined;
    for (const [id, job] of jobs) {
      forget(id);
      fail(job, e);
    }
  };
  w.on('error', lost);
  w.on('exit', (code) => lost(new Error(`hash worker exited with code ${code}`)));
  worker = w;
  return w;
}

export class OffThreadHasher {
  private readonly id = nextId++;
  private readonly job: Job = { inFlight: 0, wake: undefined, settle: undefined, failure: undefined };
  private readonly w: Worker;
  private ended = false;

  constructor(alg: HashAlgorithm) {
    this.w = theWorker();
    jobs.set(this.id, this.job);
    this.w.ref();
    this.post({ op: 'start', id: this.id, alg });
  }

  update(chunk: Uint8Array): void {
    if (this.ended) throw new Error('OffThreadHasher: update() after digest()');
    if (this.job.failure) throw this.job.failure;
    const copy = new Uint8Array(chunk);
    this.job.inFlight += copy.byteLength;
    this.w.postMessage({ op: 'data', id: this.id, chunk: copy } satisfies HashWorkerRequest, [copy.buffer]);
  }

  /** Resolves once the worker has room for more (immediately when it has). */
  ready(): Promise<void> | undefined {
    if (this.job.failure) return Promise.reject(this.job.failure);
    if (this.job.inFlight < WINDOW_BYTES) return undefined;
    return new Promise<void>((resolve) => (this.job.wake = resolve)).then(() => {
      if (this.job.failure) throw this.job.failure;
    });
  }

  digest(): Promise<Buffer> {
    if (this.ended) throw new Error('OffThreadHasher: digest() called twice');
    this.ended = true;
    if (this.job.failure) return Promise.reject(this.job.failure);
    return new Promise<Buffer>((resolve, reject) => {
      this.job.settle = { resolve, reject };
      this.post({ op: 'end', id: this.id });
    });
  }

  /** Forgets the job (after a failed upload); safe to call at any time. */
  dispose(): void {
    if (!forget(this.id)) return;
    this.ended = true;
    this.post({ op: 'drop', id: this.id });
  }

  private post(m: HashWorkerRequest): void {
    this.w.postMessage(m);
  }
}
