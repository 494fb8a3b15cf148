/**
 * Worker thread side of off-thread.ts: keeps one hasher per job id, acknowledges every chunk
 * (the sender's flow control), and answers the digest when the job ends.
 */
import { parentPort } from 'node:worker_threads';
import { createHasher, type HashAlgorithm, type Hasher } from './index.js';

export type HashWorkerRequest =
  | { op: 'start'; id: number; alg: HashAlgorithm }
  | { op: 'data'; id: number; chunk: Uint8Array }
  | { op: 'end'; id: number }
  | { op: 'drop'; id: number };

export type HashWorkerReply =
  | { op: 'ack'; id: number; bytes: number }
  | { op: 'digest'; id: number; digest: Uint8Array }
  | { op: 'error'; id: number; message: string };

const jobs = new Map<number, Hasher>();
const port = parentPort;
if (port === null) throw new Error('hash-worker.js runs as a worker thread');

port.on('message', (m: HashWorkerRequest) => {
  try {
    switch (m.op) {
      case 'start':
        jobs.set(m.id, createHasher(m.alg));
        return;
      case 'data':
        jobs.get(m.id)?.update(m.chunk);
        port.postMessage({ op: 'ack', id: m.id, bytes: m.chunk.byteLength } satisfies HashWorkerReply);
        return;
      case 'end': {
        const h = jobs.get(m.id);
        jobs.delete(m.id);
        if (h === undefined) throw new Error(`no hash job ${m.id}`);
        port.postMessage({ op: 'digest', id: m.id, digest: h.digest() } satisfies HashWorkerReply);
        return;
      }
      case 'drop':
        jobs.delete(m.id);
        return;
    }
  } catch (e) {
    jobs.delete(m.id);
    port.postMessage({ op: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) } satisfies HashWorkerReply);
  }
});
