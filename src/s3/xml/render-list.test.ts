import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderListBucketV1, renderListBucketV2, renderListVersions, type XmlObjectEntry } from './render-list.js';

const T = new Date('2009-10-12T17:50:30Z');
const OWNER = { id: 'owner-id', displayName: 'webfile' };

test('ListBucketResult v1', () => {
  const xml = renderListBucketV1({
    name: 'bucket',
    prefix: 'photos/',
    marker: 'photos/a',
    nextMarker: 'photos/b',
    delimiter: '/',
    maxKeys: 2,
    isTruncated: true,
    contents: [{ key: 'photos/b', lastModified: T, etag: '"fba9dede5f27731c9771645a39863328"', size: 434234, owner: OWNER }],
    commonPrefixes: ['photos/2006/'],
  });
  assert.equal(
    xml,
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Name>bucket</Name><Prefix>photos/</Prefix><Marker>photos/a</Marker><NextMarker>photos/b</NextMarker>' +
      '<MaxKeys>2</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>' +
      '<Contents><Key>photos/b</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>' +
      '<ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>' +
      '<Owner><ID>owner-id</ID><DisplayName>webfile</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents>' +
      '<CommonPrefixes><Prefix>photos/2006/</Prefix></CommonPrefixes>' +
      '</ListBucketResult>',
  );
});

test('ListBucketResult v1: empty bucket renders empty Prefix and Marker', () => {
  assert.equal(
    renderListBucketV1({ name: 'b', maxKeys: 1000, isTruncated: false, contents: [], commonPrefixes: [] }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Name>b</Name><Prefix></Prefix><Marker></Marker><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>' +
      '</ListBucketResult>',
  );
});

test('ListBucketResult v2 with checksum, encoding type and computed KeyCount', () => {
  const xml = renderListBucketV2({
    name: 'bucket',
    prefix: 'a%20b/',
    continuationToken: 'tok1',
    nextContinuationToken: 'tok2',
    startAfter: 'a%20b/0',
    delimiter: '/',
    maxKeys: 2,
    isTruncated: true,
    encodingType: 'url',
    contents: [
      {
        key: 'a%20b/1',
        lastModified: T,
        etag: '"abc-2"',
        size: 0,
        storageClass: 'STANDARD_IA',
        checksumAlgorithm: 'CRC64NVME',
        checksumType: 'FULL_OBJECT',
      },
    ],
    commonPrefixes: ['a%20b/c/'],
  });
  assert.equal(
    xml,
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Name>bucket</Name><Prefix>a%20b/</Prefix><ContinuationToken>tok1</ContinuationToken>' +
      '<NextContinuationToken>tok2</NextContinuationToken><StartAfter>a%20b/0</StartAfter>' +
      '<KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><Delimiter>/</Delimiter><EncodingType>url</EncodingType>' +
      '<IsTruncated>true</IsTruncated>' +
      '<Contents><Key>a%20b/1</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>&quot;abc-2&quot;</ETag>' +
      '<ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType>' +
      '<Size>0</Size><StorageClass>STANDARD_IA</StorageClass></Contents>' +
      '<CommonPrefixes><Prefix>a%20b/c/</Prefix></CommonPrefixes>' +
      '</ListBucketResult>',
  );
});

test('ListBucketResult v2: owner only when given (fetch-owner)', () => {
  const xml = renderListBucketV2({
    name: 'b',
    maxKeys: 1000,
    isTruncated: false,
    contents: [{ key: 'k', lastModified: T, etag: '"e"', size: 1, owner: { id: 'o' } }],
    commonPrefixes: [],
  });
  assert.equal(
    xml,
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Name>b</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>' +
      '<Contents><Key>k</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>&quot;e&quot;</ETag>' +
      '<Size>1</Size><Owner><ID>o</ID></Owner><StorageClass>STANDARD</StorageClass></Contents>' +
      '</ListBucketResult>',
  );
});

test('keys with markup and control characters are escaped the way AWS does', () => {
  const xml = renderListBucketV2({
    name: 'b',
    maxKeys: 1000,
    isTruncated: false,
    contents: [{ key: ` <a>&"b"'\u0001\r\n\t `, lastModified: T, etag: '"e"', size: 1 }],
    commonPrefixes: ['x\u001F/'],
  });
  assert.ok(xml.includes('<Key> &lt;a&gt;&amp;&quot;b&quot;&apos;&#x1;&#xD;\n\t </Key>'));
  assert.ok(xml.includes('<CommonPrefixes><Prefix>x&#x1F;/</Prefix></CommonPrefixes>'));
});

test('ListVersionsResult interleaves versions and delete markers in the given order', () => {
  const xml = renderListVersions({
    name: 'bucket',
    prefix: 'my',
    keyMarker: 'a',
    versionIdMarker: 'v0',
    nextKeyMarker: 'my-image.jpg',
    nextVersionIdMarker: 'v2',
    maxKeys: 3,
    isTruncated: true,
    entries: [
      { kind: 'version', key: 'my-image.jpg', versionId: 'v3', isLatest: true, lastModified: T, etag: '"e3"', size: 10, owner: OWNER },
      { kind: 'deleteMarker', key: 'my-image.jpg', versionId: 'v2', isLatest: false, lastModified: T, owner: OWNER },
      { kind: 'version', key: 'my-image.jpg', versionId: 'null', isLatest: false, lastModified: T, etag: '"e1"', size: 7 },
    ],
    commonPrefixes: [],
  });
  assert.equal(
    xml,
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Name>bucket</Name><Prefix>my</Prefix><KeyMarker>a</KeyMarker><VersionIdMarker>v0</VersionIdMarker>' +
      '<NextKeyMarker>my-image.jpg</NextKeyMarker><NextVersionIdMarker>v2</NextVersionIdMarker>' +
      '<MaxKeys>3</MaxKeys><IsTruncated>true</IsTruncated>' +
      '<Version><Key>my-image.jpg</Key><VersionId>v3</VersionId><IsLatest>true</IsLatest>' +
      '<LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>&quot;e3&quot;</ETag><Size>10</Size>' +
      '<Owner><ID>owner-id</ID><DisplayName>webfile</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Version>' +
      '<DeleteMarker><Key>my-image.jpg</Key><VersionId>v2</VersionId><IsLatest>false</IsLatest>' +
      '<LastModified>2009-10-12T17:50:30.000Z</LastModified><Owner><ID>owner-id</ID><DisplayName>webfile</DisplayName></Owner></DeleteMarker>' +
      '<Version><Key>my-image.jpg</Key><VersionId>null</VersionId><IsLatest>false</IsLatest>' +
      '<LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>&quot;e1&quot;</ETag><Size>7</Size>' +
      '<StorageClass>STANDARD</StorageClass></Version>' +
      '</ListVersionsResult>',
  );
});

test('ListVersionsResult: empty, with delimiter, prefixes and encoding type', () => {
  assert.equal(
    renderListVersions({
      name: 'b',
      delimiter: '/',
      maxKeys: 1000,
      isTruncated: false,
      encodingType: 'url',
      entries: [],
      commonPrefixes: ['a/', 'b/'],
    }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Name>b</Name><Prefix></Prefix><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker>' +
      '<MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>' +
      '<CommonPrefixes><Prefix>a/</Prefix></CommonPrefixes><CommonPrefixes><Prefix>b/</Prefix></CommonPrefixes>' +
      '</ListVersionsResult>',
  );
});

test('a 1000-key listing renders in well under 1 ms per 100 keys', () => {
  const contents: XmlObjectEntry[] = [];
  for (let i = 0; i < 1000; i++) {
    contents.push({
      key: `logs/2024/01/${String(i).padStart(6, '0')}-server & co <eu>.json`,
      lastModified: new Date(1_700_000_000_000 + i * 1000),
      etag: '"d41d8cd98f00b204e9800998ecf8427e"',
      size: 1024 * i,
      owner: OWNER,
    });
  }
  const input = { name: 'b', maxKeys: 1000, isTruncated: true, contents, commonPrefixes: [] };
  for (let i = 0; i < 20; i++) renderListBucketV2(input); // warm up
  let best = Infinity;
  for (let i = 0; i < 10; i++) {
    const start = process.hrtime.bigint();
    renderListBucketV2(input);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
  }
  // Budget: 10 ms for 1000 keys (1 ms per 100); typically about 1 ms in total.
  assert.ok(best < 10, `rendering 1000 keys took ${best.toFixed(2)} ms`);
});
