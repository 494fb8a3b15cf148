import type { Node } from 'jsonc-parser';
import { CONDITION_KEYS, OPERATORS, lookupKey, lookupOperator, type OperatorInfo } from './keys.js';
import { describe, type Reader } from './reader.js';
import type { Condition } from './types.js';
import { parseBool, parseCidr, parseDate, parseNumber } from './values.js';

/** Condition: { "Operator[IfExists]": { "key": value | [values] } } → one Condition per key. */
export function readConditions(r: Reader, node: Node, where: string): Condition[] {
  const out: Condition[] = [];
  for (const opField of r.entries(node, where)) {
    const { op, ifExists } = operator(r, opField.name, opField.key);
    const opWhere = `${where}.${opField.name}`;
    const keys = r.entries(opField.value, opWhere);
    if (keys.length === 0) throw r.error(opField.value, `${opWhere} tests no condition key`);
    for (const k of keys) {
      const key = lookupKey(k.name);
      if (!key) {
        throw r.error(k.key, `unsupported condition key "${k.name}"; supported keys: ${Object.keys(CONDITION_KEYS).join(', ')}`);
      }
      if (op.type !== 'null' && op.type !== 'string' && !key.types.includes(op.type)) {
        throw r.error(k.key, `${op.name} cannot test ${key.name}, whose values are ${key.types.join(' or ')}`);
      }
      const values = readValues(r, k.value, `${opWhere}.${k.name}`).map(({ value, node: v }) => {
        checkValue(r, op, value, v);
        return value;
      });
      out.push({ operator: op.name, ifExists, key: k.name.toLowerCase(), values });
    }
  }
  return out;
}

function operator(r: Reader, name: string, node: Node): { op: OperatorInfo; ifExists: boolean } {
  const colon = name.indexOf(':');
  if (colon >= 0) {
    const qualifier = name.slice(0, colon);
    if (/^(ForAnyValue|ForAllValues)$/i.test(qualifier)) {
      throw r.error(node, `set qualifiers (${qualifier}:) are not supported: every supported condition key has a single value`);
    }
    throw r.error(node, `unknown condition operator "${name}"`);
  }
  const ifExists = /IfExists$/i.test(name) && name.length > 'IfExists'.length;
  const op = lookupOperator(ifExists ? name.slice(0, -'IfExists'.length) : name);
  if (!op) throw r.error(node, `unknown condition operator "${name}"; supported: ${OPERATORS.join(', ')} (each also with IfExists, except Null)`);
  if (ifExists && op.type === 'null') throw r.error(node, `"${name}": Null takes no IfExists suffix`);
  return { op, ifExists };
}

/** A condition value: string, number or boolean, or a non-empty array of them; kept as text. */
function readValues(r: Reader, node: Node, where: string): { value: string; node: Node }[] {
  const scalar = (n: Node, w: string): { value: string; node: Node } => {
    if (n.type === 'string' || n.type === 'number' || n.type === 'boolean') return { value: String(n.value), node: n };
    throw r.error(n, `${w} must be a string, number or boolean, got ${describe(n)}`);
  };
  if (node.type !== 'array') return [scalar(node, where)];
  const items = node.children ?? [];
  if (items.length === 0) throw r.error(node, `${where} must list at least one value`);
  return items.map((n, i) => scalar(n, `${where}[${i}]`));
}

function checkValue(r: Reader, op: OperatorInfo, value: string, node: Node): void {
  switch (op.type) {
    case 'numeric':
      if (parseNumber(value) === undefined) throw r.error(node, `${op.name} needs a number, got "${value}"`);
      return;
    case 'date':
      if (parseDate(value) === undefined) {
        throw r.error(node, `${op.name} needs an ISO 8601 date (2026-01-31T12:00:00Z) or epoch seconds, got "${value}"`);
      }
      return;
    case 'bool':
    case 'null':
      if (parseBool(value) === undefined) throw r.error(node, `${op.name} needs "true" or "false", got "${value}"`);
      return;
    case 'ip':
      if (!parseCidr(value)) throw r.error(node, `${op.name} needs an IP address or CIDR block (203.0.113.0/24, 2001:db8::/32), got "${value}"`);
      return;
    case 'string':
      return;
  }
}
