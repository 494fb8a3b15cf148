/**
 * GetBucketAcl / GetObjectAcl response, and stand-ins for bucket
 * configurations Sovra reports as unset.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketRequestPayment.html
 */
import type { XmlOwner } from './types.js';
import { el, optEl, ownerEl, xmlDocument } from './writer.js';

export type XmlGrantee = { type: 'CanonicalUser'; id: string; displayName?: string } | { type: 'Group'; uri: string };
export type XmlPermission = 'FULL_CONTROL' | 'WRITE' | 'WRITE_ACP' | 'READ' | 'READ_ACP';

export interface AccessControlPolicyXml {
  owner: XmlOwner;
  /** Defaults to the single grant S3 shows for a private resource: the owner, FULL_CONTROL. */
  grants?: { grantee: XmlGrantee; permission: XmlPermission }[];
}

const XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

function granteeEl(g: XmlGrantee): string {
  return g.type === 'CanonicalUser'
    ? `<Grantee ${XSI} xsi:type="CanonicalUser">${el('ID', g.id)}${optEl('DisplayName', g.displayName)}</Grantee>`
    : `<Grantee ${XSI} xsi:type="Group">${el('URI', g.uri)}</Grantee>`;
}

/** The group every requester belongs to, signed or not. */
export const ALL_USERS_URI = 'http://acs.amazonaws.com/groups/global/AllUsers';

/** The grants S3 shows for a canned ACL: the owner's FULL_CONTROL, plus READ for AllUsers when public-read. */
export function cannedAclGrants(owner: XmlOwner, acl: 'private' | 'public-read'): NonNullable<AccessControlPolicyXml['grants']> {
  const grants: NonNullable<AccessControlPolicyXml['grants']> = [{ grantee: { type: 'CanonicalUser', ...owner }, permission: 'FULL_CONTROL' }];
  if (acl === 'public-read') grants.push({ grantee: { type: 'Group', uri: ALL_USERS_URI }, permission: 'READ' });
  return grants;
}

export function renderAccessControlPolicy(r: AccessControlPolicyXml): string {
  const grants = r.grants ?? [{ grantee: { type: 'CanonicalUser', ...r.owner }, permission: 'FULL_CONTROL' }];
  let body = ownerEl('Owner', r.owner) + '<AccessControlList>';
  for (const g of grants) body += `<Grant>${granteeEl(g.grantee)}${el('Permission', g.permission)}</Grant>`;
  return xmlDocument('AccessControlPolicy', body + '</AccessControlList>');
}

/**
 * Configurations whose "not configured" answer is an empty document rather
 * than an error (GetBucketLogging, GetBucketNotificationConfiguration,
 * GetBucketAccelerateConfiguration).
 */
export type EmptyConfigurationRoot = 'BucketLoggingStatus' | 'NotificationConfiguration' | 'AccelerateConfiguration';

export function renderEmptyConfiguration(root: EmptyConfigurationRoot): string {
  return xmlDocument(root, '');
}

export interface RequestPaymentConfigurationXml {
  payer: 'BucketOwner' | 'Requester';
}

export function renderRequestPaymentConfiguration(r: RequestPaymentConfigurationXml): string {
  return xmlDocument('RequestPaymentConfiguration', el('Payer', r.payer));
}
