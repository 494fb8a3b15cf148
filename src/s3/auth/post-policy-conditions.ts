/**
 * The POST policy document: parsing, and checking its conditions against the
 * form, as AWS does for browser uploads.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
 */
import { fail, type AppError } from '../../core/errors.js';

export type PostPolicyCondition =
  | { kind: 'eq'; field: string; value: string }
  | { kind: 'starts-with'; field: string; value: string }
  | { kind: 'content-length-range'; min: number; max: number };

export interface ContentLengthRange {
  min: number;
  max: number;
}

export interface PostPolicyConditions {
  readonly expiration: Date;
  readonly conditions: readonly PostPolicyCondition[];
  /** The intersection of every content-length-range condition, if any; lets the caller stop reading early. */
  readonly contentLengthRange: ContentLengthRange | undefined;
  /** Call with the received file size; throws EntityTooSmall / EntityTooLarge. */
  checkContentLength(size: number): void;
}

export interface PostPolicyDocument {
  expiration: Date;
  conditions: PostPolicyCondition[];
}

/** Form fields that need no condition, per the AWS documentation. */
function isExempt(field: string): boolean {
  return field === 'x-amz-signature' || field === 'file' || field === 'policy' || field.startsWith('x-ignore-');
}

function invalidPolicy(message: string): AppError {
  return fail('InvalidArgument', `Invalid Policy: ${message}`, { details: { ArgumentName: 'policy' } });
}

function denied(message: string): AppError {
  return fail('AccessDenied', `Invalid according to Policy: ${message}`);
}

function scalar(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidPolicy(`Invalid ${what}: ${JSON.stringify(value)}`);
}

function fieldName(raw: string): string {
  return (raw.startsWith('$') ? raw.slice(1) : raw).toLowerCase();
}

function lengthBound(value: unknown): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw invalidPolicy(`Invalid content-length-range bound: ${JSON.stringify(value)}`);
  }
  return n;
}

function parseCondition(raw: unknown, out: PostPolicyCondition[]): void {
  if (Array.isArray(raw)) {
    const op = typeof raw[0] === 'string' ? raw[0].toLowerCase() : '';
    if (raw.length !== 3) throw invalidPolicy(`Invalid condition: ${JSON.stringify(raw)}`);
    if (op === 'content-length-range') {
      const min = lengthBound(raw[1]);
      const max = lengthBound(raw[2]);
      if (min > max) throw invalidPolicy(`Invalid content-length-range: ${JSON.stringify(raw)}`);
      out.push({ kind: 'content-length-range', min, max });
      return;
    }
    if (op !== 'eq' && op !== 'starts-with') throw invalidPolicy(`Invalid condition type: ${JSON.stringify(raw[0])}`);
    if (typeof raw[1] !== 'string' || !raw[1].startsWith('$') || raw[1].length < 2) {
      throw invalidPolicy(`Invalid condition field: ${JSON.stringify(raw[1])}`);
    }
    out.push({ kind: op, field: fieldName(raw[1]), value: scalar(raw[2], 'condition value') });
    return;
  }
  if (raw !== null && typeof raw === 'object') {
    // {"acl": "public-read"} is an exact match; several keys are several matches.
    for (const [name, value] of Object.entries(raw)) {
      out.push({ kind: 'eq', field: fieldName(name), value: scalar(value, 'condition value') });
    }
    return;
  }
  throw invalidPolicy(`Invalid condition: ${JSON.stringify(raw)}`);
}

export function parsePolicyDocument(policyBase64: string): PostPolicyDocument {
  if (!/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(policyBase64)) throw invalidPolicy('Policy is not base64 encoded.');
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(policyBase64, 'base64').toString('utf8'));
  } catch {
    throw invalidPolicy('Invalid JSON.');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw invalidPolicy('Invalid JSON.');
  const { expiration, conditions } = doc as { expiration?: unknown; conditions?: unknown };
  if (typeof expiration !== 'string' || Number.isNaN(Date.parse(expiration))) {
    throw invalidPolicy(`Invalid 'expiration' value: ${JSON.stringify(expiration)}`);
  }
  if (!Array.isArray(conditions)) throw invalidPolicy("Policy missing 'conditions'.");
  const parsed: PostPolicyCondition[] = [];
  for (const c of conditions) parseCondition(c, parsed);
  return { expiration: new Date(Date.parse(expiration)), conditions: parsed };
}

function describe(c: PostPolicyCondition): string {
  if (c.kind === 'content-length-range') return `["content-length-range", ${c.min}, ${c.max}]`;
  return `[${JSON.stringify(c.kind)}, ${JSON.stringify('$' + c.field)}, ${JSON.stringify(c.value)}]`;
}

function matches(c: PostPolicyCondition & { kind: 'eq' | 'starts-with' }, actual: string): boolean {
  if (c.kind === 'eq') return actual === c.value;
  // AWS lets Content-Type be a comma-separated list, each entry matching the prefix.
  if (c.field === 'content-type') return actual.split(',').every((t) => t.trim().startsWith(c.value));
  return actual.startsWith(c.value);
}

/**
 * Checks every eq/starts-with condition, and that every form field (bar the
 * exempt ones) is named by some condition. `fields` has lower-case names.
 * The bucket condition is checked against the bucket the request targets.
 */
export function checkPolicyConditions(
  doc: PostPolicyDocument,
  fields: ReadonlyMap<string, string>,
  bucket: string,
): void {
  const covered = new Set<string>();
  for (const c of doc.conditions) {
    if (c.kind === 'content-length-range') continue;
    covered.add(c.field);
    const actual = c.field === 'bucket' ? bucket : (fields.get(c.field) ?? '');
    if (!matches(c, actual)) throw denied(`Policy Condition failed: ${describe(c)}`);
  }
  const extra = [...fields.keys()].filter((f) => !isExempt(f) && !covered.has(f));
  if (extra.length > 0) throw denied(`Extra input fields: ${extra.join(', ')}`);
}

export function makePolicyConditions(doc: PostPolicyDocument): PostPolicyConditions {
  let range: ContentLengthRange | undefined;
  for (const c of doc.conditions) {
    if (c.kind !== 'content-length-range') continue;
    range = range === undefined ? { min: c.min, max: c.max } : { min: Math.max(range.min, c.min), max: Math.min(range.max, c.max) };
  }
  const contentLengthRange = range;
  return {
    expiration: doc.expiration,
    conditions: doc.conditions,
    contentLengthRange,
    checkContentLength(size: number): void {
      if (contentLengthRange === undefined) return;
      if (size < contentLengthRange.min) {
        throw fail('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', {
          details: { ProposedSize: String(size), MinSizeAllowed: String(contentLengthRange.min) },
        });
      }
      if (size > contentLengthRange.max) {
        throw fail('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', {
          details: { ProposedSize: String(size), MaxSizeAllowed: String(contentLengthRange.max) },
        });
      }
    },
  };
}
