/**
 * `sovra admin <noun> <verb>`: partners, customers, users, access keys, policies, tokens and
 * the sovereignty record, through the admin API only (no second code path beside it).
 */
import { isVerb, nounUsage, runVerb, type AdminIo, type Noun, type Verb } from './admin-command.js';
import { partnerNoun, customerNoun } from './admin-accounts.js';
import { reportFailure, UsageError, type Env } from './admin-connection.js';
import { eventsVerb, tokenNoun, whoamiVerb } from './admin-session.js';
import { keyNoun, policyNoun, userNoun } from './admin-users.js';

export const ADMIN_COMMANDS: Record<string, Noun | Verb> = {
  whoami: whoamiVerb,
  partner: partnerNoun,
  customer: customerNoun,
  user: userNoun,
  key: keyNoun,
  policy: policyNoun,
  token: tokenNoun,
  events: eventsVerb,
};

const SUMMARIES: Record<string, string> = {
  whoami: 'Who the credentials belong to',
  partner: 'Partners: create, list, get, update, delete (operator)',
  customer: 'Customers: create, list, get, update, move, moves, delete',
  user: 'Users of an account: create, list, get, update, delete',
  key: 'Access keys: create, list, disable, enable, rotate, delete',
  policy: "A user's identity policies: put, get, list, delete",
  token: 'Bearer tokens: create, delete',
  events: "An account's sovereignty record (grants and uses of access from outside it)",
};

export const ADMIN_USAGE = `Usage: sovra admin <noun> <verb> [arguments] [options]

Manages the account hierarchy through the admin API: the operator onboards partners, a
partner its customers (and their first admin), a customer's admins their users, keys and
policies. Readable tables by default; --json prints the API's JSON.

Nouns:
${Object.entries(SUMMARIES).map(([n, s]) => `  ${n.padEnd(10)} ${s}`).join('\n')}

Example:
  sovra admin partner create dt --regions eu-fra,eu-lon --display-name "DT Cloud"
  sovra admin customer create acme --partner dt --regions eu-fra --max-bytes 10GiB
  sovra admin user create acme/alice --admin
  sovra admin key create acme/alice

Run 'sovra admin <noun> --help' for its verbs; the server is $SOVRA_ENDPOINT (default
http://127.0.0.1:9000), the credentials $AWS_ACCESS_KEY_ID/$AWS_SECRET_ACCESS_KEY or $SOVRA_TOKEN.`;

const isHelp = (a: string | undefined) => a === '--help' || a === '-h' || a === 'help';

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs `sovra admin ...` (args after `admin`); returns the exit code. */
export function runAdminCommand(args: string[], env: Env, io: Omit<AdminIo, 'readStdin'> & Partial<Pick<AdminIo, 'readStdin'>>): Promise<number> {
  return runNounCommand({ command: 'admin', commands: ADMIN_COMMANDS, usage: ADMIN_USAGE }, args, env, io);
}

/** Dispatches `sovra <command> <noun> <verb> ...` (or `<command> <verb>`) with --help at every level; returns the exit code. */
export async function runNounCommand(
  spec: { command: string; commands: Record<string, Noun | Verb>; usage: string },
  args: string[], env: Env, io: Omit<AdminIo, 'readStdin'> & Partial<Pick<AdminIo, 'readStdin'>>,
): Promise<number> {
  const out: AdminIo = { readStdin: readProcessStdin, ...io };
  const [nounName, ...rest] = args;
  const base = spec.command;
  let command = base;
  try {
    if (nounName === undefined) throw new UsageError(`${base} needs a noun: ${Object.keys(spec.commands).join(', ')}; try 'sovra ${base} --help'`);
    if (isHelp(nounName)) {
      out.stdout(`${spec.usage}\n`);
      return 0;
    }
    const entry = Object.hasOwn(spec.commands, nounName) ? spec.commands[nounName] : undefined;
    if (entry === undefined) throw new UsageError(`unknown noun '${nounName}'; try 'sovra ${base} --help'`);
    command = `${base} ${nounName}`;
    if (isVerb(entry)) return await runVerb(entry, rest, env, out, base);
    const [verbName, ...verbArgs] = rest;
    if (verbName === undefined || isHelp(verbName)) {
      if (verbName === undefined) throw new UsageError(`${base} ${nounName} needs a verb: ${Object.keys(entry.verbs).join(', ')}; try 'sovra ${base} ${nounName} --help'`);
      out.stdout(`${nounUsage(nounName, entry, base)}\n`);
      return 0;
    }
    const verb = Object.hasOwn(entry.verbs, verbName) ? entry.verbs[verbName] : undefined;
    if (verb === undefined) throw new UsageError(`unknown verb '${verbName}'; ${nounName} has ${Object.keys(entry.verbs).join(', ')}`);
    command = `${base} ${nounName} ${verbName}`;
    return await runVerb(verb, verbArgs, env, out, base);
  } catch (e) {
    return reportFailure(e, command, out);
  }
}
