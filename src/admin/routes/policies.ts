/**
 * A user's named identity policies. PUT takes the policy document itself as the body (as
 * IAM's PutUserPolicy does), kept verbatim; the service parses it and answers
 * MalformedPolicy with the line and column of the fault in `details`.
 */
import type { TenancyService } from '../../tenancy/model.js';
import { pageRequest } from '../input.js';
import { pageOf } from '../page.js';
import { noContent, ok, type AdminCall, type AdminRoute } from '../route.js';
import { USER_PATH, userOf } from './users.js';

export function policyRoutes(t: TenancyService): AdminRoute[] {
  const name = (c: AdminCall) => c.params['policyName'] ?? '';
  return [
    {
      method: 'GET', path: `${USER_PATH}/policies`,
      run: async (c) => {
        const page = pageRequest(c.query);
        return ok(pageOf(await t.listUserPolicies(c.principal, (await userOf(t, c)).id), page, (p) => p.name));
      },
    },
    {
      method: 'PUT', path: `${USER_PATH}/policies/{policyName}`,
      run: async (c) => {
        const document = await c.text();
        return ok(await t.putUserPolicy(c.principal, (await userOf(t, c)).id, name(c), document));
      },
    },
    { method: 'GET', path: `${USER_PATH}/policies/{policyName}`, run: async (c) => ok(await t.getUserPolicy(c.principal, (await userOf(t, c)).id, name(c))) },
    {
      method: 'DELETE', path: `${USER_PATH}/policies/{policyName}`,
      run: async (c) => {
        await t.deleteUserPolicy(c.principal, (await userOf(t, c)).id, name(c));
        return noContent();
      },
    },
  ];
}
