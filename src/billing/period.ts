/**
 * Billing months and hours, all in UTC. Usage is metered per hour, so every instant
 * billing deals with (usage hours, price-book validity bounds, coverage windows)
 * must fall on a whole UTC hour; times travel as ISO strings ('2026-03-01T00:00:00Z').
 */
import { fail } from '../core/errors.js';

export const HOUR_MS = 3_600_000;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

function invalid(argument: string, message: string, value?: unknown): never {
  const details: Record<string, string> = { ArgumentName: argument };
  if (typeof value === 'string') details.ArgumentValue = value;
  throw fail('InvalidArgument', message, { details });
}

/** A billing month 'YYYY-MM' as its UTC bounds [from, to) in epoch ms, and its length in hours. */
export interface MonthRange {
  month: string;
  from: number;
  to: number;
  hours: number;
}

/** Parses 'YYYY-MM' (e.g. '2026-03') into its UTC bounds; anything else is InvalidArgument. */
export function monthRange(month: unknown, argument = 'period'): MonthRange {
  const m = typeof month === 'string' ? MONTH.exec(month) : null;
  if (!m) invalid(argument, `${argument} must be a month 'YYYY-MM' (got '${String(month)}').`, month);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const from = Date.UTC(y, mo - 1, 1);
  const to = Date.UTC(y, mo, 1);
  return { month: month as string, from, to, hours: (to - from) / HOUR_MS };
}

/** Hours in a billing month: 744 for March, 720 for April, 672 or 696 for February. */
export function hoursInMonth(month: string): number {
  return monthRange(month).hours;
}

/** Parses an ISO-8601 UTC instant that falls on a whole hour into epoch ms. */
export function parseHour(text: unknown, argument = 'hour'): number {
  if (typeof text !== 'string' || !INSTANT.test(text)) {
    invalid(argument, `${argument} must be a UTC instant such as '2026-03-01T00:00:00Z' (got '${String(text)}').`, text);
  }
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) invalid(argument, `${argument} '${text}' is not a valid date.`, text);
  if (ms % HOUR_MS !== 0) invalid(argument, `${argument} '${text}' must fall on a whole UTC hour.`, text);
  return ms;
}

/** Epoch ms (or a Date, or an ISO string) as epoch ms; used for `now` arguments. */
export function toMs(t: unknown, argument = 'now'): number {
  const ms = t instanceof Date ? t.getTime() : typeof t === 'string' ? Date.parse(t) : typeof t === 'number' ? t : NaN;
  if (!Number.isFinite(ms)) invalid(argument, `${argument} must be a date (got '${String(t)}').`);
  return ms;
}

/** Epoch ms as '2026-03-01T00:00:00Z' (no milliseconds). */
export function isoHour(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
