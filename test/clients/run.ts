/**
 * The real-client suite: aws-cli (s3 and s3api), presigned URLs with curl, rclone and s3cmd
 * against a freshly started Sovra on an ephemeral loopback port with a temp data dir.
 *
 *   npm run test:clients             (needs a built tree and the tools; .ci/run installs them)
 *   CLIENTS_ONLY=aws-s3,rclone ...   a subset (aws-s3, aws-s3api, rclone, s3cmd)
 *   SOVRA_TEST_ENDPOINT=http://127.0.0.1:4569 SOVRA_TEST_ACCESS_KEY=S3RVER SOVRA_TEST_SECRET_KEY=S3RVER ...
 *                                    against another running S3 server instead
 *
 * Ends with "N passed, N failed"; exits 1 if any step failed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { awsS3Steps } from './aws-s3.js';
import { awsS3apiSteps } from './aws-s3api.js';
import { awsBinary, makeContext } from './context.js';
import { run, Suite } from './harness.js';
import { rcloneSteps, s3cmdSteps } from './rclone-s3cmd.js';
import { removeServerDirs, sovraOrExternal, tail, type SovraServer } from './sovra-server.js';

const groups: Record<string, (s: Suite, c: ReturnType<typeof makeContext>) => Promise<void>> = {
  'aws-s3': awsS3Steps,
  'aws-s3api': awsS3apiSteps,
  rclone: rcloneSteps,
  s3cmd: s3cmdSteps,
};

async function main(): Promise<number> {
  const only = (process.env.CLIENTS_ONLY ?? '').split(',').filter(Boolean);
  const suite = new Suite();
  const work = mkdtempSync(path.join(os.tmpdir(), 'sovra-clients-'));
  let server: SovraServer | undefined;
  try {
    for (const [tool, args] of [[awsBinary(), ['--version']], ['rclone', ['version']], ['s3cmd', ['--version']], ['curl', ['--version']]] as const) {
      const r = run(tool, [...args]);
      console.log(`# ${tool}: ${r.code === 0 ? (r.stdout + r.stderr).trim().split('\n')[0] : 'NOT AVAILABLE (' + r.stderr.trim() + ')'}`);
    }
    const started = await suite.step('start sovra serve on a free loopback port', async () => {
      server = await sovraOrExternal();
    });
    if (!started || !server) {
      for (const g of Object.keys(groups)) if (!only.length || only.includes(g)) suite.blocked(g, 'the server did not start');
    } else {
      console.log(`# endpoint ${server.url}${server.managed ? ` (pid ${server.pid}, data ${server.dataDir})` : ' (external)'}`);
      const tag = randomBytes(3).toString('hex');
      const ctx = makeContext(server, work, tag);
      for (const [name, fn] of Object.entries(groups)) {
        if (only.length && !only.includes(name)) continue;
        console.log(`## ${name}`);
        await fn(suite, ctx);
      }
      if (server.managed) {
        const srv = server;
        await suite.step('sovra stops cleanly on SIGTERM', async () => {
          const how = await srv.stop();
          if (how !== 'exit 0') throw new Error(`server ended with ${how}; log tail:\n${tail(srv.logPath, 20)}`);
        });
      }
    }
  } finally {
    if (server?.managed && !server.exited()) await server.stop();
    const failed = suite.results.some((r) => !r.ok);
    if (failed && server?.managed) console.log(`# server log (last 40 lines of ${server.logPath}):\n${tail(server.logPath, 40)}`);
    if (!process.env.KEEP_WORK) {
      rmSync(work, { recursive: true, force: true });
      if (server) removeServerDirs(server);
    } else console.log(`# kept ${work}`);
  }
  const { passed, failed } = suite.summary();
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
