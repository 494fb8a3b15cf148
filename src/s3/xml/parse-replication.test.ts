import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReplicationConfiguration } from './parse-replication.js';
import { renderReplicationConfiguration } from './render-replication.js';

const ROLE = '<Role>arn:aws:iam::123456789012:role/replication</Role>';
const doc = (rules: string) => `<ReplicationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${ROLE}${rules}</ReplicationConfiguration>`;
const dest = '<Destination><Bucket>arn:aws:s3:::dest-bucket</Bucket></Destination>';
const v2 = (inner: string, filter = '<Filter><Prefix>logs/</Prefix></Filter>') =>
  `<Rule><ID>r1</ID><Priority>1</Priority>${filter}<Status>Enabled</Status>${inner}<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication></Rule>`;

test('parses the AWS V2 example with Filter/And/Prefix, StorageClass and DeleteMarkerReplication', () => {
  const body = doc(`
  <Rule>
    <ID>rule-1</ID>
    <Priority>2</Priority>
    <Filter><And><Prefix>TaxDocs</Prefix></And></Filter>
    <Status>Enabled</Status>
    <Destination><Bucket>arn:aws:s3:::dest-bucket</Bucket><StorageClass>STANDARD_IA</StorageClass></Destination>
    <DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication>
    <ExistingObjectReplication><Status>Disabled</Status></ExistingObjectReplication>
  </Rule>
  <Rule>
    <ID>rule-2</ID><Priority>1</Priority><Filter/><Status>Disabled</Status>${dest}
    <DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication>
  </Rule>`);
  assert.deepEqual(parseReplicationConfiguration(body), {
    role: 'arn:aws:iam::123456789012:role/replication',
    rules: [
      { id: 'rule-1', priority: 2, status: 'Enabled', prefix: 'TaxDocs', destinationBucket: 'dest-bucket', deleteMarkerReplication: true, storageClass: 'STANDARD_IA' },
      { id: 'rule-2', priority: 1, status: 'Disabled', prefix: '', destinationBucket: 'dest-bucket', deleteMarkerReplication: false },
    ],
  });
});

test('legacy top-level Prefix rules (V1): priority 0, delete markers replicated, generated ID', () => {
  const parsed = parseReplicationConfiguration(doc(`<Rule><Prefix>a/</Prefix><Status>Enabled</Status>${dest}</Rule>`), { newId: () => 'gen-1' });
  assert.deepEqual(parsed.rules, [{ id: 'gen-1', priority: 0, status: 'Enabled', prefix: 'a/', destinationBucket: 'dest-bucket', deleteMarkerReplication: true }]);
  const random = parseReplicationConfiguration(doc(`<Rule><Prefix></Prefix><Status>Enabled</Status>${dest}</Rule>`));
  assert.match(random.rules[0]?.id ?? '', /^[A-Za-z0-9+/]{48}$/);
});

test('golden GetBucketReplication XML, and round trip', () => {
  const config = {
    role: 'arn:aws:iam::1:role/r&d',
    rules: [
      { id: 'a', priority: 1, status: 'Enabled' as const, prefix: 'x<y', destinationBucket: 'dst', deleteMarkerReplication: false, storageClass: 'STANDARD' },
      { id: 'b', priority: 0, status: 'Disabled' as const, prefix: '', destinationBucket: 'dst2', deleteMarkerReplication: true },
    ],
  };
  const xml = renderReplicationConfiguration(config);
  assert.equal(
    xml,
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<ReplicationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Role>arn:aws:iam::1:role/r&amp;d</Role>' +
      '<Rule><ID>a</ID><Priority>1</Priority><Filter><Prefix>x&lt;y</Prefix></Filter><Status>Enabled</Status>' +
      '<Destination><Bucket>arn:aws:s3:::dst</Bucket><StorageClass>STANDARD</StorageClass></Destination>' +
      '<DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication></Rule>' +
      '<Rule><ID>b</ID><Priority>0</Priority><Filter><Prefix></Prefix></Filter><Status>Disabled</Status>' +
      '<Destination><Bucket>arn:aws:s3:::dst2</Bucket></Destination>' +
      '<DeleteMarkerReplication><Status>Enabled</Status></DeleteMarkerReplication></Rule></ReplicationConfiguration>',
  );
  assert.deepEqual(parseReplicationConfiguration(xml), config);
});

test('malformed documents are MalformedXML', () => {
  const cases = [
    '',
    '<ReplicationConfiguration>',
    `<ReplicationConfiguration>${ROLE}</ReplicationConfiguration>`,
    `<ReplicationConfiguration><Rule><Prefix/><Status>Enabled</Status>${dest}</Rule></ReplicationConfiguration>`,
    doc(`<Rule><Prefix/><Status>On</Status>${dest}</Rule>`),
    doc(`<Rule><Prefix/>${dest}</Rule>`),
    doc(`<Rule><Status>Enabled</Status>${dest}</Rule>`),
    doc(`<Rule><Prefix/><Filter/><Status>Enabled</Status>${dest}</Rule>`),
    doc(`<Rule><Prefix/><Status>Enabled</Status></Rule>`),
    doc(`<Rule><Prefix/><Status>Enabled</Status>${dest}<Bogus/></Rule>`),
    doc(v2('', '<Filter><Prefix>a</Prefix><And><Prefix>b</Prefix></And></Filter>')),
    doc(v2(dest).replace('<Status>Disabled</Status></DeleteMarkerReplication>', '<Status>maybe</Status></DeleteMarkerReplication>')),
    `<Other>${ROLE}</Other>`,
  ];
  for (const body of cases) assert.throws(() => parseReplicationConfiguration(body), { code: 'MalformedXML' }, body);
  const many = Array.from({ length: 1001 }, (_, i) => `<Rule><ID>r${i}</ID><Prefix/><Status>Enabled</Status>${dest}</Rule>`).join('');
  assert.throws(() => parseReplicationConfiguration(doc(many)), { code: 'MalformedXML', message: /at most 1000/ });
});

test('bad values are InvalidArgument / InvalidRequest / InvalidStorageClass', () => {
  const bad = (body: string, code: string, message?: RegExp) =>
    assert.throws(() => parseReplicationConfiguration(body), { code, ...(message ? { message } : {}) }, body);
  bad(doc(v2('<Destination><Bucket>dest-bucket</Bucket></Destination>')), 'InvalidArgument', /ARN/);
  bad(doc(v2('<Destination><Bucket>arn:aws:s3:::a/b</Bucket></Destination>')), 'InvalidArgument', /ARN/);
  bad(doc(v2(dest).replace('<Priority>1</Priority>', '<Priority>-1</Priority>')), 'InvalidArgument', /Priority/);
  bad(doc(v2(dest) + v2(dest).replace('<ID>r1</ID>', '<ID>r2</ID>')), 'InvalidArgument', /duplicate priority/);
  bad(doc(v2(dest) + v2(dest).replace('<Priority>1</Priority>', '<Priority>2</Priority>')), 'InvalidArgument', /unique/);
  bad(doc(v2(dest).replace('<ID>r1</ID>', `<ID>${'x'.repeat(256)}</ID>`)), 'InvalidArgument', /ID/);
  bad(doc(v2('<Destination><Bucket>arn:aws:s3:::d</Bucket><StorageClass>FAST</StorageClass></Destination>')), 'InvalidStorageClass');
  bad(doc(v2(dest).replace(/<DeleteMarkerReplication>.*<\/DeleteMarkerReplication>/, '')), 'InvalidRequest', /DeleteMarkerReplication must be specified/);
  bad(doc(v2(dest).replace('<Priority>1</Priority>', '')), 'InvalidRequest', /Priority must be specified/);
  bad(doc(v2(dest, `<Filter><Prefix>${'p'.repeat(1025)}</Prefix></Filter>`)), 'InvalidArgument', /Prefix/);
});

test('unsupported features are NotImplemented, never ignored', () => {
  const ni = (body: string, message: RegExp) => assert.throws(() => parseReplicationConfiguration(body), { code: 'NotImplemented', message }, body);
  ni(doc(v2(dest, '<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter>')), /tags/);
  ni(doc(v2(dest, '<Filter><And><Prefix>p</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter>')), /tags/);
  ni(doc(v2(`${dest}<ExistingObjectReplication><Status>Enabled</Status></ExistingObjectReplication>`)), /Existing object/);
  ni(doc(v2(`${dest}<SourceSelectionCriteria><ReplicaModifications><Status>Enabled</Status></ReplicaModifications></SourceSelectionCriteria>`)), /SourceSelectionCriteria/);
  const inDest = (inner: string) => `<Destination><Bucket>arn:aws:s3:::d</Bucket>${inner}</Destination>`;
  ni(doc(v2(inDest('<EncryptionConfiguration><ReplicaKmsKeyID>k</ReplicaKmsKeyID></EncryptionConfiguration>'))), /EncryptionConfiguration/);
  ni(doc(v2(inDest('<ReplicationTime><Status>Enabled</Status><Time><Minutes>15</Minutes></Time></ReplicationTime>'))), /Replication Time Control/);
  ni(doc(v2(inDest('<Metrics><Status>Enabled</Status></Metrics>'))), /metrics/);
  ni(doc(v2(inDest('<AccessControlTranslation><Owner>Destination</Owner></AccessControlTranslation>'))), /owner override/);
  ni(doc(v2(inDest('<Account>123456789012</Account>'))), /Cross-account/);
});
