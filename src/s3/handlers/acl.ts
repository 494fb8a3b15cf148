/**
 * Canned ACLs: x-amz-acl on CreateBucket, PutObject, CopyObject, CreateMultipartUpload (and
 * PostObject's acl field), and Get/PutBucketAcl, Get/PutObjectAcl.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
 *
 * Sovra stores two canned ACLs: private and public-read. PutBucketAcl / PutObjectAcl take
 * either the x-amz-acl header or an AccessControlPolicy body that grants exactly what one of
 * them grants (the owner FULL_CONTROL, plus AllUsers READ for public-read). Deviation: other
 * canned ACLs, x-amz-grant-* headers and any other grant set answer NotImplemented rather
 * than being silently ignored. bucket-owner-full-control / bucket-owner-read mean private
 * here (the object writer is the bucket owner).
 */
import { fail } from '../../core/errors.js';
import type { CannedAcl } from '../../engine/types.js';
import { readSmallBody } from '../body.js';
import type { S3Context } from '../context.js';
import { header, type HeaderMap, type ProtocolResponse } from '../request.js';
import { emptyResponse, xmlResponse } from '../respond.js';
import { renderAccessControlPolicy } from '../xml/index.js';
import { ACL_BODY_LIMIT, parseAccessControlPolicy, type AccessControlPolicyInput } from '../xml/parse-acl.js';
import { ALL_USERS_URI, cannedAclGrants } from '../xml/render-acl.js';
import { bucketOf, keyOf } from './target.js';

/** Canned ACLs S3 knows that Sovra does not store. */
const UNSUPPORTED_CANNED = new Set(['public-read-write', 'authenticated-read', 'aws-exec-read', 'log-delivery-write']);
const AS_PRIVATE = new Set(['private', 'bucket-owner-full-control', 'bucket-owner-read']);
const GRANT_HEADERS = ['x-amz-grant-read', 'x-amz-grant-write', 'x-amz-grant-read-acp', 'x-amz-grant-write-acp', 'x-amz-grant-full-control'];

/** A canned ACL value (header or form field); undefined when none was given. */
export function parseCannedAcl(value: string | undefined): CannedAcl | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (AS_PRIVATE.has(v)) return 'private';
  if (v === 'public-read') return 'public-read';
  if (UNSUPPORTED_CANNED.has(v)) {
    throw fail('NotImplemented', `The canned ACL "${v}" is not supported in Sovra; use "private" or "public-read", or a bucket policy.`);
  }
  throw fail('InvalidArgument', `Invalid canned ACL: ${value}`, { details: { ArgumentName: 'x-amz-acl', ArgumentValue: value } });
}

/** x-amz-acl of a request (grant headers refused); undefined when the request sets none. */
export function readAclHeader(headers: HeaderMap): CannedAcl | undefined {
  for (const g of GRANT_HEADERS) {
    if (header(headers, g) !== undefined) {
      throw fail('NotImplemented', `ACL grants (${g}) are not supported in Sovra; use the canned ACLs "private" or "public-read", or a bucket policy.`);
    }
  }
  return parseCannedAcl(header(headers, 'x-amz-acl'));
}

/** The canned ACL an AccessControlPolicy document is equivalent to; NotImplemented for any other grant set. */
export function cannedAclOf(doc: AccessControlPolicyInput, ownerId: string): CannedAcl {
  if (doc.ownerId !== undefined && doc.ownerId !== ownerId) {
    throw fail('AccessDenied', 'The Owner in the AccessControlPolicy is not the owner of the resource.');
  }
  const seen = new Set<string>();
  for (const g of doc.grants) {
    const who = g.grantee.type === 'CanonicalUser' ? `user:${g.grantee.id}` : g.grantee.type === 'Group' ? `group:${g.grantee.uri}` : `email:${g.grantee.email}`;
    seen.add(`${who} ${g.permission}`);
  }
  const ownerFull = `user:${ownerId} FULL_CONTROL`;
  const allRead = `group:${ALL_USERS_URI} READ`;
  if (seen.size === 1 && seen.has(ownerFull)) return 'private';
  if (seen.size === 2 && seen.has(ownerFull) && seen.has(allRead)) return 'public-read';
  throw fail(
    'NotImplemented',
    'This access control list is not supported in Sovra: only the grant sets of the canned ACLs "private" (the owner FULL_CONTROL) and "public-read" (plus AllUsers READ) can be set. Use a bucket policy for anything else.',
  );
}

/** The ACL a Put*Acl request sets: from the header or from the body, not both. */
async function requestedAcl(ctx: S3Context, ownerId: string): Promise<CannedAcl> {
  const fromHeader = readAclHeader(ctx.req.headers);
  const raw = await readSmallBody(ctx, { maxBytes: ACL_BODY_LIMIT });
  const hasBody = raw.toString('utf8').trim() !== '';
  if (fromHeader !== undefined && hasBody) {
    throw fail('InvalidRequest', 'Specify an ACL either with the x-amz-acl header or as an AccessControlPolicy body, not both.');
  }
  if (fromHeader !== undefined) return fromHeader;
  if (!hasBody) throw fail('MissingSecurityHeader', 'Your request was missing a required header or body: x-amz-acl or an AccessControlPolicy.', {
    details: { MissingHeaderName: 'x-amz-acl' },
  });
  return cannedAclOf(parseAccessControlPolicy(raw), ownerId);
}

function displayNameFor(ctx: S3Context, owner: string): { id: string; displayName?: string } {
  return ctx.principal?.accountId === owner ? { id: owner, displayName: ctx.principal.displayName } : { id: owner };
}

function versionIdOf(ctx: S3Context): { versionId?: string } {
  const v = ctx.query.get('versionId');
  return v === null ? {} : { versionId: v };
}

export async function getBucketAcl(ctx: S3Context): Promise<ProtocolResponse> {
  const b = ctx.bucketInfo ?? (await ctx.deps.engine.getBucket(bucketOf(ctx)));
  const owner = displayNameFor(ctx, b.owner);
  return xmlResponse(renderAccessControlPolicy({ owner, grants: cannedAclGrants(owner, b.acl) }));
}

export async function putBucketAcl(ctx: S3Context): Promise<ProtocolResponse> {
  const name = bucketOf(ctx);
  const b = ctx.bucketInfo ?? (await ctx.deps.engine.getBucket(name));
  await ctx.deps.engine.putBucketAcl(name, await requestedAcl(ctx, b.owner));
  return emptyResponse(200);
}

export async function getObjectAcl(ctx: S3Context): Promise<ProtocolResponse> {
  const got = await ctx.deps.engine.getObjectAcl({ bucket: bucketOf(ctx), key: keyOf(ctx), ...versionIdOf(ctx) });
  const owner = displayNameFor(ctx, got.owner);
  return xmlResponse(renderAccessControlPolicy({ owner, grants: cannedAclGrants(owner, got.acl) }));
}

export async function putObjectAcl(ctx: S3Context): Promise<ProtocolResponse> {
  const at = { bucket: bucketOf(ctx), key: keyOf(ctx), ...versionIdOf(ctx) };
  // The object's owner is who the document must name (and who keeps FULL_CONTROL).
  const current = await ctx.deps.engine.getObjectAcl(at);
  const acl = await requestedAcl(ctx, current.owner);
  await ctx.deps.engine.putObjectAcl({ ...at, versionId: current.versionId, acl });
  return emptyResponse(200);
}

/** One entry for both Get*Acl operations (the handler table maps both names here). */
export async function getAcl(ctx: S3Context): Promise<ProtocolResponse> {
  return ctx.op.name === 'GetObjectAcl' ? getObjectAcl(ctx) : getBucketAcl(ctx);
}

export async function putAcl(ctx: S3Context): Promise<ProtocolResponse> {
  return ctx.op.name === 'PutObjectAcl' ? putObjectAcl(ctx) : putBucketAcl(ctx);
}
