/**
 * The shape of `sovra admin` commands: a noun with verbs (or a verb alone, like whoami),
 * each with its positionals, options and help. Parsing, --help at every level and the
 * connection are handled here once.
 */
import { parseArgs } from 'node:util';
import type { AdminClient } from '../client/admin-client.js';
import { clientFor, CONNECTION_HELP, CONNECTION_OPTIONS, UsageError, type Env } from './admin-connection.js';
import type { CommandOutput } from './regions.js';

type OptionSpec = { type: 'string'; multiple?: boolean; short?: string } | { type: 'boolean'; short?: string };

export interface AdminIo extends CommandOutput {
  /** The whole of standard input (policy put --file -). */
  readStdin(): Promise<string>;
}

export interface VerbContext {
  /** The positionals, as many as the verb declares. */
  args: string[];
  values: Record<string, string | string[] | boolean | undefined>;
  client: AdminClient;
  json: boolean;
  io: AdminIo;
  /** Prints `doc` as JSON with --json, else the text lines. */
  print(doc: unknown, text: string): void;
}

export interface Verb {
  /** e.g. 'partner create NAME'. */
  synopsis: string;
  /** What it does, then its own options (the connection options are appended). */
  help: string;
  positionals: string[];
  /** Positionals that may be left out (at the end). */
  optionalPositionals?: number;
  options?: Record<string, OptionSpec>;
  run(ctx: VerbContext): Promise<void>;
}

export interface Noun {
  summary: string;
  verbs: Record<string, Verb>;
}

export function isVerb(x: Noun | Verb): x is Verb {
  return 'run' in x;
}

/** `command` is the words after `sovra` that lead to the verbs: 'admin', 'billing', 'usage'. */
export function verbUsage(v: Verb, command = 'admin'): string {
  return `Usage: ${['sovra', command, v.synopsis].filter((w) => w !== '').join(' ')} [options]\n\n${v.help}\n\n${CONNECTION_HELP}`;
}

export function nounUsage(name: string, n: Noun, command = 'admin'): string {
  const width = Math.max(...Object.values(n.verbs).map((v) => v.synopsis.length));
  const lines = Object.values(n.verbs).map((v) => `  sovra ${command} ${v.synopsis.padEnd(width)}  ${v.help.split('\n')[0] ?? ''}`);
  return `Usage:\n${lines.join('\n')}\n\n${n.summary}\n\nRun 'sovra ${command} ${name} <verb> --help' for each.`;
}

/** Runs one verb on its arguments (after the verb's name). */
export async function runVerb(v: Verb, argv: string[], env: Env, io: AdminIo, command = 'admin'): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...CONNECTION_OPTIONS, ...(v.options ?? {}) }, strict: true, allowPositionals: true });
  if (values.help) {
    io.stdout(`${verbUsage(v, command)}\n`);
    return 0;
  }
  const max = v.positionals.length;
  const min = max - (v.optionalPositionals ?? 0);
  if (positionals.length < min || positionals.length > max) {
    const wanted = max === 0 ? 'no arguments' : v.positionals.join(' ');
    throw new UsageError(`${positionals.length < min ? 'missing' : 'too many arguments; expected'} ${wanted}; try '${['sovra', command, ...v.synopsis.split(' ').filter((w) => /^[a-z][a-z-]*$/.test(w))].join(' ')} --help'`);
  }
  const json = values.json === true;
  const client = clientFor(values as Record<string, string | undefined>, env);
  await v.run({
    args: positionals, values: values as VerbContext['values'], client, json, io,
    print: (doc, text) => io.stdout(json ? `${JSON.stringify(doc, null, 2)}\n` : `${text}\n`),
  });
  return 0;
}

/** 'acme/alice' → ['acme', 'alice']. */
export function accountUser(arg: string): [string, string] {
  const i = arg.indexOf('/');
  const account = arg.slice(0, i);
  const user = arg.slice(i + 1);
  if (i <= 0 || user === '' || user.includes('/')) throw new UsageError(`'${arg}' is not ACCOUNT/USER, e.g. acme/alice`);
  return [account, user];
}

export function stringOpt(ctx: VerbContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOpt(ctx: VerbContext, name: string): string[] | undefined {
  const v = ctx.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : undefined;
}

/** --limit/--cursor: one page; without --limit every page is fetched. */
export const PAGE_OPTIONS: Record<string, OptionSpec> = { limit: { type: 'string' }, cursor: { type: 'string' } };
export const PAGE_HELP = `  --limit N           Show one page of at most N (the next page's cursor is printed)
  --cursor CURSOR     Continue after a previous page`;

import type { Page, PageOptions } from '../client/admin-types.js';
import { parseCount } from './admin-format.js';

/** One page with --limit, else all of them; printed as a table plus the next cursor, or the page's JSON. */
export async function printList<T>(ctx: VerbContext, fetch: (p: PageOptions) => Promise<Page<T>>, render: (items: T[]) => string, empty: string): Promise<void> {
  const limitText = stringOpt(ctx, 'limit');
  const cursor = stringOpt(ctx, 'cursor');
  let page: Page<T>;
  if (limitText !== undefined) {
    page = await fetch({ limit: parseCount(limitText, '--limit', { min: 1 }) ?? 1, ...(cursor !== undefined ? { cursor } : {}) });
  } else {
    const items: T[] = [];
    let next = cursor;
    do {
      const p = await fetch({ limit: 1000, ...(next !== undefined ? { cursor: next } : {}) });
      items.push(...p.items);
      next = p.nextCursor;
    } while (next !== undefined);
    page = { items };
  }
  const more = page.nextCursor !== undefined ? `\n\nMore: --cursor ${page.nextCursor}` : '';
  ctx.print(page, page.items.length === 0 ? empty : render(page.items) + more);
}
