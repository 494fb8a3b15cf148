/**
 * Worker-thread side of checkpointer.ts: its own connection to the small-blob database,
 * running the checkpoints it is asked for. A checkpoint copies WAL pages into the database
 * and fsyncs both files, which would stall the event loop for tens of milliseconds; here it
 * only occupies this thread. synchronous=NORMAL makes SQLite sync the WAL before copying
 * and the database after, which the store's durability argument relies on.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export type CheckpointMode = 'PASSIVE' | 'TRUNCATE';
export type CheckpointRequest = { mode: CheckpointMode } | { close: true };
export type CheckpointReply = { log: number; checkpointed: number; busy: number } | { error: string };

const port = parentPort;
if (port === null) throw new Error('checkpoint-worker must run in a worker thread');
const { path, busyTimeoutMs } = workerData as { path: string; busyTimeoutMs: number };
const db = new Database(path, { fileMustExist: true });
// A TRUNCATE waits here for other processes' writers and readers while this process's
// writes are held back, so it gives up early rather than stall them.
db.pragma(`busy_timeout = ${busyTimeoutMs}`);
db.pragma('synchronous = NORMAL');
// Only checkpoint when asked: this connection never writes, but say so anyway.
db.pragma('wal_autocheckpoint = 0');

port.on('message', (msg: CheckpointRequest) => {
  if ('close' in msg) {
    db.close();
    port.close();
    return;
  }
  let reply: CheckpointReply;
  try {
    const [r] = db.pragma(`wal_checkpoint(${msg.mode === 'TRUNCATE' ? 'TRUNCATE' : 'PASSIVE'})`) as {
      busy: number;
      log: number;
      checkpointed: number;
    }[];
    reply = r ?? { error: 'no checkpoint result' };
  } catch (e) {
    reply = { error: e instanceof Error ? e.message : String(e) };
  }
  port.postMessage(reply);
});
