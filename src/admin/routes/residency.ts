/**
 * Residency policies: a bucket's (its owner account's admins or the operator's) and an
 * account's mandatory one (read by the admins of the account, its partner and the operator;
 * set by the same, a customer's through TenancyService.updateCustomer so the hierarchy's
 * rules apply; the operator's and partners' own only by the operator's admins).
 */
import { fail } from '../../core/errors.js';
import type { Placement } from '../../placement/regional-storage.js';
import type { Account, Principal, TenancyService } from '../../tenancy/model.js';
import { zonesField } from '../json.js';
import { ok, type AdminCall, type AdminRoute } from '../route.js';

const denied = (message = 'Access Denied') => fail('AccessDenied', message);

/** Administrators of the account, of its parent, or of the operator. */
function mayReadAccount(p: Principal, a: Account): boolean {
  return p.admin && (p.accountKind === 'operator' || a.parentId === p.accountId || a.id === p.accountId);
}

async function ownedBucket(placement: Placement, c: AdminCall, name: string): Promise<void> {
  const entry = await placement.lookupBucket(name);
  const p = c.principal;
  if (!p.admin || (p.accountKind !== 'operator' && entry.owner !== p.accountId)) throw fail('AccessDenied', 'Access Denied', { resource: `/${name}` });
}

/** A bucket's policy: served by the node holding the bucket (the check of its replication rules needs its engine). */
export function bucketResidencyRoutes(placement: Placement): AdminRoute[] {
  return [
    {
      method: 'GET', path: '/buckets/{bucket}/residency',
      run: async (c) => {
        const name = c.params['bucket'] ?? '';
        await ownedBucket(placement, c, name);
        return ok(await placement.getResidency(name));
      },
    },
    {
      method: 'PUT', path: '/buckets/{bucket}/residency',
      run: async (c) => {
        const name = c.params['bucket'] ?? '';
        const zones = zonesField(await c.body());
        await ownedBucket(placement, c, name);
        return ok(await placement.putResidency(name, zones ?? undefined));
      },
    },
  ];
}

/** An account's mandatory policy: served where the accounts are. */
export function accountResidencyRoutes(placement: Placement, tenancy: TenancyService): AdminRoute[] {
  /** The account the path names, if the caller may see its residency. */
  async function account(c: AdminCall): Promise<Account> {
    const record = await tenancy.getAccount(c.principal, c.params['account'] ?? '');
    if (!mayReadAccount(c.principal, record)) throw denied();
    return record;
  }

  return [
    {
      method: 'GET', path: '/accounts/{account}/residency',
      run: async (c) => {
        const { id } = await account(c);
        return ok({ account: id, mandatory: (await placement.getAccountResidency(id)) ?? null });
      },
    },
    {
      method: 'PUT', path: '/accounts/{account}/residency',
      run: async (c) => {
        const zones = zonesField(await c.body());
        const { id, kind } = await account(c);
        if (kind === 'customer') {
          const updated = await tenancy.updateCustomer(c.principal, id, { mandatoryResidency: zones });
          return ok({ account: id, mandatory: updated.mandatoryResidency ?? null });
        }
        if (c.principal.accountKind !== 'operator') throw denied("Only the operator's administrators may set a partner's or the operator's mandatory residency policy.");
        return ok({ account: id, mandatory: (await placement.putAccountResidency(id, zones ?? undefined)) ?? null });
      },
    },
  ];
}
