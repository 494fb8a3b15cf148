/**
 * `sovra admin user ...`, `key ...` and `policy ...`: an account's users, their access keys
 * and identity policies. Users are named ACCOUNT/USER (account id or name), e.g. acme/alice.
 */
import { readFile } from 'node:fs/promises';
import type { AccessKey, NamedPolicy, NewAccessKey, User } from '../client/admin-types.js';
import { accountUser, PAGE_HELP, PAGE_OPTIONS, printList, stringOpt, type Noun, type VerbContext } from './admin-command.js';
import { table, UsageError } from './admin-connection.js';
import { formatTime } from './admin-format.js';
import { SECRET_WARNING, showKey, showUser } from './admin-show.js';

const IDEMPOTENCY = { 'idempotency-key': { type: 'string' } } as const;
const IDEMPOTENCY_HELP = '  --idempotency-key KEY     Retrying with the same key creates nothing twice';

function idem(ctx: VerbContext): { idempotencyKey?: string } {
  const k = stringOpt(ctx, 'idempotency-key');
  return k === undefined ? {} : { idempotencyKey: k };
}

function userRows(items: User[]): string {
  return table(['NAME', 'ID', 'ADMIN', 'STATUS', 'CREATED'], items.map((u) => [u.name, u.id, u.admin ? 'yes' : 'no', u.status, formatTime(u.createdAt)]));
}

export const userNoun: Noun = {
  summary: "Users of an account. An account's admins manage its users; a partner creates its new customer's first admin.",
  verbs: {
    create: {
      synopsis: 'user create ACCOUNT/USER', positionals: ['ACCOUNT/USER'],
      help: `Creates a user.\n\n  --admin                   An administrator of its account (every right within it)\n${IDEMPOTENCY_HELP}`,
      options: { admin: { type: 'boolean' }, ...IDEMPOTENCY },
      async run(ctx) {
        const [account, name] = accountUser(ctx.args[0] ?? '');
        const u = await ctx.client.createUser(account, { name, ...(ctx.values['admin'] === true ? { admin: true } : {}) }, idem(ctx));
        ctx.print(u, `User ${account}/${u.name} created${u.admin ? ' (admin)' : ''}. Next: 'sovra admin key create ${account}/${u.name}'.\n\n${showUser(u)}`);
      },
    },
    list: {
      synopsis: 'user list ACCOUNT', positionals: ['ACCOUNT'], help: `Lists the users of an account.\n\n${PAGE_HELP}`, options: PAGE_OPTIONS,
      run: (ctx) => printList(ctx, (p) => ctx.client.listUsers(ctx.args[0] ?? '', p), userRows, 'No users.'),
    },
    get: {
      synopsis: 'user get ACCOUNT/USER', positionals: ['ACCOUNT/USER'], help: 'Shows a user.',
      async run(ctx) {
        const [account, name] = accountUser(ctx.args[0] ?? '');
        const u = await ctx.client.getUser(account, name);
        ctx.print(u, showUser(u));
      },
    },
    update: {
      synopsis: 'user update ACCOUNT/USER', positionals: ['ACCOUNT/USER'],
      help: 'Makes a user an admin or not, suspends or reactivates it.\n\n  --admin / --no-admin\n  --status active|suspended',
      options: { admin: { type: 'boolean' }, 'no-admin': { type: 'boolean' }, status: { type: 'string' } },
      async run(ctx) {
        const [account, name] = accountUser(ctx.args[0] ?? '');
        const patch: { admin?: boolean; status?: 'active' | 'suspended' } = {};
        if (ctx.values['admin'] === true && ctx.values['no-admin'] === true) throw new UsageError('give --admin or --no-admin, not both');
        if (ctx.values['admin'] === true) patch.admin = true;
        if (ctx.values['no-admin'] === true) patch.admin = false;
        const st = stringOpt(ctx, 'status');
        if (st !== undefined) {
          if (st !== 'active' && st !== 'suspended') throw new UsageError(`--status must be active or suspended, not '${st}'`);
          patch.status = st;
        }
        if (Object.keys(patch).length === 0) throw new UsageError('user update needs --admin, --no-admin or --status');
        const u = await ctx.client.updateUser(account, name, patch);
        ctx.print(u, `User ${account}/${u.name} updated.\n\n${showUser(u)}`);
      },
    },
    delete: {
      synopsis: 'user delete ACCOUNT/USER', positionals: ['ACCOUNT/USER'], help: 'Deletes a user with its access keys and policies.',
      async run(ctx) {
        const [account, name] = accountUser(ctx.args[0] ?? '');
        await ctx.client.deleteUser(account, name);
        ctx.print({ deleted: `${account}/${name}` }, `User ${account}/${name} deleted.`);
      },
    },
  },
};

function printNewKey(ctx: VerbContext, k: NewAccessKey, head: string): void {
  ctx.print(k, `${head}\n\n${showKey(k)}`);
  ctx.io.stderr(`sovra: ${SECRET_WARNING}\n`);
}

function keyStatusVerb(status: 'active' | 'disabled') {
  const verb = status === 'active' ? 'enable' : 'disable';
  return {
    synopsis: `key ${verb} ACCESS_KEY_ID`, positionals: ['ACCESS_KEY_ID'],
    help: status === 'active' ? 'Re-enables a disabled key.' : 'Disables a key: requests signed with it are refused until it is enabled again.',
    async run(ctx: VerbContext) {
      const k = await ctx.client.setAccessKeyStatus(ctx.args[0] ?? '', status);
      ctx.print(k, `Access key ${k.accessKeyId} ${status === 'active' ? 'enabled' : 'disabled'}.`);
    },
  };
}

export const keyNoun: Noun = {
  summary: 'Access keys of users, for the S3 API and this one. The secret is shown once, when the key is created or rotated.',
  verbs: {
    create: {
      synopsis: 'key create ACCOUNT/USER', positionals: ['ACCOUNT/USER'], help: `Creates an access key and prints its secret, once.\n\n${IDEMPOTENCY_HELP}`, options: IDEMPOTENCY,
      async run(ctx) {
        const [account, name] = accountUser(ctx.args[0] ?? '');
        printNewKey(ctx, await ctx.client.createAccessKey(account, name, idem(ctx)), `Access key created for ${account}/${name}.`);
      },
    },
    list: {
      synopsis: 'key list ACCOUNT/USER', positionals: ['ACCOUNT/USER'], help: `Lists a user's access keys (never their secrets).\n\n${PAGE_HELP}`, options: PAGE_OPTIONS,
      run: (ctx) => {
        const [account, name] = accountUser(ctx.args[0] ?? '');
        return printList(ctx, (p) => ctx.client.listAccessKeys(account, name, p), (items: AccessKey[]) => table(['ACCESS KEY ID', 'STATUS', 'CREATED', 'LAST USED'], items.map((k) => [k.accessKeyId, k.status, formatTime(k.createdAt), formatTime(k.lastUsedAt)])), 'No access keys.');
      },
    },
    disable: keyStatusVerb('disabled'),
    enable: keyStatusVerb('active'),
    rotate: {
      synopsis: 'key rotate ACCESS_KEY_ID', positionals: ['ACCESS_KEY_ID'],
      help: `Creates a new key for the same user and disables the old one.\n\n  --delete-old              Delete the old key instead of disabling it\n${IDEMPOTENCY_HELP}`,
      options: { 'delete-old': { type: 'boolean' }, ...IDEMPOTENCY },
      async run(ctx) {
        const old = ctx.args[0] ?? '';
        const deleteOld = ctx.values['delete-old'] === true;
        const k = await ctx.client.rotateAccessKey(old, { ...(deleteOld ? { deleteOld } : {}), ...idem(ctx) });
        printNewKey(ctx, k, `Access key ${old} rotated: ${deleteOld ? 'deleted' : 'disabled'}, replaced by ${k.accessKeyId}.`);
      },
    },
    delete: {
      synopsis: 'key delete ACCESS_KEY_ID', positionals: ['ACCESS_KEY_ID'], help: 'Deletes an access key.',
      async run(ctx) {
        await ctx.client.deleteAccessKey(ctx.args[0] ?? '');
        ctx.print({ deleted: ctx.args[0] }, `Access key ${ctx.args[0]} deleted.`);
      },
    },
  },
};

async function policyText(ctx: VerbContext): Promise<string> {
  const file = stringOpt(ctx, 'file');
  if (file === undefined) throw new UsageError("policy put needs --file FILE (or --file - for standard input)");
  if (file === '-') return ctx.io.readStdin();
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export const policyNoun: Noun = {
  summary: "A user's named identity policies (IAM JSON: Effect, Action, Resource, Condition).",
  verbs: {
    put: {
      synopsis: 'policy put ACCOUNT/USER NAME --file FILE', positionals: ['ACCOUNT/USER', 'NAME'],
      help: 'Creates or replaces a named policy from a JSON file (- for standard input).\n\n  --file FILE               The policy document',
      options: { file: { type: 'string' } },
      async run(ctx) {
        const [account, user] = accountUser(ctx.args[0] ?? '');
        const p = await ctx.client.putUserPolicy(account, user, ctx.args[1] ?? '', await policyText(ctx));
        ctx.print(p, `Policy ${p.name} of ${account}/${user} saved.`);
      },
    },
    get: {
      synopsis: 'policy get ACCOUNT/USER NAME', positionals: ['ACCOUNT/USER', 'NAME'], help: 'Prints a policy document as it was put (--json: with its name and time).',
      async run(ctx) {
        const [account, user] = accountUser(ctx.args[0] ?? '');
        const p = await ctx.client.getUserPolicy(account, user, ctx.args[1] ?? '');
        ctx.print(p, p.document.replace(/\n$/, ''));
      },
    },
    list: {
      synopsis: 'policy list ACCOUNT/USER', positionals: ['ACCOUNT/USER'], help: `Lists a user's policies.\n\n${PAGE_HELP}`, options: PAGE_OPTIONS,
      run: (ctx) => {
        const [account, user] = accountUser(ctx.args[0] ?? '');
        return printList(ctx, (p) => ctx.client.listUserPolicies(account, user, p), (items: NamedPolicy[]) => table(['NAME', 'UPDATED', 'SIZE'], items.map((p) => [p.name, formatTime(p.updatedAt), `${Buffer.byteLength(p.document)} B`])), 'No policies.');
      },
    },
    delete: {
      synopsis: 'policy delete ACCOUNT/USER NAME', positionals: ['ACCOUNT/USER', 'NAME'], help: 'Removes a policy.',
      async run(ctx) {
        const [account, user] = accountUser(ctx.args[0] ?? '');
        await ctx.client.deleteUserPolicy(account, user, ctx.args[1] ?? '');
        ctx.print({ deleted: ctx.args[1] }, `Policy ${ctx.args[1]} of ${account}/${user} deleted.`);
      },
    },
  },
};
