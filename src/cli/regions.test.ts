import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { runRegionsCommand } from './regions.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runRegionsCommand(args, env, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

/** Bad input: exit code 2, nothing on stdout, exactly this one line on stderr. */
async function refused(args: string[], message: string, env: Record<string, string> = {}): Promise<void> {
  const r = await run(args, env);
  assert.deepEqual(r, { code: 2, stdout: '', stderr: `sovra regions: ${message}\n` });
}

const dir = mkdtempSync(join(tmpdir(), 'sovra-regions-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function topologyFile(name: string, doc: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

const TWO = {
  defaultRegion: 'eu-lon',
  controlPlane: { endpoint: 'http://127.0.0.1:9100' },
  regions: [
    { id: 'eu-fra', name: 'Frankfurt', city: 'Frankfurt am Main', country: 'DE', zones: ['DE', 'EU'], endpoint: 'http://127.0.0.1:9001' },
    { id: 'eu-lon', name: 'London', city: 'London', country: 'GB', zones: ['GB'], endpoint: 'http://127.0.0.1:9002', storage: '/srv/lon' },
  ],
  latency: { 'eu-fra': { 'eu-lon': 15 } },
};

describe('sovra regions', () => {
  it('lists the demo regions as a table with the regions of each zone', async () => {
    const r = await run([]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      [
        'Topology: built-in demo topology',
        '',
        'ID       NAME       CITY               COUNTRY  ZONES        ENDPOINT',
        'eu-fra*  Frankfurt  Frankfurt am Main  DE       DE, EU, EEA  -',
        'eu-lon   London     London             GB       GB           -',
        'eu-par   Paris      Paris              FR       FR, EU, EEA  -',
        'ap-bom   Mumbai     Mumbai             IN       IN           -',
        'cn-hgh   Hangzhou   Hangzhou           CN       CN           -',
        '(* default region)',
        '',
        'Zones (a residency policy naming a zone allows these regions):',
        '  CN   cn-hgh',
        '  DE   eu-fra',
        '  EEA  eu-fra, eu-par',
        '  EU   eu-fra, eu-par',
        '  FR   eu-par',
        '  GB   eu-lon',
        '  IN   ap-bom',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON with --json', async () => {
    const r = await run(['--json']);
    assert.equal(r.code, 0);
    const doc = JSON.parse(r.stdout) as { source: string; defaultRegion: string; controlPlane: unknown; regions: Record<string, unknown>[]; latencyMs: Record<string, Record<string, number>> };
    assert.equal(doc.source, 'built-in demo topology');
    assert.equal(doc.defaultRegion, 'eu-fra');
    assert.equal(doc.controlPlane, null);
    assert.deepEqual(doc.regions.map((x) => x.id), ['eu-fra', 'eu-lon', 'eu-par', 'ap-bom', 'cn-hgh']);
    assert.deepEqual(doc.regions[1], { id: 'eu-lon', name: 'London', city: 'London', country: 'GB', zones: ['GB'], endpoint: null, storage: 'regions/eu-lon', location: { lat: 51.5074, lon: -0.1278 } });
    assert.equal(doc.latencyMs['eu-lon']?.['eu-par'], 9);
  });

  it('reads --topology, else SOVRA_TOPOLOGY', async () => {
    const file = topologyFile('two.json', TWO);
    const other = topologyFile('other.json', { regions: [{ id: 'ap-bom', name: 'Mumbai', city: 'Mumbai', country: 'IN', zones: ['IN'] }] });
    const fromFlag = await run(['--topology', file], { SOVRA_TOPOLOGY: other });
    assert.equal(fromFlag.code, 0);
    assert.ok(fromFlag.stdout.startsWith(`Topology: ${file}\n`));
    assert.match(fromFlag.stdout, /\neu-fra   Frankfurt  Frankfurt am Main  DE       DE, EU  http:\/\/127\.0\.0\.1:9001\n/);
    assert.match(fromFlag.stdout, /\neu-lon\*  London     London             GB       GB      http:\/\/127\.0\.0\.1:9002\n/);
    assert.match(fromFlag.stdout, /\nControl plane: http:\/\/127\.0\.0\.1:9100\n/);
    const fromEnv = JSON.parse((await run(['--json'], { SOVRA_TOPOLOGY: other })).stdout) as { source: string; regions: { id: string }[] };
    assert.equal(fromEnv.source, other);
    assert.deepEqual(fromEnv.regions.map((x) => x.id), ['ap-bom']);
  });

  it('reports every problem of an invalid topology file, exit code 2', async () => {
    const file = topologyFile('bad.json', { regions: [{ id: 'eu-fra', name: 'F', city: 'F', country: 'Germany', zones: ['DE'] }], latency: { 'eu-fra': { 'eu-xx': 1 } } });
    const r = await run(['--topology', file]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      `sovra regions: 2 problems in topology ${file}:\n  - ${file}: regions[0].country: 'Germany' is not an ISO 3166-1 alpha-2 country code\n  - ${file}: latency.eu-fra.eu-xx: unknown region 'eu-xx'; the regions are eu-fra\n`,
    );
    await refused(['--topology', join(dir, 'none.json')], `${join(dir, 'none.json')}: cannot read the topology file: no such file`);
  });

  it('refuses unknown options and subcommands in one line', async () => {
    await refused(['--bogus'], "Unknown option '--bogus'");
    await refused(['list'], "unknown subcommand 'regions list'; try 'sovra regions --help'");
    await refused(['--topology'], "Option '--topology <value>' argument missing");
  });

  it('has --help', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.ok(r.stdout.startsWith('Usage: sovra regions [--topology FILE] [--json]\n'));
  });
});

describe('sovra regions nearest', () => {
  it('ranks the regions a policy allows from a region, marking the recommendation', async () => {
    const r = await run(['nearest', '--zones', 'eu', '--from', 'eu-lon']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      [
        'Regions allowed by [EU] from region eu-lon, nearest first:',
        '',
        '   REGION  NAME       COUNTRY  ZONES        RTT    BASIS',
        '>  eu-par  Paris      FR       FR, EU, EEA  9 ms   declared',
        '   eu-fra  Frankfurt  DE       DE, EU, EEA  15 ms  declared',
        '',
        'Recommended: eu-par (Paris, FR)',
        '',
      ].join('\n'),
    );
  });

  it('ranks from a location with estimated round trips, and from measured ones', async () => {
    const fromLocation = await run(['nearest', '--location', '48.85,2.35', '--zones', 'EU', '--zones', 'GB']);
    assert.equal(fromLocation.code, 0);
    assert.match(fromLocation.stdout, /^Regions allowed by \[EU, GB\] from 48\.85,2\.35 \(estimated from distance\), nearest first:\n/);
    assert.match(fromLocation.stdout, /\n> {2}eu-par {2}Paris .* ~2\.0 ms {2}estimated\n/);
    assert.match(fromLocation.stdout, /\nRecommended: eu-par \(Paris, FR\)\n$/);
    const measured = await run(['nearest', '--rtt', 'eu-fra=12,cn-hgh=3.25', '--zones=EU']);
    assert.match(measured.stdout, /\n> {2}eu-fra .* 12\.0 ms {2}measured\n {3}eu-par .* - +unknown\n/);
  });

  it('prints JSON { recommended, zones, candidates }', async () => {
    const r = await run(['nearest', '--rtt', 'eu-lon=30,eu-par=4.04,ap-bom=1', '--zones', 'EEA,GB', '--json']);
    assert.equal(r.code, 0);
    const doc = JSON.parse(r.stdout) as { recommended: string; zones: string[]; candidates: { id: string; rttMs: number | null; basis: string; country: string }[] };
    assert.equal(doc.recommended, 'eu-par');
    assert.deepEqual(doc.zones, ['EEA', 'GB']);
    assert.deepEqual(doc.candidates.map((c) => [c.id, c.rttMs, c.basis]), [['eu-par', 4, 'measured'], ['eu-lon', 30, 'measured'], ['eu-fra', null, 'unknown']]);
    assert.equal(doc.candidates[0]?.country, 'FR');
  });

  it('refuses bad input in one line with exit code 2', async () => {
    await refused(['nearest'], 'regions nearest needs one of --from REGION, --location LAT,LON, --rtt REGION=MS,... or --probe');
    await refused(['nearest', '--from', 'eu-fra', '--location', '1,2'], 'give only one of --from, --location');
    await refused(['nearest', '--from', 'us-east-1'], "Unknown region 'us-east-1'; the regions of this topology are eu-fra, eu-lon, eu-par, ap-bom, cn-hgh.");
    await refused(['nearest', '--zones', 'EU,US', '--from', 'eu-fra'], 'Unknown zone US; the zones of this topology are CN, DE, EEA, EU, FR, GB, IN.');
    await refused(['nearest', '--location', 'Paris'], "'Paris' is not a location; expected <latitude>,<longitude> in decimal degrees, e.g. 51.5,-0.12");
    await refused(['nearest', '--rtt', 'eu-fra'], "'eu-fra' is not a round trip; expected <region>=<milliseconds>, e.g. eu-fra=12.5");
    await refused(['nearest', '--rtt', 'eu-xx=3'], "Unknown region 'eu-xx'; the regions of this topology are eu-fra, eu-lon, eu-par, ap-bom, cn-hgh.");
    await refused(['nearest', '--from', 'eu-fra', '--attempts', '3'], '--attempts and --timeout apply only to --probe');
    await refused(['nearest', '--probe', '--zones', 'GB'], '--probe measures region endpoints, but built-in demo topology gives none for eu-lon (one process serves every region); use --from, --location or --rtt');
    await refused(['nearest', '--from', 'eu-fra', 'extra'], "Unexpected argument 'extra'. This command does not take positional arguments");
  });

  it('has --help', async () => {
    const r = await run(['nearest', '-h']);
    assert.equal(r.code, 0);
    assert.ok(r.stdout.startsWith('Usage: sovra regions nearest [--topology FILE] [--zones ZONES]\n'));
  });

  describe('--probe', () => {
    const servers: Server[] = [];
    const requests: string[] = [];
    let file = '';

    async function listen(name: string): Promise<string> {
      const s = createServer((req, res) => {
        requests.push(`${name} ${req.method} ${req.url}`);
        res.writeHead(403, { 'content-length': '0' }).end();
      });
      servers.push(s);
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    }

    before(async () => {
      const fra = await listen('eu-fra');
      const par = await listen('eu-par');
      const closed = await listen('closed');
      await new Promise((resolve) => (servers.pop() as Server).close(resolve));
      file = topologyFile('probe.json', {
        regions: [
          { id: 'eu-fra', name: 'Frankfurt', city: 'Frankfurt', country: 'DE', zones: ['DE', 'EU'], endpoint: fra },
          { id: 'eu-par', name: 'Paris', city: 'Paris', country: 'FR', zones: ['FR', 'EU'], endpoint: par },
          { id: 'eu-ams', name: 'Amsterdam', city: 'Amsterdam', country: 'NL', zones: ['NL', 'EU'], endpoint: closed },
          { id: 'eu-lon', name: 'London', city: 'London', country: 'GB', zones: ['GB'], endpoint: 'http://127.0.0.1:9' },
        ],
      });
    });
    after(async () => {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise((resolve) => s.close(resolve));
      }
    });

    it('measures the endpoints of the allowed regions and ranks by the measurements', async () => {
      const r = await run(['nearest', '--topology', file, '--zones', 'EU', '--probe', '--attempts', '2', '--timeout', '5000', '--json']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /^sovra regions: eu-ams: no measurement: .*ECONNREFUSED.*\n$/);
      const doc = JSON.parse(r.stdout) as { recommended: string; candidates: { id: string; rttMs: number | null; basis: string }[] };
      assert.ok(['eu-fra', 'eu-par'].includes(doc.recommended));
      assert.deepEqual(doc.candidates.map((c) => c.basis), ['measured', 'measured', 'unknown']);
      assert.equal(doc.candidates[2]?.id, 'eu-ams');
      assert.ok(doc.candidates.slice(0, 2).every((c) => typeof c.rttMs === 'number' && c.rttMs >= 0));
      assert.deepEqual(requests.sort(), ['eu-fra HEAD /', 'eu-fra HEAD /', 'eu-par HEAD /', 'eu-par HEAD /'], 'eu-lon is outside the policy and not probed');
    });

    it('refuses bad probe options', async () => {
      await refused(['nearest', '--topology', file, '--probe', '--attempts', '0'], "--attempts must be a positive whole number, not '0'");
      await refused(['nearest', '--topology', file, '--probe', '--timeout', 'soon'], "--timeout must be a positive number, not 'soon'");
    });
  });
});

describe('the sovra binary', () => {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'SOVRA_TOPOLOGY'));

  function spawnCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [main, ...args], { env }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
      });
    });
  }

  it('runs `sovra regions --json` as a real process', async () => {
    const r = await spawnCli(['regions', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { source: string; regions: { id: string; zones: string[] }[] };
    assert.equal(doc.source, 'built-in demo topology');
    assert.deepEqual(doc.regions.map((x) => `${x.id}:${x.zones.join(',')}`), ['eu-fra:DE,EU,EEA', 'eu-lon:GB', 'eu-par:FR,EU,EEA', 'ap-bom:IN', 'cn-hgh:CN']);
  });

  it('exits 2 with one line for bad input, and lists the command in its usage', async () => {
    const bad = await spawnCli(['regions', 'nearest', '--from', 'nowhere']);
    assert.equal(bad.code, 2);
    assert.equal(bad.stdout, '');
    assert.equal(bad.stderr, "sovra regions: Unknown region 'nowhere'; the regions of this topology are eu-fra, eu-lon, eu-par, ap-bom, cn-hgh.\n");
    const help = await spawnCli(['help']);
    assert.match(help.stdout, /\n {2}regions {6}List the regions of the topology/);
  });
});
