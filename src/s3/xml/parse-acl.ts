/**
 * PutBucketAcl / PutObjectAcl request body: an AccessControlPolicy document.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html
 *
 *   <AccessControlPolicy>
 *     <Owner><ID>..</ID><DisplayName>..</DisplayName></Owner>
 *     <AccessControlList>
 *       <Grant><Grantee xsi:type="CanonicalUser"><ID>..</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant>
 *       <Grant><Grantee xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>
 *     </AccessControlList>
 *   </AccessControlPolicy>
 *
 * The parser only reads the document; which documents Sovra accepts (those equal to a canned
 * ACL it supports) is the handler's decision. Attributes are ignored by the XML reader, so a
 * grantee's kind comes from what it holds: ID (canonical user), URI (group), EmailAddress.
 */
import { malformed, childGroups, optionalChild, optionalLeaf, parseXmlBody, requiredChild, requiredLeaf } from './parse-xml.js';
import type { XmlGrantee, XmlPermission } from './render-acl.js';

export type ParsedGrantee = XmlGrantee | { type: 'AmazonCustomerByEmail'; email: string };

export interface AccessControlPolicyInput {
  ownerId?: string;
  grants: { grantee: ParsedGrantee; permission: XmlPermission }[];
}

const PERMISSIONS: readonly string[] = ['FULL_CONTROL', 'WRITE', 'WRITE_ACP', 'READ', 'READ_ACP'];
export const ACL_BODY_LIMIT = 64 * 1024;

export function parseAccessControlPolicy(body: string | Uint8Array): AccessControlPolicyInput {
  const root = parseXmlBody(body, { maxBytes: ACL_BODY_LIMIT, root: 'AccessControlPolicy' });
  const top = childGroups(root, ['Owner', 'AccessControlList']);
  const out: AccessControlPolicyInput = { grants: [] };
  const owner = optionalChild(top, 'Owner', root);
  if (owner !== undefined) {
    const id = optionalLeaf(childGroups(owner, ['ID', 'DisplayName']), 'ID', owner);
    if (id !== undefined) out.ownerId = id.trim();
  }
  const list = requiredChild(top, 'AccessControlList', root);
  for (const grant of childGroups(list, ['Grant']).get('Grant') ?? []) {
    const g = childGroups(grant, ['Grantee', 'Permission']);
    const permission = requiredLeaf(g, 'Permission', grant).trim();
    if (!PERMISSIONS.includes(permission)) throw malformed(`unknown permission ${permission}`);
    out.grants.push({ grantee: grantee(requiredChild(g, 'Grantee', grant)), permission: permission as XmlPermission });
  }
  return out;
}

function grantee(el: Parameters<typeof childGroups>[0]): ParsedGrantee {
  const g = childGroups(el, ['ID', 'DisplayName', 'URI', 'EmailAddress']);
  const id = optionalLeaf(g, 'ID', el);
  const uri = optionalLeaf(g, 'URI', el);
  const email = optionalLeaf(g, 'EmailAddress', el);
  if ([id, uri, email].filter((x) => x !== undefined).length !== 1) throw malformed('a <Grantee> holds exactly one of <ID>, <URI> or <EmailAddress>');
  if (id !== undefined) return { type: 'CanonicalUser', id: id.trim() };
  if (uri !== undefined) return { type: 'Group', uri: uri.trim() };
  return { type: 'AmazonCustomerByEmail', email: (email as string).trim() };
}
