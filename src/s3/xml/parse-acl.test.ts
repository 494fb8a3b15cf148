import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cannedAclOf, parseCannedAcl } from '../handlers/acl.js';
import { parseAccessControlPolicy } from './parse-acl.js';
import { ALL_USERS_URI, cannedAclGrants, renderAccessControlPolicy } from './render-acl.js';

const OWNER = 'acct-owner';
const doc = (grants: string, owner = OWNER) =>
  `<?xml version="1.0" encoding="UTF-8"?><AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>${owner}</ID></Owner><AccessControlList>${grants}</AccessControlList></AccessControlPolicy>`;
const user = (id: string, perm: string) =>
  `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>${id}</ID></Grantee><Permission>${perm}</Permission></Grant>`;
const group = (uri: string, perm: string) =>
  `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>${uri}</URI></Grantee><Permission>${perm}</Permission></Grant>`;

describe('AccessControlPolicy bodies and canned ACLs', () => {
  it('what GetBucketAcl renders parses back to the same canned ACL', () => {
    for (const acl of ['private', 'public-read'] as const) {
      const owner = { id: OWNER, displayName: 'Owner' };
      const xml = renderAccessControlPolicy({ owner, grants: cannedAclGrants(owner, acl) });
      assert.equal(cannedAclOf(parseAccessControlPolicy(xml), OWNER), acl);
    }
  });

  it('maps exactly the canned grant sets; a repeated grant is the same grant', () => {
    assert.equal(cannedAclOf(parseAccessControlPolicy(doc(user(OWNER, 'FULL_CONTROL'))), OWNER), 'private');
    assert.equal(cannedAclOf(parseAccessControlPolicy(doc(user(OWNER, 'FULL_CONTROL') + group(ALL_USERS_URI, 'READ') + group(ALL_USERS_URI, 'READ'))), OWNER), 'public-read');
    const notImplemented = [
      doc(''),
      doc(group(ALL_USERS_URI, 'READ')),
      doc(user(OWNER, 'FULL_CONTROL') + user('other', 'READ')),
      doc(user(OWNER, 'FULL_CONTROL') + group(ALL_USERS_URI, 'WRITE')),
      doc(user(OWNER, 'FULL_CONTROL') + group('http://acs.amazonaws.com/groups/global/AuthenticatedUsers', 'READ')),
      doc(user(OWNER, 'FULL_CONTROL') + '<Grant><Grantee><EmailAddress>a@b.example</EmailAddress></Grantee><Permission>READ</Permission></Grant>'),
    ];
    for (const body of notImplemented) assert.throws(() => cannedAclOf(parseAccessControlPolicy(body), OWNER), { code: 'NotImplemented' });
    assert.throws(() => cannedAclOf(parseAccessControlPolicy(doc(user(OWNER, 'FULL_CONTROL'), 'someone-else')), OWNER), { code: 'AccessDenied' });
  });

  it('refuses malformed documents as MalformedXML', () => {
    for (const body of [
      '<AccessControlPolicy><Owner><ID>x</ID></Owner></AccessControlPolicy>',
      doc(user(OWNER, 'EVERYTHING')),
      doc(`<Grant><Grantee><ID>${OWNER}</ID><URI>${ALL_USERS_URI}</URI></Grantee><Permission>READ</Permission></Grant>`),
      doc('<Grant><Permission>READ</Permission></Grant>'),
      '<Policy/>',
      '<AccessControlPolicy><AccessControlList>',
    ]) {
      assert.throws(() => parseAccessControlPolicy(body), { code: 'MalformedXML' }, body);
    }
  });

  it('canned ACL values: two stored, the owner-only ones mean private, the rest refused', () => {
    assert.equal(parseCannedAcl(undefined), undefined);
    assert.equal(parseCannedAcl('private'), 'private');
    assert.equal(parseCannedAcl('public-read'), 'public-read');
    assert.equal(parseCannedAcl('bucket-owner-full-control'), 'private');
    assert.throws(() => parseCannedAcl('public-read-write'), { code: 'NotImplemented' });
    assert.throws(() => parseCannedAcl('authenticated-read'), { code: 'NotImplemented' });
    assert.throws(() => parseCannedAcl('everyone'), { code: 'InvalidArgument' });
  });
});
