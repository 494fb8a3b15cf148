/**
 * GET /usage: metered usage by account, bucket, region, meter and time, summed per hour,
 * day, month or over the whole window. Rows name account, bucket, region, meter and time
 * only, never an object key. Who sees what is the billing service's (the operator all,
 * a partner its own and its customers', a customer its own).
 */
import { fail } from '../../core/errors.js';
import type { BillingService } from '../../billing/billing-service.js';
import { meterDef } from '../../billing/meters.js';
import { monthRange, isoHour } from '../../billing/period.js';
import { pageRequest } from '../input.js';
import { pageOf } from '../page.js';
import { ok, type AdminRoute } from '../route.js';

const QUERY = ['account', 'bucket', 'region', 'meter', 'from', 'to', 'period', 'granularity', 'limit', 'cursor'];

export function usageRoutes(b: BillingService): AdminRoute[] {
  return [
    {
      method: 'GET', path: '/usage',
      run: async (c) => {
        const q = c.query;
        const unknown = [...new Set(q.keys())].filter((k) => !QUERY.includes(k));
        if (unknown.length > 0) throw fail('InvalidArgument', `Unknown query parameter ${unknown.join(', ')}; allowed: ${QUERY.join(', ')}.`, { details: { ArgumentName: unknown[0]! } });
        const get = (k: string) => q.get(k) ?? undefined;
        let from = get('from');
        let to = get('to');
        const period = get('period');
        if (period !== undefined) {
          if (from !== undefined || to !== undefined) throw fail('InvalidArgument', 'Give either period or from and to.', { details: { ArgumentName: 'period' } });
          const m = monthRange(period);
          from = isoHour(m.from);
          to = isoHour(m.to);
        }
        if (from === undefined || to === undefined) {
          throw fail('InvalidArgument', 'from and to are required (whole UTC hours, e.g. from=2026-03-01T00:00:00Z), or period=YYYY-MM.', { details: { ArgumentName: from === undefined ? 'from' : 'to' } });
        }
        const meters = q.getAll('meter').flatMap((m) => m.split(',')).filter((m) => m !== '');
        const account = get('account');
        const bucket = get('bucket');
        const region = get('region');
        const granularity = get('granularity');
        const result = await b.usage(c.principal, {
          from, to, ...(account ? { account } : {}), ...(bucket ? { bucket } : {}), ...(region ? { region } : {}), ...(meters.length > 0 ? { meters } : {}),
          ...(granularity ? { granularity } : {}),
        });
        const rows = result.rows.map((r) => ({ ...r, quantity: r.quantity.toString(), unit: meterDef(r.meter).baseUnit }));
        const page = pageOf(rows, pageRequest(q), (r) => `${r.accountId}/${r.bucket}/${r.region}/${r.meter}/${r.start}`);
        return ok({ from: result.from, to: result.to, granularity: result.granularity, ...page });
      },
    },
  ];
}
