import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderCopyObjectResult, renderDeleteResult, renderPostResponse } from './render-object.js';

const T = new Date('2009-10-12T17:50:30Z');

test('CopyObjectResult', () => {
  assert.equal(
    renderCopyObjectResult({ etag: '"9b2cf535f27731c974343645a3985328"', lastModified: T }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag>' +
      '</CopyObjectResult>',
  );
});

test('CopyObjectResult with checksum', () => {
  assert.equal(
    renderCopyObjectResult({ etag: '"e"', lastModified: T, checksums: { CRC64NVME: 'n==' }, checksumType: 'FULL_OBJECT' }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>&quot;e&quot;</ETag>' +
      '<ChecksumType>FULL_OBJECT</ChecksumType><ChecksumCRC64NVME>n==</ChecksumCRC64NVME>' +
      '</CopyObjectResult>',
  );
});

test('DeleteResult with deleted entries and errors', () => {
  assert.equal(
    renderDeleteResult({
      deleted: [
        { key: 'sample1.txt' },
        { key: ' spaced ', versionId: 'v1' },
        { key: 'versioned.txt', deleteMarker: true, deleteMarkerVersionId: 'dm1' },
      ],
      errors: [{ key: 'sample2.txt', code: 'AccessDenied', message: 'Access Denied' }],
    }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Deleted><Key>sample1.txt</Key></Deleted>' +
      '<Deleted><Key> spaced </Key><VersionId>v1</VersionId></Deleted>' +
      '<Deleted><Key>versioned.txt</Key><DeleteMarker>true</DeleteMarker><DeleteMarkerVersionId>dm1</DeleteMarkerVersionId></Deleted>' +
      '<Error><Key>sample2.txt</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>' +
      '</DeleteResult>',
  );
});

test('DeleteResult in quiet mode with nothing failed is an empty element', () => {
  assert.equal(
    renderDeleteResult({ deleted: [], errors: [] }),
    '<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>',
  );
});

test('DeleteResult error with version id', () => {
  assert.equal(
    renderDeleteResult({ deleted: [], errors: [{ key: 'k', versionId: 'v', code: 'NoSuchVersion', message: 'x<y' }] }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Error><Key>k</Key><VersionId>v</VersionId><Code>NoSuchVersion</Code><Message>x&lt;y</Message></Error>' +
      '</DeleteResult>',
  );
});

test('PostResponse (success_action_status=201) has no namespace', () => {
  assert.equal(
    renderPostResponse({
      location: 'https://s3.example.com/bucket/uploads%2Fa.txt',
      bucket: 'bucket',
      key: 'uploads/a.txt',
      etag: '"abc"',
    }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<PostResponse><Location>https://s3.example.com/bucket/uploads%2Fa.txt</Location>' +
      '<Bucket>bucket</Bucket><Key>uploads/a.txt</Key><ETag>&quot;abc&quot;</ETag></PostResponse>',
  );
});
