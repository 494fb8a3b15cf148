/**
 * What an account's contract says about new buckets: a partner is licensed for some
 * regions and places its customers only there; a customer may have a default residency
 * policy for buckets created without one.
 */
import { fail } from '../core/errors.js';
import type { S3Context } from './context.js';

export interface BucketTerms {
  region?: string;
  zones?: string[];
}

/** Applies the caller's account terms to a CreateBucket's region and zones (as given, or undefined). */
export async function applyBucketTerms(ctx: S3Context, asked: BucketTerms, defaultRegion: string): Promise<BucketTerms> {
  const p = ctx.principal;
  const account = p && ctx.deps.accounts ? await ctx.deps.accounts.getAccountById(p.accountId) : undefined;
  if (!account || account.kind === 'operator') return asked;
  const out: BucketTerms = { ...asked };
  const allowed = account.regions;
  if (allowed.length > 0) {
    if (asked.region !== undefined && !allowed.includes(asked.region)) {
      throw fail('AccessDenied', `The account ${account.name} may place buckets only in ${allowed.join(', ')}; ${asked.region} is not among them.`, {
        details: { LocationConstraint: asked.region },
      });
    }
    if (asked.region === undefined && !allowed.includes(defaultRegion)) out.region = allowed[0];
  }
  if (asked.zones === undefined && account.defaultResidency) out.zones = [...account.defaultResidency];
  return out;
}
