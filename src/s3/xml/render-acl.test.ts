import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderAccessControlPolicy, renderEmptyConfiguration, renderRequestPaymentConfiguration } from './render-acl.js';

test('AccessControlPolicy: a private resource is the owner with FULL_CONTROL', () => {
  assert.equal(
    renderAccessControlPolicy({ owner: { id: 'owner-id', displayName: 'me & co' } }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Owner><ID>owner-id</ID><DisplayName>me &amp; co</DisplayName></Owner>' +
      '<AccessControlList><Grant>' +
      '<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser">' +
      '<ID>owner-id</ID><DisplayName>me &amp; co</DisplayName></Grantee>' +
      '<Permission>FULL_CONTROL</Permission></Grant></AccessControlList>' +
      '</AccessControlPolicy>',
  );
});

test('AccessControlPolicy with explicit user and group grants', () => {
  assert.equal(
    renderAccessControlPolicy({
      owner: { id: 'o' },
      grants: [
        { grantee: { type: 'CanonicalUser', id: 'o' }, permission: 'FULL_CONTROL' },
        { grantee: { type: 'Group', uri: 'http://acs.amazonaws.com/groups/global/AllUsers' }, permission: 'READ' },
      ],
    }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Owner><ID>o</ID></Owner><AccessControlList>' +
      '<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>o</ID></Grantee>' +
      '<Permission>FULL_CONTROL</Permission></Grant>' +
      '<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group">' +
      '<URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>' +
      '</AccessControlList></AccessControlPolicy>',
  );
});

test('empty configurations and RequestPaymentConfiguration', () => {
  assert.equal(
    renderEmptyConfiguration('BucketLoggingStatus'),
    '<?xml version="1.0" encoding="UTF-8"?>\n<BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>',
  );
  assert.equal(
    renderRequestPaymentConfiguration({ payer: 'BucketOwner' }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<RequestPaymentConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Payer>BucketOwner</Payer></RequestPaymentConfiguration>',
  );
});
