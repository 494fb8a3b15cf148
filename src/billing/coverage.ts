/**
 * Coverage: which partner billed a customer during which hours of a month, from the
 * customer's partner history (the moves recorded by tenancy). Each partner invoices its
 * own hours, retail and wholesale alike. A customer moves at most once per billing month,
 * so a partner's share of a month is one run of hours.
 */
import { isoHour, monthRange } from './period.js';

/** One move: from hour `at` on, `toPartnerId` bills the customer instead of `fromPartnerId`. */
export interface PartnerMove {
  at: string;
  fromPartnerId: string;
  toPartnerId: string;
}

export interface CoverageWindow {
  partnerId: string;
  /** Whole UTC hours [from, to) inside the month. */
  from: string;
  to: string;
  /** True when the window is the whole month. */
  wholeMonth: boolean;
}

/**
 * The partners of a customer during `period`, each with its hours. `currentPartnerId`
 * is the customer's parent now (after the last move); `moves` are oldest first.
 */
export function coverageWindows(period: string, currentPartnerId: string, moves: readonly PartnerMove[]): CoverageWindow[] {
  const month = monthRange(period);
  const sorted = [...moves].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  // Spans of the whole history: before the first move, the first move's "from" partner.
  const spans: { partnerId: string; from: number; to: number }[] = [];
  let from = -Infinity;
  let partner = sorted[0]?.fromPartnerId ?? currentPartnerId;
  for (const m of sorted) {
    const at = Date.parse(m.at);
    spans.push({ partnerId: partner, from, to: at });
    from = at;
    partner = m.toPartnerId;
  }
  spans.push({ partnerId: partner, from, to: Infinity });
  const out: CoverageWindow[] = [];
  for (const s of spans) {
    const a = Math.max(s.from, month.from);
    const b = Math.min(s.to, month.to);
    if (a >= b) continue;
    const last = out.at(-1);
    // Two spans of one partner back to back (a move away and back at the same hour cannot happen; kept for safety).
    if (last && last.partnerId === s.partnerId && Date.parse(last.to) === a) {
      last.to = isoHour(b);
      last.wholeMonth = Date.parse(last.from) === month.from && b === month.to;
      continue;
    }
    out.push({ partnerId: s.partnerId, from: isoHour(a), to: isoHour(b), wholeMonth: a === month.from && b === month.to });
  }
  return out;
}

/** The window of `partnerId` in `period`, if it billed the customer then. */
export function windowOf(period: string, partnerId: string, currentPartnerId: string, moves: readonly PartnerMove[]): CoverageWindow | undefined {
  return coverageWindows(period, currentPartnerId, moves).find((w) => w.partnerId === partnerId);
}
