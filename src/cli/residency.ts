/**
 * `sovra residency`: read and set the residency policy of a bucket, and the mandatory
 * policy of an account, through the admin API (a client of it, like any S3 tool: the server
 * in --endpoint or SOVRA_ENDPOINT, the keys in flags or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).
 * Refusals from the server are one line `sovra: <code>: <message>`, exit code 2; an
 * unreachable server exits 1.
 */
import { parseArgs } from 'node:util';
import type { AdminClient } from '../client/admin-client.js';
import { clientFor, CONNECTION_HELP, CONNECTION_OPTIONS, reportFailure, table, UsageError, type Env } from './admin-connection.js';
import type { CommandOutput } from './regions.js';

export { DEFAULT_ENDPOINT } from './admin-connection.js';

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

interface Parsed {
  name: string;
  zones: string[] | undefined;
  json: boolean;
  client: AdminClient;
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
    return reportFailure(e, 'residency', out);
  }
}
