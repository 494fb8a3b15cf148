/**
 * Users of an account (`{account}` is its id or name; users are addressed by name, unique
 * within the account, as in IAM).
 */
import type { Principal, TenancyService, User } from '../../tenancy/model.js';
import { bool, object, oneOf, pageRequest, requiredStr } from '../input.js';
import { created, noContent, ok, type AdminCall, type AdminRoute } from '../route.js';

export const USER_PATH = '/accounts/{account}/users/{userName}';

/** The user the path names, as the caller may see it (NoSuchAccount / NoSuchUser otherwise). */
export function userOf(t: TenancyService, c: AdminCall): Promise<User> {
  return t.findUser(c.principal, c.params['account'] ?? '', c.params['userName'] ?? '');
}

export async function accountIdOf(t: TenancyService, actor: Principal, idOrName: string): Promise<string> {
  return (await t.getAccount(actor, idOrName)).id;
}

export function userRoutes(t: TenancyService): AdminRoute[] {
  return [
    {
      method: 'POST', path: '/accounts/{account}/users',
      run: async (c) => {
        const o = object(await c.body(), ['name', 'admin']);
        const input = { name: requiredStr(o, 'name'), ...(bool(o, 'admin') !== undefined ? { admin: bool(o, 'admin') === true } : {}) };
        const accountId = await accountIdOf(t, c.principal, c.params['account'] ?? '');
        return created(await t.createUser(c.principal, accountId, input));
      },
    },
    {
      method: 'GET', path: '/accounts/{account}/users',
      run: async (c) => {
        const page = pageRequest(c.query);
        return ok(await t.listUsers(c.principal, await accountIdOf(t, c.principal, c.params['account'] ?? ''), page));
      },
    },
    { method: 'GET', path: USER_PATH, run: async (c) => ok(await userOf(t, c)) },
    {
      method: 'PATCH', path: USER_PATH,
      run: async (c) => {
        const o = object(await c.body(), ['admin', 'status']);
        const admin = bool(o, 'admin');
        const status = oneOf(o, 'status', ['active', 'suspended'] as const);
        const user = await userOf(t, c);
        return ok(await t.updateUser(c.principal, user.id, { ...(admin !== undefined ? { admin } : {}), ...(status !== undefined ? { status } : {}) }));
      },
    },
    {
      method: 'DELETE', path: USER_PATH,
      run: async (c) => {
        await t.deleteUser(c.principal, (await userOf(t, c)).id);
        return noContent();
      },
    },
  ];
}
