import { BlockList, isIP } from 'node:net';
import { lookupOperator } from './keys.js';
import { compile, matches, substitute, type Compiled, type Resolver } from './match.js';
import type { Condition, ConditionContext } from './types.js';
import { parseBool, parseCidr, parseDate, parseNumber } from './values.js';

/**
 * Condition evaluation with IAM semantics: every condition of a statement must hold
 * (operators AND, keys AND); the values listed for one key are alternatives (OR), and
 * a negated operator holds when none of them matches. A key absent from the request
 * makes a condition false, except that negated operators and ...IfExists then hold,
 * and Null tests exactly that absence.
 */
export function conditionsHold(conditions: readonly Condition[], ctx: ConditionContext, resolve?: Resolver): boolean {
  return conditions.every((c) => conditionHolds(c, ctx, resolve));
}

export function conditionHolds(c: Condition, ctx: ConditionContext, resolve?: Resolver): boolean {
  const op = lookupOperator(c.operator);
  if (!op) return false; // a parsed policy never gets here; refuse to grant on the unknown
  const actual = contextValues(ctx, c.key);
  if (op.type === 'null') return c.values.some((v) => parseBool(v) === (actual.length === 0));
  if (actual.length === 0) return c.ifExists || op.negated;
  const test = tester(c, op.name, resolve);
  // A policy value whose variable cannot be resolved makes the condition fail, whatever the operator.
  if (!test) return false;
  const any = actual.some(test);
  return op.negated ? !any : any;
}

/** The request's values for `key`: none when absent (undefined or an empty list). */
export function contextValues(ctx: ConditionContext, key: string): readonly string[] {
  const v = ctx[key];
  if (v === undefined) return [];
  return typeof v === 'string' ? [v] : v;
}

/** Whether one request value matches any of the condition's values, under the positive form of the operator. */
function tester(c: Condition, operator: string, resolve?: Resolver): ((actual: string) => boolean) | undefined {
  switch (operator) {
    case 'StringEquals':
    case 'StringNotEquals': {
      const want = expandAll(c.values, (v) => substitute(v, resolve));
      return want && ((a) => want.includes(a));
    }
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase': {
      const want = expandAll(c.values, (v) => substitute(v, resolve)?.toLowerCase());
      return want && ((a) => want.includes(a.toLowerCase()));
    }
    case 'StringLike':
    case 'StringNotLike': {
      const patterns = expandAll<Compiled>(c.values, (v) => compile(v, resolve));
      return patterns && ((a) => patterns.some((p) => matches(p, a)));
    }
    case 'NumericEquals':
    case 'NumericNotEquals':
      return ordered(c.values, parseNumber, (a, b) => a === b);
    case 'NumericLessThan':
      return ordered(c.values, parseNumber, (a, b) => a < b);
    case 'NumericLessThanEquals':
      return ordered(c.values, parseNumber, (a, b) => a <= b);
    case 'NumericGreaterThan':
      return ordered(c.values, parseNumber, (a, b) => a > b);
    case 'NumericGreaterThanEquals':
      return ordered(c.values, parseNumber, (a, b) => a >= b);
    case 'DateEquals':
    case 'DateNotEquals':
      return ordered(c.values, parseDate, (a, b) => a === b);
    case 'DateLessThan':
      return ordered(c.values, parseDate, (a, b) => a < b);
    case 'DateLessThanEquals':
      return ordered(c.values, parseDate, (a, b) => a <= b);
    case 'DateGreaterThan':
      return ordered(c.values, parseDate, (a, b) => a > b);
    case 'DateGreaterThanEquals':
      return ordered(c.values, parseDate, (a, b) => a >= b);
    case 'Bool': {
      const want = c.values.map(parseBool);
      return (a) => {
        const b = parseBool(a);
        return b !== undefined && want.includes(b);
      };
    }
    case 'IpAddress':
    case 'NotIpAddress': {
      const list = blockList(c);
      return (a) => {
        const family = isIP(a);
        return family !== 0 && list.check(a, family === 4 ? 'ipv4' : 'ipv6');
      };
    }
    default:
      return undefined;
  }
}

function expandAll<T>(values: readonly string[], f: (v: string) => T | undefined): T[] | undefined {
  const out: T[] = [];
  for (const v of values) {
    const x = f(v);
    if (x === undefined) return undefined;
    out.push(x);
  }
  return out;
}

/** Compares a request value with each policy value: request `cmp` policy. An unparsable request value matches nothing. */
function ordered(values: readonly string[], parse: (v: string) => number | undefined, cmp: (a: number, b: number) => boolean) {
  const want = values.map(parse).filter((n): n is number => n !== undefined);
  return (actual: string): boolean => {
    const a = parse(actual);
    return a !== undefined && want.some((b) => cmp(a, b));
  };
}

const lists = new WeakMap<Condition, BlockList>();

/** One BlockList per condition (built on first use): IPv4, IPv6, and IPv4-mapped IPv6 addresses. */
function blockList(c: Condition): BlockList {
  let list = lists.get(c);
  if (!list) {
    list = new BlockList();
    for (const v of c.values) {
      const cidr = parseCidr(v);
      if (cidr) list.addSubnet(cidr.address, cidr.prefix, cidr.family);
    }
    lists.set(c, list);
  }
  return list;
}
