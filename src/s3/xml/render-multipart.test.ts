import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  renderCompleteMultipartUpload,
  renderCopyPartResult,
  renderInitiateMultipartUpload,
  renderListMultipartUploads,
  renderListParts,
} from './render-multipart.js';

const T = new Date('2009-10-12T17:50:30Z');

test('InitiateMultipartUploadResult', () => {
  assert.equal(
    renderInitiateMultipartUpload({ bucket: 'example-bucket', key: 'a&b.mpg', uploadId: 'VXBsb2FkIElE' }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Bucket>example-bucket</Bucket><Key>a&amp;b.mpg</Key><UploadId>VXBsb2FkIElE</UploadId>' +
      '</InitiateMultipartUploadResult>',
  );
});

test('CompleteMultipartUploadResult with checksums in AWS order', () => {
  assert.equal(
    renderCompleteMultipartUpload({
      location: 'https://s3.example.com/example-bucket/my%20movie.m2ts',
      bucket: 'example-bucket',
      key: 'my movie.m2ts',
      etag: '"3858f62230ac3c915f300c664312c11f-9"',
      checksums: { SHA256: 'sha==', CRC32: 'crc==' },
      checksumType: 'COMPOSITE',
    }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Location>https://s3.example.com/example-bucket/my%20movie.m2ts</Location>' +
      '<Bucket>example-bucket</Bucket><Key>my movie.m2ts</Key>' +
      '<ETag>&quot;3858f62230ac3c915f300c664312c11f-9&quot;</ETag>' +
      '<ChecksumCRC32>crc==</ChecksumCRC32><ChecksumSHA256>sha==</ChecksumSHA256><ChecksumType>COMPOSITE</ChecksumType>' +
      '</CompleteMultipartUploadResult>',
  );
});

test('CopyPartResult', () => {
  assert.equal(
    renderCopyPartResult({ etag: '"b92a2b8d"', lastModified: T, checksums: { CRC32C: 'c==' } }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<CopyPartResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>&quot;b92a2b8d&quot;</ETag><ChecksumCRC32C>c==</ChecksumCRC32C>' +
      '</CopyPartResult>',
  );
});

test('ListPartsResult', () => {
  assert.equal(
    renderListParts({
      bucket: 'example-bucket',
      key: 'example-object',
      uploadId: 'XXBsb2FkIElE',
      initiator: { id: 'arn:aws:iam::111122223333:user/some-user', displayName: 'umat-user' },
      owner: { id: 'owner-id' },
      partNumberMarker: 1,
      nextPartNumberMarker: 3,
      maxParts: 2,
      isTruncated: true,
      checksumAlgorithm: 'CRC32',
      checksumType: 'FULL_OBJECT',
      parts: [
        { partNumber: 2, lastModified: T, etag: '"7778aef83f66abc1fa1e8477f296d394"', size: 10485760, checksums: { CRC32: 'AAAAAA==' } },
        { partNumber: 3, lastModified: T, etag: '"aaaa18db4cc2f85cedef654fccc4a4x8"', size: 10485760 },
      ],
    }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Bucket>example-bucket</Bucket><Key>example-object</Key><UploadId>XXBsb2FkIElE</UploadId>' +
      '<Initiator><ID>arn:aws:iam::111122223333:user/some-user</ID><DisplayName>umat-user</DisplayName></Initiator>' +
      '<Owner><ID>owner-id</ID></Owner><StorageClass>STANDARD</StorageClass>' +
      '<PartNumberMarker>1</PartNumberMarker><NextPartNumberMarker>3</NextPartNumberMarker><MaxParts>2</MaxParts>' +
      '<IsTruncated>true</IsTruncated><ChecksumAlgorithm>CRC32</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType>' +
      '<Part><PartNumber>2</PartNumber><LastModified>2009-10-12T17:50:30.000Z</LastModified>' +
      '<ETag>&quot;7778aef83f66abc1fa1e8477f296d394&quot;</ETag><Size>10485760</Size><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>' +
      '<Part><PartNumber>3</PartNumber><LastModified>2009-10-12T17:50:30.000Z</LastModified>' +
      '<ETag>&quot;aaaa18db4cc2f85cedef654fccc4a4x8&quot;</ETag><Size>10485760</Size></Part>' +
      '</ListPartsResult>',
  );
});

test('ListPartsResult: no parts yet, PartNumberMarker defaults to 0', () => {
  assert.equal(
    renderListParts({
      bucket: 'b',
      key: 'k',
      uploadId: 'u',
      initiator: { id: 'o' },
      owner: { id: 'o' },
      maxParts: 1000,
      isTruncated: false,
      parts: [],
    }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId><Initiator><ID>o</ID></Initiator><Owner><ID>o</ID></Owner>' +
      '<StorageClass>STANDARD</StorageClass><PartNumberMarker>0</PartNumberMarker><MaxParts>1000</MaxParts>' +
      '<IsTruncated>false</IsTruncated>' +
      '</ListPartsResult>',
  );
});

test('ListMultipartUploadsResult', () => {
  assert.equal(
    renderListMultipartUploads({
      bucket: 'bucket',
      keyMarker: 'a',
      nextKeyMarker: 'my-movie.m2ts',
      nextUploadIdMarker: 'VXBsb2FkIElE',
      prefix: 'my',
      delimiter: '/',
      maxUploads: 3,
      isTruncated: true,
      encodingType: 'url',
      uploads: [
        {
          key: 'my-movie.m2ts',
          uploadId: 'VXBsb2FkIElE',
          initiator: { id: 'init' },
          owner: { id: 'owner', displayName: 'me' },
          initiated: T,
          checksumAlgorithm: 'SHA256',
          checksumType: 'COMPOSITE',
        },
      ],
      commonPrefixes: ['my/photos/'],
    }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Bucket>bucket</Bucket><KeyMarker>a</KeyMarker><UploadIdMarker></UploadIdMarker>' +
      '<NextKeyMarker>my-movie.m2ts</NextKeyMarker><NextUploadIdMarker>VXBsb2FkIElE</NextUploadIdMarker>' +
      '<Prefix>my</Prefix><Delimiter>/</Delimiter><EncodingType>url</EncodingType>' +
      '<MaxUploads>3</MaxUploads><IsTruncated>true</IsTruncated>' +
      '<Upload><Key>my-movie.m2ts</Key><UploadId>VXBsb2FkIElE</UploadId><Initiator><ID>init</ID></Initiator>' +
      '<Owner><ID>owner</ID><DisplayName>me</DisplayName></Owner><StorageClass>STANDARD</StorageClass>' +
      '<Initiated>2009-10-12T17:50:30.000Z</Initiated><ChecksumAlgorithm>SHA256</ChecksumAlgorithm>' +
      '<ChecksumType>COMPOSITE</ChecksumType></Upload>' +
      '<CommonPrefixes><Prefix>my/photos/</Prefix></CommonPrefixes>' +
      '</ListMultipartUploadsResult>',
  );
});
