import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { readActions, readPrincipal, readResources } from './elements.js';
import { TextPositions } from './errors.js';
import { readConditions } from './parse-condition.js';
import { Reader } from './reader.js';
import type { PolicyDocument, PolicyKind, Statement } from './types.js';

export interface ParsePolicyOptions {
  /** Largest accepted document in bytes (UTF-8); defaults per kind, see DEFAULT_MAX_BYTES. */
  maxBytes?: number;
  /**
   * For a bucket policy: the bucket it is attached to. Every Resource must then name that
   * bucket or objects in it, as S3's PutBucketPolicy requires.
   */
  bucket?: string;
}

/** S3 allows 20 KB per bucket policy; a user's identity policy gets 10 KB. */
export const DEFAULT_MAX_BYTES: Readonly<Record<PolicyKind, number>> = { bucket: 20480, identity: 10240 };

/** A policy needs six levels of nesting; deeper input is refused before the recursive parser sees it. */
const MAX_DEPTH = 32;

const VERSIONS = ['2012-10-17', '2008-10-17'] as const;
const TOP_FIELDS = ['Version', 'Id', 'Statement'];
const STATEMENT_FIELDS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

/**
 * Parses and validates a policy document. Throws PolicyError (code MalformedPolicy)
 * whose message starts with `line L, column C: ` for syntax and grammar errors alike.
 */
export function parsePolicy(text: string, kind: PolicyKind, opts: ParsePolicyOptions = {}): PolicyDocument {
  const pos = new TextPositions(text);
  const limit = opts.maxBytes ?? DEFAULT_MAX_BYTES[kind];
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limit) {
    throw pos.error(0, `the policy is too large: ${bytes} bytes, the limit for ${kind === 'bucket' ? 'a bucket' : 'an identity'} policy is ${limit} bytes`);
  }
  checkDepth(text, pos);
  // A byte-order mark is harmless; blank it (same length, so offsets stay right).
  const src = text.startsWith('\uFEFF') ? ` ${text.slice(1)}` : text;
  const errors: ParseError[] = [];
  const root = parseTree(src, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const { offset, reason } = syntaxError(src, first, root);
    throw pos.error(offset, reason);
  }
  if (!root) throw pos.error(0, 'the policy document is empty');
  return readDocument(new Reader(pos), root, kind, opts);
}

function readDocument(r: Reader, root: Node, kind: PolicyKind, opts: ParsePolicyOptions): PolicyDocument {
  if (root.type !== 'object') throw r.error(root, `a policy must be a JSON object, got ${root.type === 'array' ? 'an array' : root.type}`);
  const f = r.fields(root, 'the policy', TOP_FIELDS);
  const versionField = f.get('Version');
  if (!versionField) throw r.error(root, 'the policy has no "Version"; add "Version": "2012-10-17"');
  const version = r.string(versionField.value, 'Version');
  if (!(VERSIONS as readonly string[]).includes(version)) {
    throw r.error(versionField.value, `Version must be "2012-10-17" or "2008-10-17", got "${version}"`);
  }
  const doc: PolicyDocument = { version: version as PolicyDocument['version'], statements: [] };
  const id = f.get('Id');
  if (id) doc.id = r.string(id.value, 'Id');

  const st = f.get('Statement');
  if (!st) throw r.error(root, 'the policy has no "Statement"');
  let items: { node: Node; where: string }[];
  if (st.value.type === 'object') items = [{ node: st.value, where: 'Statement' }];
  else if (st.value.type === 'array') {
    const children = st.value.children ?? [];
    if (children.length === 0) throw r.error(st.value, 'Statement must not be an empty array');
    items = children.map((node, i) => ({ node, where: `Statement[${i}]` }));
  } else {
    throw r.error(st.value, 'Statement must be an object or an array of objects');
  }

  const sids = new Set<string>();
  for (const { node, where } of items) {
    const s = readStatement(r, node, where, kind, opts);
    if (s.sid !== undefined && s.sid !== '') {
      if (sids.has(s.sid)) throw r.error(node, `duplicate Sid "${s.sid}": statement ids must be unique within a policy`);
      sids.add(s.sid);
    }
    doc.statements.push(s);
  }
  return doc;
}

function readStatement(r: Reader, node: Node, where: string, kind: PolicyKind, opts: ParsePolicyOptions): Statement {
  if (node.type !== 'object') throw r.error(node, `${where} must be an object, got ${node.type === 'array' ? 'an array' : node.type}`);
  const f = r.fields(node, where, STATEMENT_FIELDS);
  const s: Statement = { effect: 'Allow', conditions: [] };

  const sid = f.get('Sid');
  if (sid) {
    s.sid = r.string(sid.value, `${where}.Sid`);
    // IAM allows only letters and digits in identity-policy Sids; S3 is lenient.
    if (kind === 'identity' && !/^[A-Za-z0-9]*$/.test(s.sid)) {
      throw r.error(sid.value, `${where}.Sid may contain only letters and digits in an identity policy, got "${s.sid}"`);
    }
  }

  const effect = f.get('Effect');
  if (!effect) throw r.error(node, `${where} has no "Effect"; add "Effect": "Allow" or "Deny"`);
  const e = r.string(effect.value, `${where}.Effect`);
  if (e !== 'Allow' && e !== 'Deny') throw r.error(effect.value, `${where}.Effect must be "Allow" or "Deny", got "${e}"`);
  s.effect = e;

  const [actionName, actionField] = exactlyOne(r, node, f, where, 'Action', 'NotAction');
  const actions = readActions(r, actionField.value, `${where}.${actionName}`);
  if (actionName === 'Action') s.actions = actions;
  else s.notActions = actions;

  const [resourceName, resourceField] = exactlyOne(r, node, f, where, 'Resource', 'NotResource');
  if (resourceName === 'Resource') s.resources = readResources(r, resourceField.value, `${where}.Resource`, opts.bucket);
  else s.notResources = readResources(r, resourceField.value, `${where}.NotResource`);

  const notPrincipal = f.get('NotPrincipal');
  if (notPrincipal) {
    throw r.error(notPrincipal.key, 'NotPrincipal is not supported; use Principal with a condition such as StringNotEquals on aws:PrincipalArn');
  }
  const principal = f.get('Principal');
  if (kind === 'identity') {
    if (principal) throw r.error(principal.key, 'Principal is not allowed in an identity policy: the policy applies to the user it is attached to');
  } else {
    if (!principal) {
      throw r.error(node, `${where} has no "Principal"; a bucket policy statement must name who it applies to, e.g. "Principal": {"AWS": "arn:aws:iam::123456789012:root"}`);
    }
    s.principal = readPrincipal(r, principal.value, `${where}.Principal`);
  }

  const condition = f.get('Condition');
  if (condition) s.conditions = readConditions(r, condition.value, `${where}.Condition`);
  return s;
}

function exactlyOne<A extends string, B extends string>(
  r: Reader,
  node: Node,
  f: Map<string, { key: Node; value: Node }>,
  where: string,
  a: A,
  b: B,
): [A | B, { key: Node; value: Node }] {
  const fa = f.get(a);
  const fb = f.get(b);
  if (fa && fb) {
    const later = fa.key.offset > fb.key.offset ? fa : fb;
    throw r.error(later.key, `${where} has both "${a}" and "${b}"; use one of them`);
  }
  if (fa) return [a, fa];
  if (fb) return [b, fb];
  throw r.error(node, `${where} has no "${a}" (or "${b}")`);
}

function checkDepth(text: string, pos: TextPositions): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (++depth > MAX_DEPTH) throw pos.error(i, `the JSON is nested too deeply (more than ${MAX_DEPTH} levels)`);
    } else if (c === '}' || c === ']') depth--;
  }
}

const REASONS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a field name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":" after the field name',
  CommaExpected: 'expected "," between elements',
  CloseBraceExpected: 'expected "}" to close the object',
  CloseBracketExpected: 'expected "]" to close the array',
  EndOfFileExpected: 'unexpected text after the end of the policy',
  InvalidCommentToken: 'comments are not allowed in a policy',
  UnexpectedEndOfComment: 'comments are not allowed in a policy',
  UnexpectedEndOfString: 'unterminated string (a string cannot span lines)',
  UnexpectedEndOfNumber: 'incomplete number',
  InvalidUnicode: 'invalid \\u escape in a string',
  InvalidEscapeCharacter: 'invalid escape in a string',
  InvalidCharacter: 'control character in a string',
};

function syntaxError(text: string, e: ParseError, root: Node | undefined): { offset: number; reason: string } {
  const code = printParseErrorCode(e.error);
  if (root && e.offset >= root.offset + root.length && e.offset < text.length) return { offset: e.offset, reason: 'unexpected text after the end of the policy' };
  const at = text[e.offset];
  if ((code === 'ValueExpected' || code === 'PropertyNameExpected') && (at === '}' || at === ']')) {
    // The parser reports a trailing comma as a missing value; point at the comma instead.
    const comma = text.slice(0, e.offset).trimEnd();
    if (comma.endsWith(',')) return { offset: comma.length - 1, reason: `trailing comma before "${at}" is not allowed in JSON` };
  }
  if (e.offset >= text.length && code !== 'EndOfFileExpected') {
    return { offset: e.offset, reason: `the policy ends early: ${REASONS[code] ?? 'incomplete JSON'}` };
  }
  const near = text.slice(e.offset, e.offset + Math.max(1, Math.min(e.length, 20)));
  return { offset: e.offset, reason: `JSON syntax error: ${REASONS[code] ?? code}${near.trim() ? ` at "${near}"` : ''}` };
}
