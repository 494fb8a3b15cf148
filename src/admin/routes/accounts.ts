/**
 * Partners (the operator's resellers) and customers (a partner's tenants). The tenancy
 * service enforces who may do what; this file maps JSON to its inputs and back.
 */
import { fail } from '../../core/errors.js';
import { ANALYTICS_QUOTAS, NO_QUOTAS, QUOTA_MINIMUMS, type Account, type AccountKind, type Brand, type CreateCustomerInput, type CreatePartnerInput, type Principal, type Quotas, type TenancyService, type UpdateCustomerInput, type UpdatePartnerInput } from '../../tenancy/model.js';
import { count, nested, object, oneOf, pageRequest, requiredStr, str, strList, zoneListOrNull, type Obj } from '../input.js';
import { created, noContent, ok, type AdminCall, type AdminRoute } from '../route.js';

const STATUSES = ['active', 'suspended'] as const;

function brandOf(o: Obj, fallbackName: string | undefined): Brand | undefined {
  const b = nested(o, 'brand', ['displayName', 'logoUrl', 'supportContact', 'colors', 'endpointHost']);
  if (!b) return undefined;
  const colors = nested(b, 'colors', ['primary', 'accent']);
  const displayName = str(b, 'displayName') ?? fallbackName;
  if (displayName === undefined) throw fail('InvalidArgument', '"brand.displayName" is required when the partner has no display name.', { details: { ArgumentName: 'brand.displayName' } });
  const brand: Brand = { displayName };
  const logoUrl = str(b, 'logoUrl');
  const supportContact = str(b, 'supportContact');
  const endpointHost = str(b, 'endpointHost');
  if (logoUrl !== undefined) brand.logoUrl = logoUrl;
  if (supportContact !== undefined) brand.supportContact = supportContact;
  if (endpointHost !== undefined) brand.endpointHost = endpointHost;
  if (colors) {
    const primary = str(colors, 'primary');
    const accent = str(colors, 'accent');
    brand.colors = { ...(primary !== undefined ? { primary } : {}), ...(accent !== undefined ? { accent } : {}) };
  }
  return brand;
}

function quotasOf(o: Obj): Partial<Quotas> | undefined {
  const fields = Object.keys(NO_QUOTAS) as (keyof Quotas)[];
  const q = nested(o, 'quotas', fields);
  if (!q) return undefined;
  const out: Partial<Quotas> = {};
  for (const f of fields) {
    const v = count(q, f, { nullable: true, min: QUOTA_MINIMUMS[f], ...(ANALYTICS_QUOTAS.includes(f) ? { nullMeans: "the server's limit" } : {}) });
    if (v !== undefined) out[f] = v;
  }
  return out;
}

/** Copies the defined values only, so "absent" never becomes "set to undefined". */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function partnerInput(body: unknown): CreatePartnerInput {
  const o = object(body, ['name', 'displayName', 'regions', 'brand']);
  const regions = strList(o, 'regions');
  if (regions === undefined) throw fail('InvalidArgument', '"regions" is required: the regions the partner is licensed to sell.', { details: { field: 'regions' } });
  const displayName = str(o, 'displayName');
  return defined({ name: requiredStr(o, 'name'), displayName, regions, brand: brandOf(o, displayName) });
}

export function partnerPatch(body: unknown, current: Account): UpdatePartnerInput {
  const o = object(body, ['displayName', 'regions', 'brand', 'status']);
  const displayName = str(o, 'displayName');
  return defined({ displayName, regions: strList(o, 'regions'), brand: brandOf(o, displayName ?? current.brand?.displayName ?? current.displayName), status: oneOf(o, 'status', STATUSES) });
}

export function customerPatch(body: unknown): UpdateCustomerInput {
  const o = object(body, ['displayName', 'regions', 'quotas', 'defaultResidency', 'mandatoryResidency', 'status']);
  return defined({
    displayName: str(o, 'displayName'), regions: strList(o, 'regions'), quotas: quotasOf(o),
    defaultResidency: zoneListOrNull(o, 'defaultResidency'), mandatoryResidency: zoneListOrNull(o, 'mandatoryResidency'), status: oneOf(o, 'status', STATUSES),
  });
}

/** The account of `kind` the caller may see by this id or name; another kind answers as missing. */
export async function accountOfKind(t: TenancyService, actor: Principal, idOrName: string, kind: AccountKind): Promise<Account> {
  const a = await t.getAccount(actor, idOrName);
  if (a.kind !== kind) throw fail('NoSuchAccount', `There is no ${kind} ${idOrName}.`, { details: { account: idOrName } });
  return a;
}

export function accountRoutes(t: TenancyService): AdminRoute[] {
  const named = (c: AdminCall) => c.params['idOrName'] ?? '';
  return [
    {
      method: 'POST', path: '/partners',
      run: async (c) => created(await t.createPartner(c.principal, partnerInput(await c.body()))),
    },
    {
      method: 'GET', path: '/partners',
      run: async (c) => ok(await t.listAccounts(c.principal, { kind: 'partner', ...pageRequest(c.query) })),
    },
    { method: 'GET', path: '/partners/{idOrName}', run: async (c) => ok(await accountOfKind(t, c.principal, named(c), 'partner')) },
    {
      method: 'PATCH', path: '/partners/{idOrName}',
      run: async (c) => {
        const body = await c.body();
        const a = await accountOfKind(t, c.principal, named(c), 'partner');
        return ok(await t.updatePartner(c.principal, a.id, partnerPatch(body, a)));
      },
    },
    {
      method: 'DELETE', path: '/partners/{idOrName}',
      run: async (c) => {
        await t.deleteAccount(c.principal, (await accountOfKind(t, c.principal, named(c), 'partner')).id);
        return noContent();
      },
    },
    {
      method: 'POST', path: '/customers',
      run: async (c) => {
        const o = object(await c.body(), ['name', 'displayName', 'partner', 'regions', 'quotas', 'defaultResidency', 'mandatoryResidency']);
        const partner = str(o, 'partner');
        const input: CreateCustomerInput = defined({
          name: requiredStr(o, 'name'), displayName: str(o, 'displayName'), regions: strList(o, 'regions'), quotas: quotasOf(o),
          defaultResidency: zoneListOrNull(o, 'defaultResidency'), mandatoryResidency: zoneListOrNull(o, 'mandatoryResidency'),
        });
        if (partner !== undefined) input.partnerId = (await accountOfKind(t, c.principal, partner, 'partner')).id;
        else if (c.principal.accountKind === 'operator') throw fail('InvalidArgument', '"partner" is required when the operator creates a customer: the partner (id or name) it belongs to.', { details: { ArgumentName: 'partner' } });
        return created(await t.createCustomer(c.principal, input));
      },
    },
    {
      method: 'GET', path: '/customers',
      run: async (c) => {
        const page = pageRequest(c.query);
        const partner = c.query.get('partner');
        const parentId = partner ? (await accountOfKind(t, c.principal, partner, 'partner')).id : undefined;
        return ok(await t.listAccounts(c.principal, { kind: 'customer', ...(parentId ? { parentId } : {}), ...page }));
      },
    },
    { method: 'GET', path: '/customers/{idOrName}', run: async (c) => ok(await accountOfKind(t, c.principal, named(c), 'customer')) },
    {
      method: 'PATCH', path: '/customers/{idOrName}',
      run: async (c) => {
        const patch = customerPatch(await c.body());
        const a = await accountOfKind(t, c.principal, named(c), 'customer');
        return ok(await t.updateCustomer(c.principal, a.id, patch));
      },
    },
    {
      method: 'DELETE', path: '/customers/{idOrName}',
      run: async (c) => {
        await t.deleteAccount(c.principal, (await accountOfKind(t, c.principal, named(c), 'customer')).id);
        return noContent();
      },
    },
  ];
}
