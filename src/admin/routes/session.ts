/**
 * The caller itself: who am I, bearer tokens for the console, and the sovereignty record
 * of an account (grants and uses of access to its data from outside it).
 */
import { isAppError } from '../../core/errors.js';
import type { Account, TenancyService } from '../../tenancy/model.js';
import { count, object, pageRequest } from '../input.js';
import { created, noContent, ok, type AdminRoute } from '../route.js';
import { accountIdOf } from './users.js';

export const DEFAULT_TOKEN_TTL_SECONDS = 3600;

export function sessionRoutes(t: TenancyService): AdminRoute[] {
  return [
    {
      method: 'GET', path: '/whoami',
      run: async (c) => {
        const p = c.principal;
        let account: Account | undefined;
        try {
          account = await t.getAccount(p, p.accountId);
        } catch (e) {
          // A user without rights on its account still learns who it is, without the account's details.
          if (!isAppError(e) || (e.code !== 'AccessDenied' && e.code !== 'NoSuchAccount')) throw e;
        }
        return ok({
          accountId: p.accountId, accountKind: p.accountKind, parentAccountId: p.parentAccountId,
          userId: p.userId, userName: p.userName, userArn: p.userArn, admin: p.admin,
          accessKeyId: p.accessKeyId === '' ? null : p.accessKeyId,
          authentication: p.accessKeyId === '' ? 'bearer' : 'sigv4',
          ...(account ? { account } : {}),
        });
      },
    },
    {
      method: 'POST', path: '/tokens',
      run: async (c) => {
        const body = await c.body();
        const ttl = body === undefined ? undefined : count(object(body, ['ttlSeconds']), 'ttlSeconds', { min: 1 });
        return created(await t.createToken(c.principal, ttl ?? DEFAULT_TOKEN_TTL_SECONDS));
      },
    },
    {
      method: 'DELETE', path: '/tokens/{tokenId}',
      run: async (c) => {
        await t.deleteToken(c.principal, c.params['tokenId'] ?? '');
        return noContent();
      },
    },
    {
      method: 'GET', path: '/accounts/{account}/access-events',
      run: async (c) => {
        const page = pageRequest(c.query);
        const id = await accountIdOf(t, c.principal, c.params['account'] ?? '');
        return ok(await t.listAccessEvents(c.principal, id, page));
      },
    },
  ];
}
