/**
 * Metering under crashes: concurrent clients run a known request mix (PUT, GET, HEAD, LIST)
 * against one bucket while the server is killed with SIGKILL at random moments, several
 * rounds. After each kill the metadata store must hold:
 *  - storage figures equal to the metadata state exactly (bucket counters = a recount of
 *    the rows), and byte-hours that keep accruing across the crash with no gap and no double
 *    count (a quiet interval spanning a kill accrues exactly bytes x time);
 *  - request counts never above what clients sent, and below what they had acknowledged by
 *    at most the requests acknowledged in the last moments before the kill (the flush
 *    interval): the loss is measured and printed.
 * Then a SIGTERM after a known workload must lose nothing: exact equality.
 */
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import http from 'node:http';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { SqliteMetaStore } from '../../src/meta/sqlite/index.js';
import { StepError, type Suite } from '../clients/harness.js';
import { startSovra, type SovraServer } from '../clients/sovra-server.js';

const HOUR = 3_600_000;
const FLUSH_MS = Number(process.env.CRASH_METERING_FLUSH_MS ?? 1000);
/** Acked requests may be lost if acknowledged within this long before the kill: the flush interval plus one interval of slack for a flush under way. */
const LOSS_WINDOW_MS = 2 * FLUSH_MS;
const BUCKET = 'metering-crash';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Cls = 'write' | 'read';
interface Tally { started: Record<Cls, number>; acked: Record<Cls, number>; ackTimes: { cls: Cls; at: number }[] }

function client(s: SovraServer): S3Client {
  return new S3Client({
    endpoint: s.url, region: 'eu-fra', forcePathStyle: true, maxAttempts: 1,
    credentials: { accessKeyId: s.accessKey, secretAccessKey: s.secretKey },
    requestHandler: { connectionTimeout: 5000, requestTimeout: 60_000, httpAgent: new http.Agent({ keepAlive: true, maxSockets: 32 }) },
  });
}

/** What the region's store holds for the bucket now: request counts, storage counters and a recount, byte-hours up to `now`. */
async function readStore(dataDir: string, now: number): Promise<{ write: bigint; read: bigint; byteHours: bigint; counters: { bytes: number; objects: number }; recount: { bytes: number; objects: number } }> {
  const store = new SqliteMetaStore({ database: path.join(dataDir, 'regions', 'eu-fra', 'meta.db') });
  try {
    return await store.read(async (tx) => {
      const rows = await tx.usage.hours({ fromHour: 0, toHour: Math.ceil(now / HOUR) + 1, now, bucket: BUCKET });
      const sum = (meter: string) => rows.filter((r) => r.meter === meter).reduce((n, r) => n + r.quantity, 0n);
      return {
        write: sum('requests.write'), read: sum('requests.read'), byteHours: sum('storage.byte_hours'),
        counters: await tx.usage.get(BUCKET), recount: await tx.usage.recount(BUCKET),
      };
    });
  } finally {
    await store.close();
  }
}

/** Each worker: PUT a small object, GET it, HEAD it, LIST; counted as sent and as acknowledged. */
async function load(s3: S3Client, worker: number, round: number, tally: Tally, running: () => boolean, limit = Infinity): Promise<number> {
  let errors = 0;
  const call = async (cls: Cls, send: () => Promise<unknown>) => {
    tally.started[cls]++;
    try {
      await send();
      tally.acked[cls]++;
      tally.ackTimes.push({ cls, at: Date.now() });
    } catch {
      errors++;
    }
  };
  for (let i = 0; running() && i < limit; i++) {
    const key = `w${worker}/r${round}/k${i}`;
    await call('write', () => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.alloc(1024 + i, worker) })));
    if (!running()) break;
    await call('read', async () => (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToByteArray());
    if (!running()) break;
    await call('read', () => s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })));
    if (!running()) break;
    await call('write', () => s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `w${worker}/`, MaxKeys: 5 })));
  }
  return errors;
}

const newTally = (): Tally => ({ started: { write: 0, read: 0 }, acked: { write: 0, read: 0 }, ackTimes: [] });

export async function meteringCrash(suite: Suite, rand: () => number, rounds: number, workers: number): Promise<void> {
  let server: SovraServer | undefined;
  const env = { SOVRA_METERING_FLUSH_MS: String(FLUSH_MS) };
  let lost = 0;
  let total = 0;
  let kills = 0;
  try {
    if (!(await suite.step('metering: start sovra', async () => { server = await startSovra({ env }); }))) return;
    const dataDir = server!.dataDir;
    let s3 = client(server!);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    // The baseline is what the store holds once the CreateBucket has been flushed: a kill in
    // round 1 before the first flush would otherwise lose it and look like a missing round-1 write.
    let metered = { write: 0n, read: 0n };
    for (const until = Date.now() + 10 * FLUSH_MS; metered.write < 1n && Date.now() < until; await sleep(FLUSH_MS / 4)) {
      const now = await readStore(dataDir, Date.now());
      metered = { write: now.write, read: now.read };
    }
    if (metered.write !== 1n) throw new StepError(`CreateBucket metered as ${metered.write} writes after ${10 * FLUSH_MS} ms`);
    const restart = async () => {
      server = await startSovra({ dataDir, logPath: server!.logPath, accessKey: server!.accessKey, secretKey: server!.secretKey, env });
      s3 = client(server!);
    };

    for (let round = 1; round <= rounds; round++) {
      const tally = newTally();
      let running = true;
      const delay = 800 + Math.floor(rand() * 2500);
      const loads = Array.from({ length: workers }, (_, w) => load(s3, w, round, tally, () => running));
      await sleep(delay);
      const killedAt = Date.now();
      await server!.kill9();
      kills++;
      running = false;
      await Promise.all(loads);
      s3.destroy();
      const after = await readStore(dataDir, Date.now());
      const got = { write: after.write - metered.write, read: after.read - metered.read };
      metered = { write: after.write, read: after.read };
      const recent = (cls: Cls) => tally.ackTimes.filter((a) => a.cls === cls && a.at >= killedAt - LOSS_WINDOW_MS).length;
      const roundLost = (['write', 'read'] as const).reduce((n, c) => n + Math.max(0, tally.acked[c] - Number(got[c])), 0);
      lost += roundLost;
      total += tally.acked.write + tally.acked.read;
      console.log(`# metering round ${round}: kill -9 after ${delay} ms; acked write ${tally.acked.write} read ${tally.acked.read}, sent write ${tally.started.write} read ${tally.started.read}, metered write ${got.write} read ${got.read}`);
      await suite.step(`metering round ${round}: storage counters = the metadata rows after kill -9`, () => {
        if (after.counters.bytes !== after.recount.bytes || after.counters.objects !== after.recount.objects) {
          throw new StepError(`counters ${JSON.stringify(after.counters)} but the rows say ${JSON.stringify(after.recount)}`);
        }
      });
      await suite.step(`metering round ${round}: requests counted at most once, and acknowledged ones lost only within the flush interval`, () => {
        for (const c of ['write', 'read'] as const) {
          if (Number(got[c]) > tally.started[c]) throw new StepError(`${c}: ${got[c]} metered but only ${tally.started[c]} sent (double counting)`);
          const missing = tally.acked[c] - Number(got[c]);
          if (missing > recent(c)) throw new StepError(`${c}: ${missing} acknowledged requests not metered, but only ${recent(c)} were acknowledged in the last ${LOSS_WINDOW_MS} ms before the kill`);
        }
      });
      if (!(await suite.step(`metering round ${round}: restart after kill -9`, restart))) return;
    }
    console.log(`metering loss: ${lost} of ${total} requests (${total ? ((100 * lost) / total).toFixed(2) : '0.00'}%) over ${kills} kills, bound: flush interval ${FLUSH_MS} ms`);

    await suite.step('metering: a quiet interval across a kill -9 accrues exactly bytes x time (no gap, no double count)', async () => {
      const t1 = Date.now();
      const before = await readStore(dataDir, t1);
      await sleep(1500);
      await server!.kill9();
      kills++;
      await sleep(500);
      await restart();
      const t2 = Date.now();
      const afterRestart = await readStore(dataDir, t2);
      const expected = (before.counters.bytes * (t2 - t1)) / HOUR;
      const accrued = Number(afterRestart.byteHours - before.byteHours);
      if (Math.abs(accrued - expected) > 1) throw new StepError(`${accrued} byte-hours accrued over ${t2 - t1} ms of ${before.counters.bytes} bytes stored; expected ${expected.toFixed(2)}`);
      console.log(`#   ${before.counters.bytes} bytes over ${t2 - t1} ms across a kill: ${accrued} byte-hours (exact: ${expected.toFixed(2)})`);
      metered = { write: afterRestart.write, read: afterRestart.read };
    });

    await suite.step('metering: SIGTERM after a known workload loses nothing', async () => {
      const tally = newTally();
      const errors = await Promise.all(Array.from({ length: workers }, (_, w) => load(s3, w, rounds + 1, tally, () => true, 25)));
      if (errors.some((e) => e > 0)) throw new StepError(`${errors.reduce((a, b) => a + b, 0)} requests failed with the server up`);
      s3.destroy();
      const how = await server!.stop();
      if (how !== 'exit 0') throw new StepError(`server ended with ${how}`);
      const after = await readStore(dataDir, Date.now());
      const got = { write: after.write - metered.write, read: after.read - metered.read };
      console.log(`#   SIGTERM: acked write ${tally.acked.write} read ${tally.acked.read}; metered write ${got.write} read ${got.read}`);
      if (Number(got.write) !== tally.acked.write || Number(got.read) !== tally.acked.read) {
        throw new StepError(`metered write ${got.write} read ${got.read}, clients did write ${tally.acked.write} read ${tally.acked.read}`);
      }
    });
  } catch (e) {
    await suite.step('metering crash harness', () => { throw e; });
  } finally {
    if (server && !server.exited()) await server.kill9();
    if (server?.dataDir && !process.env.KEEP_WORK) rmSync(path.dirname(server.dataDir), { recursive: true, force: true });
  }
}
