import type { Node } from 'jsonc-parser';
import { S3_ACTIONS, isKnownS3Action, knownS3Actions } from './actions.js';
import { canMatchPrefix, compile, matches } from './match.js';
import type { Reader } from './reader.js';
import type { PrincipalSpec } from './types.js';

/** Action / NotAction: "*" or "s3:Name" with wildcards; returned lower-cased. */
export function readActions(r: Reader, node: Node, where: string): string[] {
  return r.strings(node, where).map(({ value, node: item }) => {
    if (value === '*') return '*';
    const m = /^([^:]*):(.*)$/.exec(value);
    if (!m) throw r.error(item, `action "${value}" must be written "s3:ActionName" (or "*")`);
    const [, service = '', name = ''] = m;
    if (service.toLowerCase() !== 's3') {
      throw r.error(item, `only s3 actions are supported, got "${value}"`);
    }
    if (!/^[A-Za-z0-9*?]+$/.test(name)) throw r.error(item, `"${value}" is not a valid action name`);
    const lower = `s3:${name.toLowerCase()}`;
    if (!/[*?]/.test(name)) {
      if (!isKnownS3Action(lower)) {
        const near = suggest(name);
        throw r.error(item, `unknown S3 action "${value}"${near ? `; did you mean "s3:${near}"?` : ''}`);
      }
    } else {
      const p = compile(lower);
      if (p && ![...knownS3Actions()].some((a) => matches(p, a))) {
        throw r.error(item, `action pattern "${value}" matches no S3 action`);
      }
    }
    return lower;
  });
}

/** The known action closest to a misspelt one (edit distance at most 2). */
function suggest(name: string): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  for (const a of S3_ACTIONS) {
    const d = distance(a.toLowerCase(), name.toLowerCase());
    if (d < bestD) [best, bestD] = [a, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

const S3_ARN = 'arn:aws:s3:::';

/**
 * Resource / NotResource: "*" or an S3 bucket/object ARN with wildcards. The Sovra
 * partition (arn:sovra:s3:::) is accepted and normalised to arn:aws so policies written
 * for AWS and for Sovra evaluate alike. With `bucket`, each resource must be able to
 * name that bucket or objects in it (S3 refuses a bucket policy about other buckets).
 */
export function readResources(r: Reader, node: Node, where: string, bucket?: string): string[] {
  return r.strings(node, where).map(({ value, node: item }) => {
    if (value === '*') return '*';
    const m = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/s.exec(value);
    if (!m) {
      throw r.error(item, `resource "${value}" must be "*" or an ARN such as "arn:aws:s3:::bucket/key"`);
    }
    const [, partition = '', service = '', region = '', account = '', rest = ''] = m;
    if (partition !== 'aws' && partition !== 'sovra') {
      throw r.error(item, `resource "${value}" has partition "${partition}"; use "aws" (or "sovra")`);
    }
    if (service !== 's3') throw r.error(item, `only s3 resources are supported, got "${value}"`);
    if (region !== '' || account !== '') {
      throw r.error(item, `S3 bucket and object ARNs have no region or account: write "arn:aws:s3:::bucket/key", got "${value}"`);
    }
    if (rest === '' || rest.startsWith('/')) throw r.error(item, `resource "${value}" names no bucket`);
    const arn = S3_ARN + rest;
    if (bucket !== undefined && !aboutBucket(arn, bucket)) {
      throw r.error(item, `resource "${value}" is outside bucket "${bucket}" (a bucket policy may only name the bucket and its objects)`);
    }
    return arn;
  });
}

function aboutBucket(arn: string, bucket: string): boolean {
  // A variable may expand to anything: treat it as a wildcard for this check.
  const p = compile(arn.replace(/\$\{[^}]*\}/g, '*'));
  return p !== undefined && (matches(p, S3_ARN + bucket) || canMatchPrefix(p, `${S3_ARN}${bucket}/`));
}

const USER_ARN = /^arn:(aws|sovra):iam::(\d{12}):user\/((?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64})$/;
const ROOT_ARN = /^arn:(aws|sovra):iam::(\d{12}):root$/;

/** Principal: "*" or {"AWS": ...} naming everyone, accounts (id or root ARN) and users. */
export function readPrincipal(r: Reader, node: Node, where: string): PrincipalSpec {
  const spec: PrincipalSpec = { any: false, accounts: [], users: [] };
  if (node.type === 'string') {
    if (node.value !== '*') {
      throw r.error(node, `${where} must be "*" or an object such as {"AWS": "arn:aws:iam::123456789012:root"}, got "${String(node.value)}"`);
    }
    spec.any = true;
    return spec;
  }
  const fields = r.entries(node, where);
  if (fields.length === 0) throw r.error(node, `${where} names no one`);
  for (const f of fields) {
    if (f.name !== 'AWS') {
      const known = ['Service', 'Federated', 'CanonicalUser'].includes(f.name);
      throw r.error(
        f.key,
        known
          ? `principal type "${f.name}" is not supported; name accounts and users with "AWS"`
          : `unknown principal type "${f.name}"; use "AWS"`,
      );
    }
    for (const { value, node: item } of r.strings(f.value, `${where}.AWS`)) addPrincipal(r, spec, value, item);
  }
  return spec;
}

function addPrincipal(r: Reader, spec: PrincipalSpec, value: string, node: Node): void {
  const add = (list: string[], v: string): void => {
    if (!list.includes(v)) list.push(v);
  };
  if (value === '*') {
    spec.any = true;
    return;
  }
  if (/^\d{12}$/.test(value)) return add(spec.accounts, value);
  const root = ROOT_ARN.exec(value);
  if (root) return add(spec.accounts, root[2]!);
  const user = USER_ARN.exec(value);
  if (user) return add(spec.users, `arn:aws:iam::${user[2]!}:user/${user[3]!}`);
  if (/^\d+$/.test(value)) throw r.error(node, `account id "${value}" must be 12 digits`);
  if (/[*?]/.test(value)) throw r.error(node, `principal "${value}": wildcards are only allowed as "*" alone`);
  throw r.error(
    node,
    `unsupported principal "${value}"; use "*", an account id (123456789012), ` +
      `"arn:aws:iam::123456789012:root" or "arn:aws:iam::123456789012:user/name"`,
  );
}
