/**
 * The admin API client (src/client/admin-client.ts) and `sovra residency` against a real
 * server over real sockets: round trips, the server's refusals surfaced as they are, and
 * the failures that never reach it (no credentials, nothing listening).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { startApp } from '../../src/app/index.js';
import { loadConfig } from '../../src/config/index.js';
import { AdminApiError, AdminClient, AdminConnectionError, parseEndpoint } from '../../src/client/admin-client.js';
import { runResidencyCommand } from '../../src/cli/residency.js';
import { OPERATOR_ACCOUNT_ID } from '../../src/tenancy/model.js';
import { ACCESS_KEY, REGION, SECRET_KEY, uniqueBucket } from './harness.js';

interface SovraServer {
  url: string;
  client: S3Client;
  stop(): Promise<void>;
}

/**
 * One embedded process on the built-in demo topology (five regions), whatever deployment
 * SOVRA_TEST_DEPLOYMENT picks for the S3 suites: the expectations below name its regions.
 */
async function startServer(): Promise<SovraServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sovra-admin-cli-'));
  const config = loadConfig(['--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1', '--workers', '1', '--no-fsync'], {
    SOVRA_ROOT_ACCESS_KEY: ACCESS_KEY,
    SOVRA_ROOT_SECRET_KEY: SECRET_KEY,
  });
  const app = await startApp(config, { log: (line) => process.stderr.write(`${line}\n`) });
  const client = new S3Client({ endpoint: app.url, region: REGION, forcePathStyle: true, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }, maxAttempts: 1 });
  return {
    url: app.url,
    client,
    async stop() {
      client.destroy();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A loopback port with nothing listening: bound, then closed. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A plain HTTP server that records each request and answers with `reply` (or never, when it returns undefined). */
async function recordingServer(reply: (r: Recorded) => { status: number; body: string } | undefined): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(r);
      const answer = reply(r);
      if (answer) res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

describe('admin API client', () => {
  let s: SovraServer;
  let client: AdminClient;
  before(async () => {
    s = await startServer();
    client = new AdminClient({ endpoint: s.url, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY });
  });
  after(async () => {
    await s.stop();
  });

  it('reads resources and sends query parameters the server understands', async () => {
    const regions = await client.request<{ defaultRegion: string; regions: { id: string }[] }>('GET', 'regions');
    assert.equal(regions.defaultRegion, 'eu-fra');
    assert.deepEqual(regions.regions.map((r) => r.id), ['eu-fra', 'eu-lon', 'eu-par', 'ap-bom', 'cn-hgh']);
    // '=' and ',' inside a value must be encoded on the wire and in the signature alike.
    const nearest = await client.request<{ recommended: string; candidates: { region: string; basis: string }[] }>('GET', 'regions/nearest', { query: { zones: 'EU', rtt: 'eu-fra=30,eu-par=8' } });
    assert.equal(nearest.recommended, 'eu-par');
    assert.deepEqual(nearest.candidates.map((c) => `${c.region}:${c.basis}`), ['eu-par:measured', 'eu-fra:measured']);
  });

  it('sends signed JSON bodies and reads the answer', async () => {
    const b = uniqueBucket('cli');
    await s.client.send(new CreateBucketCommand({ Bucket: b }));
    const set = await client.request<{ zones: string[]; allowedRegions: string[] }>('PUT', `buckets/${b}/residency`, { json: { zones: ['EU'] } });
    assert.deepEqual([set.zones, set.allowedRegions], [['EU'], ['eu-fra', 'eu-par']]);
    assert.deepEqual((await client.request<{ zones: string[] }>('GET', `buckets/${b}/residency`)).zones, ['EU']);
  });

  it('percent-encodes path segments, including a / inside a segment given as an array', async () => {
    // The server names the account it looked for: exactly the segment sent.
    const id = 'team a/ü+x';
    const missing = await rejection(client.request('GET', ['accounts', id, 'residency']));
    assert.deepEqual([(missing as AdminApiError).code, missing.message], ['NoSuchAccount', `The account '${id}' does not exist.`]);
    // In the string form a space (and other reserved characters) is encoded too.
    const plain = await rejection(client.request('GET', 'accounts/team a+ü/residency'));
    assert.equal(plain.message, "The account 'team a+ü' does not exist.");
    assert.deepEqual(await client.request('GET', ['accounts', 'operator', 'residency']), { account: OPERATOR_ACCOUNT_ID, mandatory: null });
  });

  it('throws AdminApiError with the code, status, message and request id of a refusal', async () => {
    const missing = await rejection(client.request('GET', 'buckets/no-such-bucket-here/residency'));
    assert.ok(missing instanceof AdminApiError);
    assert.equal(missing.code, 'NoSuchBucket');
    assert.equal(missing.status, 404);
    assert.match(missing.message, /bucket does not exist/i);
    assert.match(missing.requestId ?? '', /^\S+$/);
    const forged = await rejection(new AdminClient({ endpoint: s.url, accessKeyId: ACCESS_KEY, secretAccessKey: 'wrong-secret' }).request('GET', 'regions'));
    assert.ok(forged instanceof AdminApiError);
    assert.deepEqual([forged.code, forged.status], ['SignatureDoesNotMatch', 403]);
    const unknownKey = await rejection(new AdminClient({ endpoint: s.url, accessKeyId: 'NOSUCHKEY', secretAccessKey: SECRET_KEY }).request('GET', 'regions'));
    assert.equal((unknownKey as AdminApiError).code, 'InvalidAccessKeyId');
  });

  it('throws AdminConnectionError naming the endpoint when nothing listens', async () => {
    const port = await deadPort();
    const e = await rejection(new AdminClient({ endpoint: `http://127.0.0.1:${port}`, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }).request('GET', 'regions'));
    assert.ok(e instanceof AdminConnectionError);
    assert.equal(e.endpoint, `http://127.0.0.1:${port}`);
    assert.match(e.message, new RegExp(`^cannot reach the Sovra admin API at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  });

  it('signs what it sends: path, region, body hash and content type', async () => {
    const rec = await recordingServer(() => ({ status: 200, body: '{"ok":true}' }));
    try {
      const c = new AdminClient({ endpoint: rec.url, accessKeyId: 'AKID', secretAccessKey: 'secret', region: 'eu-lon' });
      assert.deepEqual(await c.request('PUT', ['accounts', 'a/b c', 'residency'], { json: { zones: ['EU'] }, query: { x: 'a b' } }), { ok: true });
      const r = rec.requests[0] as Recorded;
      assert.equal(r.method, 'PUT');
      assert.equal(r.url, '/admin/v1/accounts/a%2Fb%20c/residency?x=a%20b');
      assert.equal(r.body, '{"zones":["EU"]}');
      assert.equal(r.headers['x-amz-content-sha256'], createHash('sha256').update(r.body).digest('hex'));
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers.host, new URL(rec.url).host);
      assert.match(r.headers.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/eu-lon\/s3\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
      await c.request('GET', 'regions');
      assert.equal(rec.requests[1]?.headers['x-amz-content-sha256'], 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      await new AdminClient({ endpoint: rec.url, accessKeyId: 'A', secretAccessKey: 'S' }).request('GET', 'regions');
      assert.match(rec.requests[2]?.headers.authorization ?? '', /^AWS4-HMAC-SHA256 Credential=A\/\d{8}\/us-east-1\/s3\/aws4_request, /, 'us-east-1 by default');
    } finally {
      await rec.close();
    }
  });

  it('reports answers that are not the admin API: non-JSON errors and bodies, and silence', async () => {
    const rec = await recordingServer((r) => (r.url.includes('hang') ? undefined : r.url.includes('ok') ? { status: 200, body: '<html>' } : { status: 502, body: 'Bad gateway\n' }));
    try {
      const c = new AdminClient({ endpoint: rec.url, accessKeyId: 'A', secretAccessKey: 'S', timeoutMs: 300 });
      const gateway = await rejection(c.request('GET', 'regions'));
      assert.ok(gateway instanceof AdminApiError);
      assert.deepEqual([gateway.code, gateway.status], ['Http502', 502]);
      assert.equal(gateway.message, `The server at ${rec.url} answered 502 without an admin API error: Bad gateway; is it a Sovra server?`);
      const html = await rejection(c.request('GET', 'ok'));
      assert.equal((html as AdminApiError).code, 'InvalidResponse');
      const silent = await rejection(c.request('GET', 'hang'));
      assert.ok(silent instanceof AdminConnectionError);
      assert.equal(silent.message, `cannot reach the Sovra admin API at ${rec.url}: no answer within 300 ms`);
    } finally {
      await rec.close();
    }
  });

  it('accepts only http(s)://host[:port] endpoints', () => {
    assert.equal(parseEndpoint('http://127.0.0.1:9000/').origin, 'http://127.0.0.1:9000');
    assert.equal(parseEndpoint('https://sovra.example').origin, 'https://sovra.example');
    assert.throws(() => parseEndpoint('ftp://h'), /^TypeError: 'ftp:\/\/h' is not an http\(s\) endpoint URL$/);
    assert.throws(() => parseEndpoint('127.0.0.1:9000'), /is not an endpoint URL; expected http\(s\):\/\/host\[:port\]/);
    assert.throws(() => parseEndpoint('http://h/admin/v1'), /without a path, query or credentials/);
  });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('sovra residency', () => {
  let s: SovraServer;
  let env: Record<string, string>;
  before(async () => {
    s = await startServer();
    env = { SOVRA_ENDPOINT: s.url, AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET_KEY };
  });
  after(async () => {
    await s.stop();
  });

  async function run(args: string[], e: Record<string, string> = env): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const code = await runResidencyCommand(args, e, { stdout: (x) => (stdout += x), stderr: (x) => (stderr += x) });
    return { code, stdout, stderr };
  }

  /** Refused: this exit code, nothing on stdout, one line on stderr matching `line`. */
  async function refused(args: string[], code: number, line: RegExp | string, e: Record<string, string> = env): Promise<void> {
    const r = await run(args, e);
    assert.equal(r.code, code, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').length, 2, `one line: ${r.stderr}`);
    if (typeof line === 'string') assert.equal(r.stderr, `${line}\n`);
    else assert.match(r.stderr, line);
  }

  async function newBucket(region?: string): Promise<string> {
    const b = uniqueBucket('cli');
    await s.client.send(new CreateBucketCommand({ Bucket: b, ...(region ? { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } } : {}) }));
    return b;
  }

  const pad = (cells: string[], widths: number[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  function expectedTable(b: string, zones: string, policy: string, allowed: string, mandatory = '-'): string {
    const header = ['BUCKET', 'REGION', 'ZONES', 'POLICY', 'ALLOWED REGIONS', 'MANDATORY'];
    const row = [b, 'eu-fra', zones, policy, allowed, mandatory];
    const widths = header.map((h, i) => Math.max(h.length, (row[i] ?? '').length));
    return `${pad(header, widths)}\n${pad(row, widths)}`;
  }

  it('gets, sets and resets a bucket\'s policy, as tables', async () => {
    const b = await newBucket();
    const got = await run(['get', b]);
    assert.deepEqual(got, {
      code: 0,
      stderr: '',
      stdout: `${expectedTable(b, 'DE', 'default', 'eu-fra')}\n\nThe default policy: the country of eu-fra. Widen it with 'sovra residency set ${b} --zones ZONES'.\n`,
    });
    const set = await run(['set', b, '--zones', 'EU']);
    assert.deepEqual(set, { code: 0, stderr: '', stdout: `Residency of ${b} set to [EU].\n\n${expectedTable(b, 'EU', 'explicit', 'eu-fra, eu-par')}\n` });
    assert.equal((await run(['get', b])).stdout, `${expectedTable(b, 'EU', 'explicit', 'eu-fra, eu-par')}\n`);
    const two = await run(['set', b, '--zones', 'de,fr', '--zones', 'EEA']);
    assert.equal(two.code, 0, two.stderr);
    assert.match(two.stdout, /^Residency of \S+ set to \[DE, EEA, FR\]\.\n/);
    const reset = await run(['reset', b]);
    assert.deepEqual(reset, { code: 0, stderr: '', stdout: `Residency of ${b} reset to the default [DE], the country of eu-fra.\n\n${expectedTable(b, 'DE', 'default', 'eu-fra')}\n` });
  });

  it('prints the API\'s JSON with --json', async () => {
    const b = await newBucket();
    const got = await run(['get', b, '--json']);
    assert.equal(got.code, 0);
    assert.deepEqual(JSON.parse(got.stdout), { bucket: b, region: 'eu-fra', zones: ['DE'], explicit: false, allowedRegions: ['eu-fra'] });
    const set = await run(['set', '--json', b, '--zones=EU']);
    assert.deepEqual(JSON.parse(set.stdout), { bucket: b, region: 'eu-fra', zones: ['EU'], explicit: true, allowedRegions: ['eu-fra', 'eu-par'] });
    const reset = await run(['reset', b, '--json']);
    assert.deepEqual(JSON.parse(reset.stdout), { bucket: b, region: 'eu-fra', zones: ['DE'], explicit: false, allowedRegions: ['eu-fra'] });
  });

  it('surfaces the server\'s refusals as `sovra: <code>: <message>`, exit code 2, leaving the policy as it was', async () => {
    const b = await newBucket();
    await refused(['set', b, '--zones', 'EU,ATLANTIS'], 2, /^sovra: InvalidArgument: Unknown zone ATLANTIS; the zones of this topology are .*\n$/);
    await refused(['set', b, '--zones', 'GB'], 2, /^sovra: ResidencyViolation: .*eu-fra.*\n$/);
    await refused(['get', `missing-${b}`], 2, 'sovra: NoSuchBucket: The specified bucket does not exist');
    await refused(['get', b, '--secret-key', 'not-the-secret'], 2, /^sovra: SignatureDoesNotMatch: The request signature we calculated does not match/);
    await refused(['get', b], 2, /^sovra: InvalidAccessKeyId: /, { ...env, AWS_ACCESS_KEY_ID: 'NOSUCHKEY' });
    assert.deepEqual(JSON.parse((await run(['get', b, '--json'])).stdout).zones, ['DE']);
  });

  it('gets, sets and clears an account\'s mandatory policy', async () => {
    await newBucket('eu-lon');
    const op = OPERATOR_ACCOUNT_ID;
    assert.deepEqual(await run(['account', 'get', 'operator']), { code: 0, stderr: '', stdout: `ACCOUNT       MANDATORY\n${op}  none\n` });
    await refused(['account', 'set', 'operator', '--zones', 'EU'], 2, /^sovra: ResidencyViolation: The mandatory policy \[EU\] does not hold for existing buckets: .*\(eu-lon, \[GB\]\)/);
    assert.deepEqual(await run(['account', 'set', 'operator', '--zones', 'EU,GB']), { code: 0, stderr: '', stdout: `Mandatory residency of account ${op} set to [EU, GB].\n\nACCOUNT       MANDATORY\n${op}  EU, GB\n` });
    assert.deepEqual(JSON.parse((await run(['account', 'get', op, '--json'])).stdout), { account: op, mandatory: ['EU', 'GB'] });
    // The mandatory policy shows in the bucket's view.
    const b = await newBucket();
    assert.deepEqual(JSON.parse((await run(['get', b, '--json'])).stdout).mandatory, ['EU', 'GB']);
    assert.match((await run(['get', b])).stdout, /\s+EU, GB\n/);
    assert.deepEqual(await run(['account', 'clear', 'operator']), { code: 0, stderr: '', stdout: `Mandatory residency of account ${op} cleared.\n\nACCOUNT       MANDATORY\n${op}  none\n` });
    assert.deepEqual(JSON.parse((await run(['account', 'clear', 'operator', '--json'])).stdout), { account: op, mandatory: null });
    // Account ids travel percent-encoded.
    await refused(['account', 'get', 'acme corp/eu'], 2, "sovra: NoSuchAccount: The account 'acme corp/eu' does not exist.");
  });

  it('takes the endpoint and keys from flags before the environment', async () => {
    const b = await newBucket();
    const dead = `http://127.0.0.1:${await deadPort()}`;
    const flags = ['--endpoint', s.url, '--access-key', ACCESS_KEY, '--secret-key', SECRET_KEY, '--region', 'eu-lon'];
    const r = await run(['get', b, '--json', ...flags], { SOVRA_ENDPOINT: dead, AWS_ACCESS_KEY_ID: 'OTHER', AWS_SECRET_ACCESS_KEY: 'other' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).bucket, b);
    const viaRegionEnv = await run(['get', b], { ...env, AWS_REGION: 'eu-par', AWS_DEFAULT_REGION: 'nowhere' });
    assert.equal(viaRegionEnv.code, 0, viaRegionEnv.stderr);
  });

  it('refuses missing credentials and bad input before calling the server', async () => {
    const none = { SOVRA_ENDPOINT: s.url };
    await refused(['get', 'b'], 2, 'sovra residency: no credentials: access key and secret key not given; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --access-key and --secret-key', none);
    await refused(['get', 'b', '--access-key', ACCESS_KEY], 2, /^sovra residency: no credentials: secret key not given; /, none);
    await refused(['set', 'b'], 2, 'sovra residency: residency set needs --zones ZONES, e.g. --zones EU');
    await refused(['set', 'b', '--zones', ' , '], 2, 'sovra residency: --zones needs at least one zone, e.g. --zones EU');
    await refused(['get'], 2, "sovra residency: residency get needs exactly one BUCKET; try 'sovra residency get --help'");
    await refused(['get', 'a', 'b'], 2, "sovra residency: residency get needs exactly one BUCKET, not 2; try 'sovra residency get --help'");
    await refused(['reset', 'b', '--zones', 'EU'], 2, "sovra residency: Unknown option '--zones'");
    await refused(['account', 'set', 'root'], 2, 'sovra residency: residency account set needs --zones ZONES, e.g. --zones EU');
    await refused(['account', 'drop', 'root'], 2, "sovra residency: unknown subcommand 'residency account drop'; try 'sovra residency account --help'");
    await refused(['account'], 2, "sovra residency: residency account needs a subcommand: get, set or clear; try 'sovra residency account --help'");
    await refused(['list'], 2, "sovra residency: unknown subcommand 'residency list'; try 'sovra residency --help'");
    await refused([], 2, "sovra residency: residency needs a subcommand: get, set, reset or account; try 'sovra residency --help'");
    await refused(['get', 'b', '--endpoint', 'http://h:1/x'], 2, "sovra residency: 'http://h:1/x' must be http(s)://host[:port] without a path, query or credentials");
  });

  it('exits 1 with the endpoint named when no server listens', async () => {
    const dead = `http://127.0.0.1:${await deadPort()}`;
    await refused(['get', 'b'], 1, new RegExp(`^sovra: cannot reach the Sovra admin API at ${dead.replace(/\./g, '\\.')}: .*ECONNREFUSED.* \\(is the server running\\? set --endpoint or SOVRA_ENDPOINT\\)\\n$`), { ...env, SOVRA_ENDPOINT: dead });
  });

  it('has --help for each subcommand, needing neither server nor credentials', async () => {
    for (const [args, first] of [
      [['--help'], 'Usage: sovra residency get BUCKET'],
      [['get', '--help'], 'Usage: sovra residency get BUCKET [options]'],
      [['set', '-h'], 'Usage: sovra residency set BUCKET --zones ZONES [options]'],
      [['reset', '--help'], 'Usage: sovra residency reset BUCKET [options]'],
      [['account', '--help'], 'Usage: sovra residency account get ACCOUNT [options]'],
      [['account', 'set', '--help'], 'Usage: sovra residency account get ACCOUNT [options]'],
    ] as const) {
      const r = await run([...args], {});
      assert.equal(r.code, 0, args.join(' '));
      assert.ok(r.stdout.startsWith(`${first}\n`), `${args.join(' ')}: ${r.stdout}`);
    }
    assert.match((await run(['get', '--help'], {})).stdout, /--endpoint URL {6}Sovra server; default \$SOVRA_ENDPOINT, else http:\/\/127\.0\.0\.1:9000\n/);
  });

  describe('the sovra binary', () => {
    const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

    function spawnCli(args: string[], extraEnv: Record<string, string>): Promise<Run> {
      const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|SOVRA_)/.test(k)));
      return new Promise((resolve) => {
        execFile(process.execPath, [main, ...args], { env: { ...base, ...extraEnv } }, (err, stdout, stderr) => {
          resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
        });
      });
    }

    it('runs `sovra residency` as a real process against the server', async () => {
      const b = await newBucket();
      const set = await spawnCli(['residency', 'set', b, '--zones', 'EU', '--json'], env);
      assert.equal(set.code, 0, set.stderr);
      assert.deepEqual(JSON.parse(set.stdout).allowedRegions, ['eu-fra', 'eu-par']);
      const got = await spawnCli(['residency', 'get', b], env);
      assert.deepEqual(got, { code: 0, stderr: '', stdout: `${expectedTable(b, 'EU', 'explicit', 'eu-fra, eu-par')}\n` });
      const outside = await spawnCli(['residency', 'set', b, '--zones', 'GB'], env);
      assert.equal(outside.code, 2);
      assert.match(outside.stderr, /^sovra: ResidencyViolation: /);
      const dead = await spawnCli(['residency', 'get', b], { ...env, SOVRA_ENDPOINT: `http://127.0.0.1:${await deadPort()}` });
      assert.equal(dead.code, 1);
      assert.match(dead.stderr, /^sovra: cannot reach the Sovra admin API at /);
      const help = await spawnCli(['help'], {});
      assert.match(help.stdout, /\n {2}residency {4}Get or set a bucket's residency policy/);
    });
  });
});
