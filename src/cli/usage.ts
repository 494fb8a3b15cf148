/**
 * `sovra usage`: metered usage through the admin API (GET /admin/v1/usage), as a table of
 * account, bucket, region, meter, time and quantity (never object keys), or --json.
 */
import type { UsagePage, UsageQuery, UsageRow } from '../client/admin-types.js';
import { listOpt, runVerb, stringOpt, type AdminIo, type Verb } from './admin-command.js';
import { reportFailure, table, UsageError, type Env } from './admin-connection.js';
import { parseList } from './admin-format.js';

const GRANULARITIES = ['hour', 'day', 'month', 'total'] as const;

/** 1234567 -> '1,234,567': usage quantities are long whole numbers. */
export function groupDigits(n: string): string {
  const neg = n.startsWith('-');
  const digits = neg ? n.slice(1) : n;
  return (neg ? '-' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The current UTC month, 'YYYY-MM'. */
function thisMonth(now = new Date()): string {
  return now.toISOString().slice(0, 7);
}

export function usageTable(rows: readonly UsageRow[]): string {
  return table(['ACCOUNT', 'BUCKET', 'REGION', 'METER', 'START', 'QUANTITY', 'UNIT'],
    rows.map((r) => [r.accountId, r.bucket, r.region, r.meter, r.start.replace('T', ' ').replace(':00:00Z', ':00Z'), groupDigits(r.quantity), r.unit]));
}

export const usageVerb: Verb = {
  synopsis: '',
  help: `Metered usage, summed per account, bucket, region and meter over hours, days, months or the whole window.
The operator sees every account, a partner itself and its customers, a customer itself. Rows never carry object keys.

Options:
  --account ACCOUNT        Only this account (id or name)
  --bucket BUCKET          Only this bucket
  --region REGION          Only this region
  --meter METER            Only these meters (comma-separated or repeated): requests.write, requests.read, bytes.in,
                           bytes.out, bytes.replicated, storage.byte_hours, objects, analytics.bytes_scanned,
                           analytics.query_seconds
  --period YYYY-MM         A month (default: the current one)
  --from HOUR --to HOUR    Or a window of whole UTC hours, e.g. 2026-03-01T00:00:00Z (to is exclusive)
  --granularity G          hour, day (default), month or total

Example:
  sovra usage --account acme --period 2026-03 --granularity total`,
  positionals: [],
  options: {
    account: { type: 'string' }, bucket: { type: 'string' }, region: { type: 'string' }, meter: { type: 'string', multiple: true },
    period: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, granularity: { type: 'string' },
  },
  async run(ctx) {
    const q: UsageQuery = {};
    for (const k of ['account', 'bucket', 'region', 'from', 'to', 'period'] as const) {
      const v = stringOpt(ctx, k);
      if (v !== undefined) q[k] = v;
    }
    if ((q.from === undefined) !== (q.to === undefined)) throw new UsageError('--from and --to go together (or use --period)');
    if (q.from === undefined && q.period === undefined) q.period = thisMonth();
    const g = stringOpt(ctx, 'granularity');
    if (g !== undefined) {
      if (!(GRANULARITIES as readonly string[]).includes(g)) throw new UsageError(`--granularity must be one of ${GRANULARITIES.join(', ')}, not '${g}'`);
      q.granularity = g as UsageQuery['granularity'];
    }
    const meters = listOpt(ctx, 'meter');
    if (meters) q.meters = parseList(meters, '--meter');
    const items: UsageRow[] = [];
    let page: UsagePage;
    let cursor: string | undefined;
    do {
      page = await ctx.client.getUsage(q, { limit: 1000, ...(cursor !== undefined ? { cursor } : {}) });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    const doc = { from: page.from, to: page.to, granularity: page.granularity, items };
    ctx.print(doc, `Usage ${page.from} to ${page.to} (${page.granularity})\n\n${items.length === 0 ? 'No usage.' : usageTable(items)}`);
  },
};

export const USAGE_USAGE = `Usage: sovra usage [options]\n\n${usageVerb.help}`;

/** Runs `sovra usage ...` (args after `usage`); returns the exit code. */
export async function runUsageCommand(args: string[], env: Env, io: Omit<AdminIo, 'readStdin'>): Promise<number> {
  try {
    return await runVerb(usageVerb, args, env, { ...io, readStdin: async () => '' }, 'usage');
  } catch (e) {
    return reportFailure(e, 'usage', io);
  }
}
