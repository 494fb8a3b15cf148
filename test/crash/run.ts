/**
 * Crash test: concurrent single PUTs (0 B to 64 MiB), overwrites, deletes and multipart
 * uploads from @aws-sdk/client-s3, with the server killed by SIGKILL at a random moment,
 * several rounds. After each restart every key must be absent or complete and byte-correct,
 * every multipart upload atomic, and the temp area empty; at the end the blob files on disk
 * must be exactly those the metadata references. Then metering (metering.ts): request counts
 * and storage meters across kill -9, the loss measured against the flush interval.
 *
 *   npm run test:crash          CRASH_ROUNDS=6 CRASH_WORKERS=6 CRASH_SEED=n to vary
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import http from 'node:http';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Suite, StepError } from '../clients/harness.js';
import { startSovra, tail, type SovraServer } from '../clients/sovra-server.js';
import { prng } from './content.js';
import { scanDataDir } from './disk.js';
import { Ledger, runLoad } from './load.js';
import { meteringCrash } from './metering.js';
import { referencedBlobs, verifyObjects, verifyUploads } from './verify.js';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 6);
const WORKERS = Number(process.env.CRASH_WORKERS ?? 6);
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RESTART_DELAY = Number(process.env.CRASH_RESTART_DELAY_MS ?? 0);
const BUCKET = 'crash-test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function client(s: SovraServer): S3Client {
  return new S3Client({
    endpoint: s.url,
    region: 'eu-fra',
    forcePathStyle: true,
    credentials: { accessKeyId: s.accessKey, secretAccessKey: s.secretKey },
    // No retries: an ack must mean this very request succeeded, and a retry would only hit a dead server.
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5000, requestTimeout: 180_000, httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }) },
  });
}

const fail = (problems: string[], what: string) => {
  if (problems.length) throw new StepError(`${problems.length} ${what}:\n${problems.slice(0, 25).join('\n')}${problems.length > 25 ? '\n…' : ''}`);
};

/** The temp area must be empty once a restarted server answers (it may sweep just after start). */
async function tempEmpty(dataDir: string): Promise<void> {
  let rep = scanDataDir(dataDir);
  for (let i = 0; i < 50 && rep.temps.length; i++) { await sleep(100); rep = scanDataDir(dataDir); }
  if (!rep.tmpDirs.length && !rep.blobDirs.length) throw new StepError(`cannot find the blob/tmp layout under ${dataDir}; files: ${rep.other.slice(0, 20).join(', ')}`);
  fail(rep.temps, `files left in the temp area (${rep.tmpDirs.join(', ')})`);
}

/** Compares the blob files on disk with what the listings say the metadata references. */
async function blobsMatch(s3: S3Client, dataDir: string): Promise<void> {
  const ref = await referencedBlobs(s3, BUCKET);
  const disk = scanDataDir(dataDir);
  const stored = disk.blobs.length + disk.smallBlobs;
  console.log(`#   ${disk.blobs.length} blob files + ${disk.smallBlobs} small blobs on disk; referenced: ${ref.total} (${ref.objects} by objects, ${ref.parts} by upload parts)`);
  if (!disk.blobDirs.length && !disk.smallBlobs) throw new StepError(`no blobs/ directory or blobs-small.db under ${dataDir}: the blob layout changed, cannot count. Files: ${disk.other.slice(0, 20).join(', ')}`);
  if (stored !== ref.total)
    throw new StepError(`${stored} blobs on disk (${disk.blobs.length} files, ${disk.smallBlobs} rows), ${ref.total} referenced: ${stored > ref.total ? `${stored - ref.total} unreferenced (garbage)` : `${ref.total - stored} referenced blobs missing`}`);
}

async function main(): Promise<number> {
  const suite = new Suite();
  const ledger = new Ledger();
  const rand = prng(SEED);
  console.log(`# crash test: ${ROUNDS} rounds, ${WORKERS} writers, CRASH_SEED=${SEED}`);
  let server: SovraServer | undefined;
  let dataDir = '';
  const body = async () => {
    if (!(await suite.step('start sovra', async () => { server = await startSovra(); }))) return;
    dataDir = server!.dataDir;
    console.log(`# data dir ${dataDir}, log ${server!.logPath}`);
    let s3 = client(server!);
    if (!(await suite.step('create bucket', () => s3.send(new CreateBucketCommand({ Bucket: BUCKET }))))) return;

    for (let round = 1; round <= ROUNDS; round++) {
      let running = true, killed = false;
      const delay = 300 + Math.floor(rand() * 2700);
      const load = runLoad({ s3, bucket: BUCKET, ledger, rand, round, workers: WORKERS, killed: () => killed, running: () => running });
      await sleep(delay);
      killed = true;
      await server!.kill9();
      running = false;
      const stats = await load;
      s3.destroy();
      console.log(`# round ${round}: kill -9 after ${delay} ms; ${stats.started} ops started, ${stats.acked} acknowledged ${JSON.stringify(stats.byKind)}`);
      // What the crash left behind, so a passing "temp area empty" below is known not to be vacuous.
      const left = scanDataDir(dataDir);
      console.log(`#   left by the crash: ${left.temps.length} temp files, ${left.blobs.length} blob files, ${left.smallBlobs} small blobs`);
      await suite.step(`round ${round}: no request failed before the kill`, () => fail(stats.failedBeforeKill, 'requests failed while the server was up'));
      // A supervisor restarts at once; CRASH_RESTART_DELAY_MS waits first (to tell timing effects apart).
      await sleep(RESTART_DELAY);
      const up = await suite.step(`round ${round}: restart on the same data dir after kill -9`, async () => {
        server = await startSovra({ dataDir, logPath: server!.logPath, accessKey: server!.accessKey, secretKey: server!.secretKey });
      });
      if (!up) break;
      s3 = client(server!);
      await suite.step(`round ${round}: temp area empty after restart`, () => tempEmpty(dataDir));
      await suite.step(`round ${round}: blob files on disk = blobs referenced (objects + upload parts) after recovery`, () => blobsMatch(s3, dataDir));
      await suite.step(`round ${round}: every object absent or complete and byte-correct (GET + sha256, listing agrees)`, async () => {
        const { problems, present } = await verifyObjects(s3, BUCKET, ledger);
        console.log(`#   ${ledger.keys.size} keys checked, ${present} present`);
        fail(problems, 'objects in a state never written');
      });
      await suite.step(`round ${round}: multipart uploads atomic; leftovers resumed or aborted`, async () => {
        const r = await verifyUploads(s3, BUCKET, ledger);
        console.log(`#   uploads: ${r.resumed} resumed, ${r.aborted} aborted, ${r.orphansAborted} orphans (create reply lost) aborted`);
        fail(r.problems, 'multipart problems');
      });
    }
    const srv = server!;
    if (!srv.exited()) {
      await suite.step('final: blob files on disk = blobs the metadata references', async () => {
        await sleep(500); // old blobs of the last overwrites/aborts are deleted just after the reply
        await blobsMatch(s3, dataDir);
        fail(scanDataDir(dataDir).temps, 'files in the temp area');
      });
      s3.destroy();
      await suite.step('final: SIGTERM stops the server cleanly', async () => {
        const how = await srv.stop();
        if (how !== 'exit 0') throw new StepError(`server ended with ${how}; log:\n${tail(srv.logPath, 20)}`);
      });
    }
  };
  try {
    await body();
  } catch (e) {
    await suite.step('crash test harness', () => { throw e; });
  } finally {
    if (server && !server.exited()) await server.kill9();
    const failed = suite.results.some((r) => !r.ok);
    if (failed && server) console.log(`# server log (last 40 lines):\n${tail(server.logPath, 40)}`);
    if (dataDir && !process.env.KEEP_WORK) rmSync(path.dirname(dataDir), { recursive: true, force: true });
    else if (dataDir) console.log(`# kept ${path.dirname(dataDir)}`);
  }
  // Metering on a server of its own (CRASH_METERING=0 skips it).
  if (process.env.CRASH_METERING !== '0') await meteringCrash(suite, rand, Number(process.env.CRASH_METERING_ROUNDS ?? Math.max(2, Math.ceil(ROUNDS / 2))), Math.max(2, Math.min(WORKERS, 4)));
  return report(suite);
}

function report(suite: Suite): number {
  const { passed, failed } = suite.summary();
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
