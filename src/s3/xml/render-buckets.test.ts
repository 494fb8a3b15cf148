import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderListAllMyBuckets, renderLocationConstraint } from './render-buckets.js';

const T = new Date('2009-10-12T17:50:30Z');

test('ListAllMyBucketsResult', () => {
  const xml = renderListAllMyBuckets({
    owner: { id: 'owner-id', displayName: 'webfile' },
    buckets: [
      { name: 'alpha', creationDate: T, region: 'eu-west-1' },
      { name: 'beta', creationDate: new Date('2024-02-29T23:59:59.123Z') },
    ],
  });
  assert.equal(
    xml,
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Owner><ID>owner-id</ID><DisplayName>webfile</DisplayName></Owner>' +
      '<Buckets>' +
      '<Bucket><Name>alpha</Name><CreationDate>2009-10-12T17:50:30.000Z</CreationDate><BucketRegion>eu-west-1</BucketRegion></Bucket>' +
      '<Bucket><Name>beta</Name><CreationDate>2024-02-29T23:59:59.123Z</CreationDate></Bucket>' +
      '</Buckets>' +
      '</ListAllMyBucketsResult>',
  );
});

test('ListAllMyBucketsResult: empty, paginated, no display name', () => {
  const xml = renderListAllMyBuckets({ owner: { id: 'o' }, buckets: [], continuationToken: 'next&1', prefix: 'a' });
  assert.equal(
    xml,
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Owner><ID>o</ID></Owner><Buckets></Buckets><ContinuationToken>next&amp;1</ContinuationToken><Prefix>a</Prefix>' +
      '</ListAllMyBucketsResult>',
  );
});

test('LocationConstraint: us-east-1 semantics is the empty element', () => {
  const empty = '<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>';
  assert.equal(renderLocationConstraint({}), empty);
  assert.equal(renderLocationConstraint({ region: '' }), empty);
  assert.equal(renderLocationConstraint({ region: 'us-east-1' }), empty);
});

test('LocationConstraint: any other region is the value', () => {
  assert.equal(
    renderLocationConstraint({ region: 'eu-central-1' }),
    '<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-central-1</LocationConstraint>',
  );
});
