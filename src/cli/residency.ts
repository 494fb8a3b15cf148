/**
 * `sovra residency`: read and set the residency policy of a bucket, and the mandatory
 * policy of an account, through the admin API (a client of it, like any S3 tool: the server
 * in --endpoint or SOVRA_ENDPOINT, the keys in flags or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).
 * Refusals from the server are one line `sovra: <code>: <message>`, exit code 2; an
 * unreachable server exits 1.
 */
import { parseArgs } from 'node:util';
import { AdminApiError, AdminClient, AdminConnectionError, parseEndpoint } from '../client/admin-client.js';
import type { CommandOutput } from './regions.js';

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:9000';

const CONNECTION_HELP = `Connection (flags override environment):
  --endpoint URL      Sovra server; default $SOVRA_ENDPOINT, else ${DEFAULT_ENDPOINT}
  --access-key KEY    Access key id; default $AWS_ACCESS_KEY_ID
  --secret-key KEY    Secret access key; default $AWS_SECRET_ACCESS_KEY
  --region REGION     Signing region; default $AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1
  --json              Print the API's JSON instead of a table
  -h, --help          Show this help`;

const USAGE = `Usage: sovra residency get BUCKET
       sovra residency set BUCKET --zones ZONES
       sovra residency reset BUCKET
       sovra residency account get|set|clear ACCOUNT [--zones ZONES]

Reads and sets where a bucket's data may live (its residency policy: legal zones such as EU,
DE or GB) and an account's mandatory policy, through the admin API.

Run 'sovra residency <subcommand> --help' for each.`;

const GET_USAGE = `Usage: sovra residency get BUCKET [options]

Shows the bucket's region, its residency policy (zones), whether the policy was set or is the
default (the country of the bucket's region), the regions it allows and the account's
mandatory policy.

${CONNECTION_HELP}`;

const SET_USAGE = `Usage: sovra residency set BUCKET --zones ZONES [options]

Sets the bucket's residency policy, e.g. --zones EU or --zones DE,GB. Refused when the
bucket's region, its replication destinations or the account's mandatory policy would fall
outside.

  --zones ZONES       Zones, comma-separated or repeated

${CONNECTION_HELP}`;

const RESET_USAGE = `Usage: sovra residency reset BUCKET [options]

Resets the bucket's residency policy to the default: the country of its region.

${CONNECTION_HELP}`;

const ACCOUNT_USAGE = `Usage: sovra residency account get ACCOUNT [options]
       sovra residency account set ACCOUNT --zones ZONES [options]
       sovra residency account clear ACCOUNT [options]

An account's mandatory residency policy: every bucket of the account must stay within it.
Setting or clearing it is the operator's act; it is refused while an existing bucket of the
account would fall outside.

  --zones ZONES       Zones, comma-separated or repeated (set)

${CONNECTION_HELP}`;

/** Bad input the user can fix: one line, exit code 2. */
class UsageError extends Error {}

const CONNECTION_OPTIONS = {
  endpoint: { type: 'string' },
  'access-key': { type: 'string' },
  'secret-key': { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface Parsed {
  name: string;
  zones: string[] | undefined;
  json: boolean;
  client: AdminClient;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/** Parses `<NAME> [options]`; undefined when --help was asked for (and printed). */
function parse(args: string[], env: Env, out: CommandOutput, opts: { usage: string; what: string; command: string; zones: 'required' | 'none' }): Parsed | undefined {
  const { values, positionals } = parseArgs({
    args,
    options: { ...CONNECTION_OPTIONS, ...(opts.zones === 'required' ? { zones: { type: 'string', multiple: true } } : {}) },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    out.stdout(`${opts.usage}\n`);
    return undefined;
  }
  const name = positionals[0];
  if (positionals.length !== 1 || name === undefined || name === '') {
    throw new UsageError(`${opts.command} needs exactly one ${opts.what}${positionals.length > 1 ? `, not ${positionals.length}` : ''}; try 'sovra ${opts.command} --help'`);
  }
  let zones: string[] | undefined;
  if (opts.zones === 'required') {
    const given = (values as { zones?: string[] }).zones;
    if (given === undefined) throw new UsageError(`${opts.command} needs --zones ZONES, e.g. --zones EU`);
    zones = given.flatMap((z) => z.split(',')).map((z) => z.trim()).filter((z) => z !== '');
    if (zones.length === 0) throw new UsageError('--zones needs at least one zone, e.g. --zones EU');
  }
  return { name, zones, json: values.json === true, client: clientFor(values, env) };
}

function clientFor(values: { endpoint?: string | undefined; 'access-key'?: string | undefined; 'secret-key'?: string | undefined; region?: string | undefined }, env: Env): AdminClient {
  const endpoint = nonEmpty(values.endpoint) ?? nonEmpty(env.SOVRA_ENDPOINT) ?? DEFAULT_ENDPOINT;
  try {
    parseEndpoint(endpoint);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const accessKeyId = nonEmpty(values['access-key']) ?? nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(values['secret-key']) ?? nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    const missing = [accessKeyId === undefined ? 'access key' : '', secretAccessKey === undefined ? 'secret key' : ''].filter((s) => s !== '').join(' and ');
    throw new UsageError(`no credentials: ${missing} not given; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --access-key and --secret-key`);
  }
  const region = nonEmpty(values.region) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
  return new AdminClient({ endpoint, accessKeyId, secretAccessKey, ...(region ? { region } : {}) });
}

/** The admin API's bucket residency document. */
interface BucketResidency {
  bucket: string;
  region: string;
  zones: string[];
  explicit: boolean;
  allowedRegions: string[];
  mandatory?: string[];
}

interface AccountResidency {
  account: string;
  mandatory: string[] | null;
}

/** Plain left-aligned columns, as in `sovra regions`. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function bucketTable(r: BucketResidency): string {
  return table(
    ['BUCKET', 'REGION', 'ZONES', 'POLICY', 'ALLOWED REGIONS', 'MANDATORY'],
    [[r.bucket, r.region, r.zones.join(', '), r.explicit ? 'explicit' : 'default', r.allowedRegions.join(', '), r.mandatory?.join(', ') ?? '-']],
  );
}

function accountTable(r: AccountResidency): string {
  return table(['ACCOUNT', 'MANDATORY'], [[r.account, r.mandatory?.join(', ') ?? 'none']]);
}

function print(out: CommandOutput, json: boolean, doc: unknown, lines: string[]): void {
  out.stdout(json ? `${JSON.stringify(doc, null, 2)}\n` : `${lines.join('\n')}\n`);
}

async function bucketCommand(sub: string, args: string[], env: Env, out: CommandOutput): Promise<number> {
  const usage = sub === 'get' ? GET_USAGE : sub === 'set' ? SET_USAGE : RESET_USAGE;
  const p = parse(args, env, out, { usage, what: 'BUCKET', command: `residency ${sub}`, zones: sub === 'set' ? 'required' : 'none' });
  if (!p) return 0;
  const path = ['buckets', p.name, 'residency'];
  if (sub === 'get') {
    const r = await p.client.request<BucketResidency>('GET', path);
    const note = r.explicit ? [] : ['', `The default policy: the country of ${r.region}. Widen it with 'sovra residency set ${r.bucket} --zones ZONES'.`];
    print(out, p.json, r, [bucketTable(r), ...note]);
  } else {
    const r = await p.client.request<BucketResidency>('PUT', path, { json: { zones: sub === 'set' ? p.zones : null } });
    const head = sub === 'set' ? `Residency of ${r.bucket} set to [${r.zones.join(', ')}].` : `Residency of ${r.bucket} reset to the default [${r.zones.join(', ')}], the country of ${r.region}.`;
    print(out, p.json, r, [head, '', bucketTable(r)]);
  }
  return 0;
}

async function accountCommand(args: string[], env: Env, out: CommandOutput): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    if (sub === undefined) throw new UsageError("residency account needs a subcommand: get, set or clear; try 'sovra residency account --help'");
    out.stdout(`${ACCOUNT_USAGE}\n`);
    return 0;
  }
  if (sub !== 'get' && sub !== 'set' && sub !== 'clear') throw new UsageError(`unknown subcommand 'residency account ${sub}'; try 'sovra residency account --help'`);
  const p = parse(rest, env, out, { usage: ACCOUNT_USAGE, what: 'ACCOUNT', command: `residency account ${sub}`, zones: sub === 'set' ? 'required' : 'none' });
  if (!p) return 0;
  // An array of segments: account ids may hold characters a path segment must encode.
  const path = ['accounts', p.name, 'residency'];
  if (sub === 'get') {
    const r = await p.client.request<AccountResidency>('GET', path);
    print(out, p.json, r, [accountTable(r)]);
  } else {
    const r = await p.client.request<AccountResidency>('PUT', path, { json: { zones: sub === 'set' ? p.zones : null } });
    const head = r.mandatory ? `Mandatory residency of account ${r.account} set to [${r.mandatory.join(', ')}].` : `Mandatory residency of account ${r.account} cleared.`;
    print(out, p.json, r, [head, '', accountTable(r)]);
  }
  return 0;
}

/** Runs `sovra residency ...` (args after `residency`); returns the exit code. */
export async function runResidencyCommand(args: string[], env: Env, out: CommandOutput): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'get' || sub === 'set' || sub === 'reset') return await bucketCommand(sub, rest, env, out);
    if (sub === 'account') return await accountCommand(rest, env, out);
    if (sub === '--help' || sub === '-h' || sub === 'help') {
      out.stdout(`${USAGE}\n`);
      return 0;
    }
    throw new UsageError(sub === undefined ? "residency needs a subcommand: get, set, reset or account; try 'sovra residency --help'" : `unknown subcommand 'residency ${sub}'; try 'sovra residency --help'`);
  } catch (e) {
    if (e instanceof AdminApiError) {
      out.stderr(`sovra: ${e.code}: ${e.message}\n`);
      return 2;
    }
    if (e instanceof AdminConnectionError) {
      out.stderr(`sovra: ${e.message} (is the server running? set --endpoint or SOVRA_ENDPOINT)\n`);
      return 1;
    }
    // parseArgs reports unknown options and missing values as TypeErrors with ERR_PARSE_ARGS_* codes.
    const parseArgsError = typeof (e as { code?: unknown }).code === 'string' && (e as { code: string }).code.startsWith('ERR_PARSE_ARGS');
    if (e instanceof UsageError || parseArgsError) {
      // parseArgs suggests '--' for a positional that looks like an option: beside the point here.
      out.stderr(`sovra residency: ${(e as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, '')}\n`);
      return 2;
    }
    throw e;
  }
}
