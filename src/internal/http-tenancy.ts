/**
 * Accounts as a region node sees them: a client of the control plane's internal API.
 *
 * Secrets stay on the control plane: to verify a request, the node asks for the signing
 * key derived for the request's scope (day, region, service 's3'), which opens nothing but
 * that day's S3 signatures in that region. Answers are cached for a second, so a disabled
 * key or a suspended account stops working within about a second everywhere.
 */
import type http from 'node:http';
import { fail } from '../core/errors.js';
import type { AccessEvent, AccessRecorder, Account, AccountDirectory, CredentialResolver, Principal, ResolvedKey } from '../tenancy/model.js';
import { controlPlaneClient, type InternalClient } from './http-client.js';

export const DEFAULT_TENANCY_CACHE_TTL_MS = 1000;

export interface HttpTenancyOptions {
  endpoint: string;
  nodeId: string;
  clusterSecret: string;
  cacheTtlMs?: number;
  timeoutMs?: number;
  agent?: http.Agent;
}

function object(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null) throw fail('Unavailable', `control plane answered a malformed ${what}.`);
  return v as Record<string, unknown>;
}

export class HttpTenancy implements CredentialResolver, AccountDirectory, AccessRecorder {
  private readonly client: InternalClient;
  private readonly ttlMs: number;
  private readonly keys = new Map<string, { until: number; value: ResolvedKey | undefined }>();

  constructor(opts: HttpTenancyOptions) {
    this.client = controlPlaneClient(opts);
    this.ttlMs = opts.cacheTtlMs ?? DEFAULT_TENANCY_CACHE_TTL_MS;
  }

  async lookupKey(accessKeyId: string, scope?: { date: string; region: string; service: string }): Promise<ResolvedKey | undefined> {
    if (!scope) throw new Error('a region node resolves keys only for a signing scope');
    const id = `${accessKeyId}\n${scope.date}\n${scope.region}\n${scope.service}`;
    const hit = this.keys.get(id);
    if (hit && hit.until > Date.now()) return hit.value;
    const out = object(await this.client.json({ method: 'POST', segments: ['tenancy', 'credentials'], json: { accessKeyId, scope } }), 'credential');
    let value: ResolvedKey | undefined;
    if (out['found'] === true) {
      if (typeof out['signingKey'] !== 'string') throw fail('Unavailable', 'control plane answered a credential without a signing key.');
      value = { principal: object(out['principal'], 'principal') as unknown as Principal, disabled: out['disabled'] === true, signingKey: Buffer.from(out['signingKey'], 'base64') };
    }
    if (this.keys.size > 10_000) this.keys.clear();
    this.keys.set(id, { until: Date.now() + this.ttlMs, value });
    return value;
  }

  async lookupToken(token: string): Promise<Principal | undefined> {
    const out = object(await this.client.json({ method: 'POST', segments: ['tenancy', 'tokens'], json: { token } }), 'token');
    return out['principal'] === null || out['principal'] === undefined ? undefined : (object(out['principal'], 'principal') as unknown as Principal);
  }

  async getAccountById(id: string): Promise<Account | undefined> {
    const out = object(await this.client.json({ method: 'GET', segments: ['tenancy', 'accounts', id] }), 'account');
    return out['account'] === null || out['account'] === undefined ? undefined : (object(out['account'], 'account') as unknown as Account);
  }

  async record(event: Omit<AccessEvent, 'id' | 'at'> & { at?: string }): Promise<void> {
    await this.client.json({ method: 'POST', segments: ['tenancy', 'access-events'], json: event });
  }

  close(): void {
    this.keys.clear();
    this.client.close();
  }
}
