/**
 * Access keys: created and listed under their user; changed, rotated and deleted by id (the
 * service answers NoSuchAccessKey for a key the caller may not see). The secret appears
 * only in the answer that creates it.
 */
import { fail } from '../../core/errors.js';
import type { TenancyService } from '../../tenancy/model.js';
import { bool, object, oneOf, pageRequest } from '../input.js';
import { pageOf } from '../page.js';
import { created, noContent, ok, type AdminCall, type AdminRoute } from '../route.js';
import { USER_PATH, userOf } from './users.js';

export function keyRoutes(t: TenancyService): AdminRoute[] {
  const keyId = (c: AdminCall) => c.params['accessKeyId'] ?? '';
  return [
    {
      method: 'POST', path: `${USER_PATH}/access-keys`,
      run: async (c) => {
        if ((await c.body()) !== undefined) object(await c.body(), []);
        return created(await t.createAccessKey(c.principal, (await userOf(t, c)).id));
      },
    },
    {
      method: 'GET', path: `${USER_PATH}/access-keys`,
      run: async (c) => {
        const page = pageRequest(c.query);
        return ok(pageOf(await t.listAccessKeys(c.principal, (await userOf(t, c)).id), page, (k) => k.accessKeyId));
      },
    },
    {
      method: 'PATCH', path: '/access-keys/{accessKeyId}',
      run: async (c) => {
        const status = oneOf(object(await c.body(), ['status']), 'status', ['active', 'disabled'] as const);
        if (status === undefined) throw fail('InvalidArgument', '"status" is required: "active" or "disabled".', { details: { ArgumentName: 'status' } });
        return ok(await t.setAccessKeyStatus(c.principal, keyId(c), status));
      },
    },
    {
      method: 'POST', path: '/access-keys/{accessKeyId}/rotate',
      run: async (c) => {
        const body = await c.body();
        const deleteOld = body === undefined ? undefined : bool(object(body, ['deleteOld']), 'deleteOld');
        return created(await t.rotateAccessKey(c.principal, keyId(c), deleteOld !== undefined ? { deleteOld } : {}));
      },
    },
    {
      method: 'DELETE', path: '/access-keys/{accessKeyId}',
      run: async (c) => {
        await t.deleteAccessKey(c.principal, keyId(c));
        return noContent();
      },
    },
  ];
}
