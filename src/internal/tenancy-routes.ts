/**
 * The control plane's side of HttpTenancy: internal routes under tenancy/. A region node
 * gets a principal and the signing key for one scope of the S3 service, never a secret;
 * user keys cannot be turned into keys for any other service (such as node-to-node calls).
 */
import { fail } from '../core/errors.js';
import { deriveSigningKey } from '../s3/auth/signing-key.js';
import type { AccessEvent, AccessRecorder, AccountDirectory, CredentialResolver } from '../tenancy/model.js';

export interface TenancyRouteDeps {
  credentials: CredentialResolver;
  accounts: AccountDirectory;
  recorder: AccessRecorder;
}

const DATE = /^\d{8}$/;
const EVENT_KINDS = new Set(['grant', 'revoke', 'use', 'onboarding']);

function str(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw fail('InvalidRequest', `${what} must be a non-empty string.`);
  return v;
}

/** Answers one tenancy route, or undefined when the route is not one of these. */
export async function tenancyRoute(
  deps: TenancyRouteDeps,
  method: string,
  rest: readonly string[],
  body: () => Promise<unknown>,
): Promise<{ status: number; json?: unknown } | undefined> {
  const [kind, id, ...extra] = rest;
  if (extra.length > 0) return undefined;
  if (kind === 'credentials' && id === undefined && method === 'POST') {
    const b = (await body()) as { accessKeyId?: unknown; scope?: { date?: unknown; region?: unknown; service?: unknown } } | null;
    const accessKeyId = str(b?.accessKeyId, 'accessKeyId');
    const date = str(b?.scope?.date, 'scope.date');
    const region = str(b?.scope?.region, 'scope.region');
    const service = str(b?.scope?.service, 'scope.service');
    if (!DATE.test(date)) throw fail('InvalidRequest', 'scope.date must be yyyymmdd.');
    if (service !== 's3') throw fail('AccessDenied', `Signing keys are handed out for the s3 service only, not '${service}'.`);
    const rec = await deps.credentials.lookupKey(accessKeyId, { date, region, service });
    if (!rec) return { status: 200, json: { found: false } };
    const signingKey = 'signingKey' in rec ? rec.signingKey : deriveSigningKey(rec.secretAccessKey, date, region, service);
    return { status: 200, json: { found: true, disabled: rec.disabled, principal: rec.principal, signingKey: signingKey.toString('base64') } };
  }
  if (kind === 'tokens' && id === undefined && method === 'POST') {
    const b = (await body()) as { token?: unknown } | null;
    return { status: 200, json: { principal: (await deps.credentials.lookupToken(str(b?.token, 'token'))) ?? null } };
  }
  if (kind === 'accounts' && id !== undefined && method === 'GET') {
    return { status: 200, json: { account: (await deps.accounts.getAccountById(id)) ?? null } };
  }
  if (kind === 'access-events' && id === undefined && method === 'POST') {
    const e = (await body()) as Partial<AccessEvent> | null;
    if (!e || !EVENT_KINDS.has(String(e.kind))) throw fail('InvalidRequest', 'An access event needs a kind: grant, revoke, use or onboarding.');
    // Only what the sovereignty log keeps: accounts, bucket and action, never object keys.
    await deps.recorder.record({
      kind: e.kind as AccessEvent['kind'],
      ownerAccountId: str(e.ownerAccountId, 'ownerAccountId'),
      principalAccountId: str(e.principalAccountId, 'principalAccountId'),
      ...(typeof e.principalArn === 'string' ? { principalArn: e.principalArn } : {}),
      ...(typeof e.bucket === 'string' ? { bucket: e.bucket } : {}),
      ...(typeof e.action === 'string' ? { action: e.action } : {}),
      ...(typeof e.region === 'string' ? { region: e.region } : {}),
      ...(typeof e.detail === 'string' ? { detail: e.detail } : {}),
    });
    return { status: 204 };
  }
  return undefined;
}
