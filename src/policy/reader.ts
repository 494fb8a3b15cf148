import type { Node } from 'jsonc-parser';
import type { PolicyError, TextPositions } from './errors.js';

/** One property of a JSON object, with the nodes of its name and its value. */
export interface Field {
  name: string;
  key: Node;
  value: Node;
}

/**
 * Reads a parsed JSON tree with errors that point at the offending node. Every
 * check of the policy grammar goes through here so that each refusal names the
 * line and column of the element at fault.
 */
export class Reader {
  constructor(private readonly pos: TextPositions) {}

  error(node: Node, reason: string): PolicyError {
    return this.pos.error(node.offset, reason);
  }

  /** The properties of an object, refusing duplicates (JSON.parse would silently keep the last). */
  entries(node: Node, where: string): Field[] {
    if (node.type !== 'object') throw this.error(node, `${where} must be a JSON object, got ${describe(node)}`);
    const seen = new Set<string>();
    const out: Field[] = [];
    for (const prop of node.children ?? []) {
      const [key, value] = prop.children ?? [];
      if (!key || !value) throw this.error(prop, `${where} has a property without a value`);
      const name = String(key.value);
      if (seen.has(name)) throw this.error(key, `duplicate field "${name}" in ${where}`);
      seen.add(name);
      out.push({ name, key, value });
    }
    return out;
  }

  /** Like entries(), refusing names outside `allowed` (with a hint when only the case is wrong). */
  fields(node: Node, where: string, allowed: readonly string[]): Map<string, Field> {
    const out = new Map<string, Field>();
    for (const f of this.entries(node, where)) {
      if (!allowed.includes(f.name)) {
        const fix = allowed.find((a) => a.toLowerCase() === f.name.toLowerCase());
        const hint = fix ? `field names are case-sensitive: write "${fix}"` : `allowed fields: ${allowed.join(', ')}`;
        throw this.error(f.key, `unknown field "${f.name}" in ${where}; ${hint}`);
      }
      out.set(f.name, f);
    }
    return out;
  }

  string(node: Node, where: string): string {
    if (node.type !== 'string') throw this.error(node, `${where} must be a string, got ${describe(node)}`);
    return node.value as string;
  }

  /** A string, or a non-empty array of strings, as IAM accepts for Action, Resource and principals. */
  strings(node: Node, where: string): { value: string; node: Node }[] {
    if (node.type === 'string') return [{ value: node.value as string, node }];
    if (node.type !== 'array') {
      throw this.error(node, `${where} must be a string or an array of strings, got ${describe(node)}`);
    }
    const items = node.children ?? [];
    if (items.length === 0) throw this.error(node, `${where} must not be an empty array`);
    return items.map((item, i) => ({ value: this.string(item, `${where}[${i}]`), node: item }));
  }
}

/** How a node reads in an error message: 'a number (12)', 'an array', 'null'. */
export function describe(node: Node): string {
  switch (node.type) {
    case 'string':
      return `a string ("${String(node.value)}")`;
    case 'number':
      return `a number (${String(node.value)})`;
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
    case 'array':
      return 'an array';
    case 'object':
      return 'an object';
    default:
      return node.type;
  }
}
