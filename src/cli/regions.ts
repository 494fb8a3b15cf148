/**
 * `sovra regions`: list the regions of a topology and their zones, and recommend the
 * nearest region a residency policy allows (`sovra regions nearest`). Reads the topology
 * only (--topology, else SOVRA_TOPOLOGY, else the built-in demo); needs no running server.
 */
import { parseArgs } from 'node:util';
import { isAppError } from '../core/errors.js';
import { parseZones } from '../residency/policy.js';
import {
  demoTopology,
  loadTopologyFile,
  parseLocation,
  parseRttList,
  probeRtt,
  recommendRegions,
  TopologyError,
  type Recommendation,
  type RecommendFrom,
  type Region,
  type Topology,
} from '../topology/index.js';

export interface CommandOutput {
  stdout(s: string): void;
  stderr(s: string): void;
}

type Env = Readonly<Record<string, string | undefined>>;

const LIST_USAGE = `Usage: sovra regions [--topology FILE] [--json]
       sovra regions nearest --help

Lists the regions of the topology with their country, legal zones and endpoint.

Options:
  --topology FILE  Topology file (YAML or JSON); default $SOVRA_TOPOLOGY, else the built-in demo
  --json           Print JSON instead of a table
  -h, --help       Show this help`;

const NEAREST_USAGE = `Usage: sovra regions nearest [--topology FILE] [--zones ZONES]
         (--from REGION | --location LAT,LON | --rtt REGION=MS,... | --probe) [--json]

Recommends the lowest-latency region that a residency policy allows, best first.

Options:
  --zones ZONES        Residency policy, e.g. EU or DE,GB (default: every region)
  --from REGION        Client sits in or next to REGION: declared latencies, else estimated
  --location LAT,LON   Client location in decimal degrees, e.g. 51.5,-0.12: estimated from distance
  --rtt REGION=MS,...  Round trips the client measured, e.g. eu-fra=12,eu-lon=3.5
  --probe              Measure round trips to the region endpoints now (HTTP HEAD /)
  --attempts N         Probe requests per endpoint, median taken (default 5)
  --timeout MS         Probe timeout per request (default 2000)
  --topology FILE      Topology file (YAML or JSON); default $SOVRA_TOPOLOGY, else the built-in demo
  --json               Print JSON: { recommended, candidates: [...] }
  -h, --help           Show this help`;

/** Bad input the user can fix: reported in one line, exit code 2. */
class UsageError extends Error {}

function loadTopology(file: string | undefined, env: Env): Topology {
  const path = file ?? (env.SOVRA_TOPOLOGY === undefined || env.SOVRA_TOPOLOGY === '' ? undefined : env.SOVRA_TOPOLOGY);
  return path === undefined ? demoTopology() : loadTopologyFile(path);
}

/** Plain left-aligned columns; '-' for absent values. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function regionJson(r: Region): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    city: r.city,
    country: r.country,
    zones: r.zones,
    endpoint: r.endpoint ?? null,
    storage: r.storage,
    location: r.location ?? null,
  };
}

function listRegions(args: string[], env: Env, out: CommandOutput): number {
  const { values } = parseArgs({ args, options: { topology: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
  if (values.help) {
    out.stdout(`${LIST_USAGE}\n`);
    return 0;
  }
  const topology = loadTopology(values.topology, env);
  if (values.json) {
    const latencyMs: Record<string, Record<string, number>> = {};
    for (const [from, row] of topology.latencyMs) latencyMs[from] = Object.fromEntries(row);
    const doc = {
      source: topology.source,
      defaultRegion: topology.defaultRegion,
      controlPlane: topology.controlPlane ?? null,
      regions: topology.regions.map(regionJson),
      latencyMs,
    };
    out.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    return 0;
  }
  const rows = topology.regions.map((r) => [r.id + (r.id === topology.defaultRegion ? '*' : ''), r.name, r.city, r.country, r.zones.join(', '), r.endpoint ?? '-']);
  const zones = new Map<string, string[]>();
  for (const r of topology.regions) for (const z of r.zones) zones.set(z, [...(zones.get(z) ?? []), r.id]);
  const zoneLines = [...zones].sort(([a], [b]) => a.localeCompare(b)).map(([z, ids]) => `  ${z.padEnd(Math.max(...[...zones.keys()].map((k) => k.length)))}  ${ids.join(', ')}`);
  out.stdout(
    [
      `Topology: ${topology.source}`,
      '',
      table(['ID', 'NAME', 'CITY', 'COUNTRY', 'ZONES', 'ENDPOINT'], rows),
      `(* default region)`,
      ...(topology.controlPlane ? [`Control plane: ${topology.controlPlane.endpoint}`] : []),
      '',
      'Zones (a residency policy naming a zone allows these regions):',
      ...zoneLines,
    ].join('\n') + '\n',
  );
  return 0;
}

function formatRtt(r: Recommendation): string {
  if (r.rttMs === undefined) return '-';
  const ms = r.basis === 'declared' ? String(r.rttMs) : r.rttMs.toFixed(1);
  return `${r.basis === 'estimated' ? '~' : ''}${ms} ms`;
}

function roundMs(ms: number | undefined): number | null {
  return ms === undefined ? null : Math.round(ms * 10) / 10;
}

function positiveNumber(name: string, text: string | undefined, fallback: number, integer: boolean): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'whole number' : 'number'}, not '${text}'`);
  }
  return n;
}

async function nearest(args: string[], env: Env, out: CommandOutput): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      topology: { type: 'string' },
      zones: { type: 'string', multiple: true },
      from: { type: 'string' },
      location: { type: 'string' },
      rtt: { type: 'string' },
      probe: { type: 'boolean' },
      attempts: { type: 'string' },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    out.stdout(`${NEAREST_USAGE}\n`);
    return 0;
  }
  const sources = (['from', 'location', 'rtt', 'probe'] as const).filter((k) => values[k] !== undefined && values[k] !== false);
  if (sources.length !== 1) {
    throw new UsageError(
      sources.length === 0
        ? 'regions nearest needs one of --from REGION, --location LAT,LON, --rtt REGION=MS,... or --probe'
        : `give only one of ${sources.map((s) => `--${s}`).join(', ')}`,
    );
  }
  if (!values.probe && (values.attempts !== undefined || values.timeout !== undefined)) throw new UsageError('--attempts and --timeout apply only to --probe');
  const topology = loadTopology(values.topology, env);
  const zones = values.zones;

  let from: RecommendFrom;
  let describeFrom: string;
  if (values.from !== undefined) {
    from = { region: values.from };
    describeFrom = `from region ${values.from}`;
  } else if (values.location !== undefined) {
    from = { location: parseLocation(values.location) };
    describeFrom = `from ${from.location.lat},${from.location.lon} (estimated from distance)`;
  } else if (values.rtt !== undefined) {
    from = { rttMs: parseRttList(values.rtt) };
    describeFrom = 'from the given round trips';
  } else {
    const attempts = positiveNumber('attempts', values.attempts, 5, true);
    const timeoutMs = positiveNumber('timeout', values.timeout, 2000, false);
    // Probing only the regions the policy allows: the others cannot be recommended anyway.
    const candidates = recommendRegions(topology, { ...(zones ? { zones } : {}), from: { rttMs: new Map() } }).map((r) => r.region);
    const targets = candidates.flatMap((r) => (r.endpoint === undefined ? [] : [{ id: r.id, url: r.endpoint }]));
    if (targets.length === 0) {
      throw new UsageError(`--probe measures region endpoints, but ${topology.source} gives none for ${candidates.map((r) => r.id).join(', ')} (one process serves every region); use --from, --location or --rtt`);
    }
    const measured = await probeRtt(targets, {
      attempts,
      timeoutMs,
      onError: (id, e) => out.stderr(`sovra regions: ${id}: no measurement: ${e.message}\n`),
    });
    from = { rttMs: measured };
    describeFrom = `by probing ${targets.length} endpoint${targets.length === 1 ? '' : 's'} (median of ${attempts})`;
  }

  const ranking = recommendRegions(topology, { ...(zones ? { zones } : {}), from });
  const policyZones = zones ? parseZones(topology, zones) : undefined;
  const policy = policyZones?.join(', ');
  if (values.json) {
    const doc = {
      recommended: ranking[0]?.region.id ?? null,
      zones: policyZones ?? null,
      candidates: ranking.map((r) => ({ ...regionJson(r.region), rttMs: roundMs(r.rttMs), basis: r.basis })),
    };
    out.stdout(`${JSON.stringify(doc, null, 2)}\n`);
    return ranking.length === 0 ? 1 : 0;
  }
  if (ranking.length === 0) {
    out.stderr(`sovra regions: no region of ${topology.source} is allowed by the policy [${policy}]\n`);
    return 1;
  }
  const best = ranking[0] as Recommendation;
  const rows = ranking.map((r, i) => [i === 0 ? '>' : '', r.region.id, r.region.name, r.region.country, r.region.zones.join(', '), formatRtt(r), r.basis]);
  out.stdout(
    [
      `Regions ${policy === undefined ? '(any policy)' : `allowed by [${policy}]`} ${describeFrom}, nearest first:`,
      '',
      table(['', 'REGION', 'NAME', 'COUNTRY', 'ZONES', 'RTT', 'BASIS'], rows),
      '',
      `Recommended: ${best.region.id} (${best.region.name}, ${best.region.country})${best.region.endpoint ? ` at ${best.region.endpoint}` : ''}`,
    ].join('\n') + '\n',
  );
  return 0;
}

/** Runs `sovra regions ...` (args after `regions`); returns the exit code. */
export async function runRegionsCommand(args: string[], env: Env, out: CommandOutput): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'nearest') return await nearest(rest, env, out);
    if (sub === undefined || sub.startsWith('-')) return listRegions(args, env, out);
    throw new UsageError(`unknown subcommand 'regions ${sub}'; try 'sovra regions --help'`);
  } catch (e) {
    if (e instanceof TopologyError) {
      out.stderr(`sovra regions: ${e.message}\n`);
      return 2;
    }
    // parseArgs reports unknown options and missing values as TypeErrors with ERR_PARSE_ARGS_* codes.
    const parseArgsError = typeof (e as { code?: unknown }).code === 'string' && ((e as { code: string }).code.startsWith('ERR_PARSE_ARGS'));
    if (e instanceof UsageError || isAppError(e) || parseArgsError) {
      out.stderr(`sovra regions: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}
