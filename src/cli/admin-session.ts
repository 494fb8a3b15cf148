/**
 * `sovra admin whoami`, `token ...` and `events ACCOUNT`.
 */
import type { AccessEvent } from '../client/admin-types.js';
import { PAGE_HELP, PAGE_OPTIONS, printList, stringOpt, type Noun, type Verb } from './admin-command.js';
import { fields, table } from './admin-connection.js';
import { formatTime, parseCount } from './admin-format.js';

export const whoamiVerb: Verb = {
  synopsis: 'whoami', positionals: [], help: 'Shows who the credentials belong to: the user, its account and its rights.',
  async run(ctx) {
    const w = await ctx.client.whoami();
    ctx.print(w, fields([
      ['USER', w.userName], ['USER ID', w.userId], ['ARN', w.userArn], ['ADMIN', w.admin ? 'yes' : 'no'],
      ['ACCOUNT', w.account ? `${w.account.name} (${w.accountId})` : w.accountId], ['ACCOUNT KIND', w.accountKind],
      ['PARENT ACCOUNT', w.parentAccountId ?? '-'], ['AUTHENTICATION', w.authentication === 'bearer' ? 'bearer token' : `access key ${w.accessKeyId ?? ''}`],
    ]));
  },
};

export const tokenNoun: Noun = {
  summary: 'Bearer tokens for the admin API (e.g. console sessions): they act as the user that created them.',
  verbs: {
    create: {
      synopsis: 'token create', positionals: [],
      help: 'Creates a bearer token and prints it, once. Use it as --token or SOVRA_TOKEN.\n\n  --ttl SECONDS             Lifetime; default 3600\n  --idempotency-key KEY     Retrying with the same key creates nothing twice',
      options: { ttl: { type: 'string' }, 'idempotency-key': { type: 'string' } },
      async run(ctx) {
        const ttl = stringOpt(ctx, 'ttl');
        const key = stringOpt(ctx, 'idempotency-key');
        const t = await ctx.client.createToken(ttl === undefined ? undefined : (parseCount(ttl, '--ttl', { min: 1 }) ?? undefined), key === undefined ? {} : { idempotencyKey: key });
        ctx.print(t, `Token ${t.id} created, valid until ${formatTime(t.expiresAt)}.\n\n${fields([['TOKEN', t.token], ['ID', t.id], ['EXPIRES', formatTime(t.expiresAt)]])}`);
        ctx.io.stderr('sovra: Save the token now: it is shown only this once. Revoke it with \'sovra admin token delete ID\'.\n');
      },
    },
    delete: {
      synopsis: 'token delete ID', positionals: ['ID'], help: 'Revokes one of your tokens.',
      async run(ctx) {
        await ctx.client.deleteToken(ctx.args[0] ?? '');
        ctx.print({ deleted: ctx.args[0] }, `Token ${ctx.args[0]} deleted.`);
      },
    },
  },
};

function eventRows(items: AccessEvent[]): string {
  return table(
    ['TIME', 'KIND', 'PRINCIPAL', 'BUCKET', 'ACTION', 'REGION', 'DETAIL'],
    items.map((e) => [formatTime(e.at), e.kind, e.principalArn ?? e.principalAccountId, e.bucket ?? '-', e.action ?? '-', e.region ?? '-', e.detail ?? '']),
  );
}

export const eventsVerb: Verb = {
  synopsis: 'events ACCOUNT', positionals: ['ACCOUNT'], options: PAGE_OPTIONS,
  help: `Shows the sovereignty record of an account: every grant of access to its data to someone outside it, and each use.\n\n${PAGE_HELP}`,
  run: (ctx) => printList(ctx, (p) => ctx.client.listAccessEvents(ctx.args[0] ?? '', p), eventRows, 'No access events.'),
};
