/**
 * What every client command of the admin API shares: finding the server and the
 * credentials (flags, then SOVRA_ENDPOINT / AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * SOVRA_TOKEN, like other S3 tools), plain tables, and how failures are reported
 * (bad usage: one line, exit 2; an API refusal: `sovra: <code>: <message>`, exit 2; an
 * unreachable server: exit 1).
 */
import { AdminApiError, AdminClient, AdminConnectionError, parseEndpoint, type AdminClientOptions } from '../client/admin-client.js';
import type { CommandOutput } from './regions.js';

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:9000';

export const CONNECTION_HELP = `Connection (flags override environment):
  --endpoint URL      Sovra server; default $SOVRA_ENDPOINT, else ${DEFAULT_ENDPOINT}
  --access-key KEY    Access key id; default $AWS_ACCESS_KEY_ID
  --secret-key KEY    Secret access key; default $AWS_SECRET_ACCESS_KEY
  --token TOKEN       A bearer token instead of keys; default $SOVRA_TOKEN
  --region REGION     Signing region; default $AWS_REGION, else $AWS_DEFAULT_REGION, else us-east-1
  --json              Print the API's JSON instead of a table
  -h, --help          Show this help`;

export const CONNECTION_OPTIONS = {
  endpoint: { type: 'string' },
  'access-key': { type: 'string' },
  'secret-key': { type: 'string' },
  token: { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Bad input the user can fix: one line, exit code 2. */
export class UsageError extends Error {}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

export interface ConnectionValues {
  endpoint?: string | undefined;
  'access-key'?: string | undefined;
  'secret-key'?: string | undefined;
  token?: string | undefined;
  region?: string | undefined;
}

export function clientFor(values: ConnectionValues, env: Env): AdminClient {
  return new AdminClient(connectionFor(values, env));
}

/** The endpoint and credentials the flags and environment name (any client of the server). */
export function connectionFor(values: ConnectionValues, env: Env): AdminClientOptions {
  const endpoint = nonEmpty(values.endpoint) ?? nonEmpty(env['SOVRA_ENDPOINT']) ?? DEFAULT_ENDPOINT;
  try {
    parseEndpoint(endpoint);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const accessKeyId = nonEmpty(values['access-key']) ?? nonEmpty(env['AWS_ACCESS_KEY_ID']);
  const secretAccessKey = nonEmpty(values['secret-key']) ?? nonEmpty(env['AWS_SECRET_ACCESS_KEY']);
  // A token given as a flag wins; from the environment only when no keys are given either way.
  const token = nonEmpty(values.token) ?? (accessKeyId === undefined && secretAccessKey === undefined ? nonEmpty(env['SOVRA_TOKEN']) : undefined);
  if (token !== undefined) return { endpoint, token };
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    const missing = [accessKeyId === undefined ? 'access key' : '', secretAccessKey === undefined ? 'secret key' : ''].filter((s) => s !== '').join(' and ');
    throw new UsageError(`no credentials: ${missing} not given; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --access-key and --secret-key`);
  }
  const region = nonEmpty(values.region) ?? nonEmpty(env['AWS_REGION']) ?? nonEmpty(env['AWS_DEFAULT_REGION']);
  return { endpoint, accessKeyId, secretAccessKey, ...(region ? { region } : {}) };
}

/** Plain left-aligned columns, as in `sovra regions`. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** One entity as FIELD VALUE lines. */
export function fields(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`.trimEnd()).join('\n');
}

/**
 * The exit code for a failure of `command`, after printing it; rethrows what is a bug.
 * parseArgs reports unknown options and missing values as TypeErrors with ERR_PARSE_ARGS_* codes.
 */
export function reportFailure(e: unknown, command: string, out: CommandOutput): number {
  if (e instanceof AdminApiError) {
    out.stderr(`sovra: ${e.code}: ${e.message}\n`);
    return 2;
  }
  if (e instanceof AdminConnectionError) {
    out.stderr(`sovra: ${e.message} (is the server running? set --endpoint or SOVRA_ENDPOINT)\n`);
    return 1;
  }
  const parseArgsError = typeof (e as { code?: unknown }).code === 'string' && (e as { code: string }).code.startsWith('ERR_PARSE_ARGS');
  if (e instanceof UsageError || parseArgsError) {
    // parseArgs suggests '--' for a positional that looks like an option: beside the point here.
    out.stderr(`sovra ${command}: ${(e as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, '')}\n`);
    return 2;
  }
  throw e;
}
