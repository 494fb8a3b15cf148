import { conditionsHold } from './conditions.js';
import { compile, matches, type Resolver } from './match.js';
import type {
  AuthzRequest,
  ConditionContext,
  Decision,
  PolicyDocument,
  PrincipalSpec,
  RequestPrincipal,
  Statement,
} from './types.js';

/**
 * Decides one request the way AWS combines identity and resource policies:
 * an explicit Deny anywhere wins; otherwise, within the resource owner's account,
 * either an identity Allow or a bucket-policy Allow naming the caller suffices, while
 * a caller from another account needs both (the owner's grant and its own account's
 * permission). Anonymous callers get only what a bucket policy grants to "*".
 */
export function evaluate(req: AuthzRequest): Decision {
  const p = req.principal;
  const action = req.action.toLowerCase();
  // Anonymous callers have no identity; policies handed in for them are ignored.
  const identity = p.anonymous ? [] : req.identityPolicies;
  // The condition context is built only if a statement gets as far as needing it (most
  // requests, an owner's with no policy for instance, never do).
  let ctx: ConditionContext | undefined;
  const target: Target = {
    action,
    resource: req.resource,
    get ctx() {
      return (ctx ??= withPrincipalKeys(typeof req.context === 'function' ? req.context() : req.context, p));
    },
  };

  for (const doc of identity) {
    for (const s of doc.statements) {
      if (s.effect === 'Deny' && applies(doc, s, target)) return denied(s);
    }
  }
  const rp = req.resourcePolicy;
  // The owner's administrators can always read or replace a bucket policy that locks everyone out.
  const lockoutExempt = p.accountAdmin && p.accountId !== undefined && p.accountId === req.resourceOwner && POLICY_ACTIONS.has(action);
  if (rp && !lockoutExempt) {
    for (const s of rp.statements) {
      if (s.effect === 'Deny' && principalMatch(s.principal, p) && applies(rp, s, target)) return denied(s);
    }
  }

  const identityAllow = identity.some((doc) => doc.statements.some((s) => s.effect === 'Allow' && applies(doc, s, target)));
  let resourceAllowDirect = false;
  let resourceAllowAccount = false;
  for (const s of rp?.statements ?? []) {
    if (s.effect !== 'Allow' || !rp) continue;
    const how = principalMatch(s.principal, p);
    if (!how || !applies(rp, s, target)) continue;
    if (how === 'direct') resourceAllowDirect = true;
    else resourceAllowAccount = true;
  }

  if (req.resourceOwner === undefined) {
    if (p.anonymous) return IMPLICIT_DENY;
    if (p.accountAdmin) return { effect: 'allow', via: 'admin' };
    return identityAllow ? { effect: 'allow', via: 'identity' } : IMPLICIT_DENY;
  }
  if (p.anonymous) return resourceAllowDirect ? { effect: 'allow', via: 'resource' } : IMPLICIT_DENY;
  if (p.accountId === req.resourceOwner) {
    if (p.accountAdmin) return { effect: 'allow', via: 'admin' };
    if (identityAllow) return { effect: 'allow', via: 'identity' };
    if (resourceAllowDirect) return { effect: 'allow', via: 'resource' };
    return IMPLICIT_DENY;
  }
  // Cross-account: the owner must grant it and the caller's own account must permit it.
  if ((resourceAllowDirect || resourceAllowAccount) && (p.accountAdmin || identityAllow)) {
    return { effect: 'allow', via: 'identity+resource' };
  }
  return IMPLICIT_DENY;
}

const IMPLICIT_DENY: Decision = { effect: 'deny', explicit: false };

const POLICY_ACTIONS = new Set(['s3:getbucketpolicy', 's3:putbucketpolicy', 's3:deletebucketpolicy']);

function denied(s: Statement): Decision {
  return s.sid === undefined ? { effect: 'deny', explicit: true } : { effect: 'deny', explicit: true, sid: s.sid };
}

interface Target {
  action: string;
  resource: string;
  readonly ctx: ConditionContext;
}

/** Whether a statement covers the request: action, resource and conditions (principal checked by the caller). */
function applies(doc: PolicyDocument, s: Statement, t: Target): boolean {
  const resolve = resolver(doc, t);
  const actionHit = (list: readonly string[]): boolean => list.some((a) => matchesPattern(a, t.action));
  if (s.actions ? !actionHit(s.actions) : actionHit(s.notActions ?? [])) return false;
  const resourceHit = (list: readonly string[]): boolean => list.some((r) => matchesPattern(r, t.resource, resolve));
  if (s.resources ? !resourceHit(s.resources) : resourceHit(s.notResources ?? [])) return false;
  return s.conditions.length === 0 || conditionsHold(s.conditions, t.ctx, resolve);
}

function matchesPattern(pattern: string, value: string, resolve?: Resolver): boolean {
  // Actions on no resource (ListAllMyBuckets) are requested on "*"; AWS documents
  // "arn:aws:s3:::*" as granting them too, so both spellings match it.
  if (value === '*') return pattern === '*' || pattern === 'arn:aws:s3:::*';
  const p = compile(pattern, resolve);
  return p !== undefined && matches(p, value);
}

/** Policy variables exist from version 2012-10-17; in 2008-10-17 policies "${...}" is literal text. */
function resolver(doc: PolicyDocument, t: Target): Resolver | undefined {
  if (doc.version !== '2012-10-17') return undefined;
  return (name) => {
    const v = t.ctx[name];
    if (typeof v === 'string') return v;
    // A multi-valued key cannot stand in for one value.
    return v !== undefined && v.length === 1 ? v[0] : undefined;
  };
}

/** How a bucket-policy principal names the caller: directly ("*" or its user ARN), through its account, or not. */
function principalMatch(spec: PrincipalSpec | undefined, p: RequestPrincipal): 'direct' | 'account' | undefined {
  if (!spec) return undefined;
  if (spec.any) return 'direct';
  if (p.anonymous) return undefined;
  if (p.userArn !== undefined && spec.users.includes(p.userArn)) return 'direct';
  if (p.accountId !== undefined && spec.accounts.includes(p.accountId)) return 'account';
  return undefined;
}

/**
 * The request context with the keys the evaluator can derive from the caller and the
 * clock, unless the caller already supplied them: aws:PrincipalAccount, aws:PrincipalArn,
 * aws:username, aws:PrincipalType, aws:CurrentTime and aws:EpochTime.
 */
export function withPrincipalKeys(ctx: ConditionContext, p: RequestPrincipal, now: Date = new Date()): ConditionContext {
  const derived: ConditionContext = {
    'aws:currenttime': now.toISOString(),
    'aws:epochtime': String(Math.floor(now.getTime() / 1000)),
    'aws:principaltype': p.anonymous ? 'Anonymous' : p.userArn !== undefined ? 'User' : 'Account',
  };
  if (!p.anonymous) {
    if (p.accountId !== undefined) derived['aws:principalaccount'] = p.accountId;
    if (p.userArn !== undefined) {
      derived['aws:principalarn'] = p.userArn;
      const name = /:user\/(?:.*\/)?([^/]+)$/.exec(p.userArn)?.[1];
      if (name !== undefined) derived['aws:username'] = name;
    }
  }
  const out: ConditionContext = { ...derived };
  for (const [k, v] of Object.entries(ctx)) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

/**
 * Who the Allow statements of a bucket policy name: everyone ("*"), accounts, users.
 * Used to record sovereignty grants (an operator or partner account named by a customer).
 */
export function grantees(doc: PolicyDocument): { any: boolean; accounts: string[]; users: string[] } {
  const out = { any: false, accounts: [] as string[], users: [] as string[] };
  for (const s of doc.statements) {
    if (s.effect !== 'Allow' || !s.principal) continue;
    out.any ||= s.principal.any;
    for (const a of s.principal.accounts) if (!out.accounts.includes(a)) out.accounts.push(a);
    for (const u of s.principal.users) if (!out.users.includes(u)) out.users.push(u);
  }
  return out;
}
