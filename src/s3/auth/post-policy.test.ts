/** Signed POST policies: the AWS documentation example, the real SDK's createPresignedPost, and each rule. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { verifyPostPolicy } from './index.js';
import { AKID, CREDS, lookup, SECRET, signingKeyFor } from './sigv4-fixtures.js';

test('the AWS POST example (sigv4-post-example): policy base64 and signature 8afdbf40…', async () => {
  const policyJson = [
    '{ "expiration": "2015-12-30T12:00:00.000Z",',
    '  "conditions": [',
    '    {"bucket": "sigv4examplebucket"},',
    '    ["starts-with", "$key", "user/user1/"],',
    '    {"acl": "public-read"},',
    '    {"success_action_redirect": "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"},',
    '    ["starts-with", "$Content-Type", "image/"],',
    '    {"x-amz-meta-uuid": "14365123651274"},',
    '    {"x-amz-server-side-encryption": "AES256"},',
    '    ["starts-with", "$x-amz-meta-tag", ""],',
    '',
    '    {"x-amz-credential": "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"},',
    '    {"x-amz-algorithm": "AWS4-HMAC-SHA256"},',
    '    {"x-amz-date": "20151229T000000Z" }',
    '  ]',
    '}',
  ].join('\r\n');
  const policy = Buffer.from(policyJson).toString('base64');
  assert.ok(policy.startsWith('eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0K'));
  assert.ok(policy.endsWith('IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9'));
  const fields = {
    key: 'user/user1/${filename}',
    acl: 'public-read',
    success_action_redirect: 'http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html',
    'Content-Type': 'image/jpeg',
    'x-amz-meta-uuid': '14365123651274',
    'x-amz-server-side-encryption': 'AES256',
    'X-Amz-Credential': 'AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request',
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Date': '20151229T000000Z',
    'x-amz-meta-tag': '',
    Policy: policy,
    'X-Amz-Signature': '8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e',
  };
  const exampleLookup = (id: string) =>
    id === 'AKIAIOSFODNN7EXAMPLE' ? { accessKeyId: id, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } : undefined;
  const result = await verifyPostPolicy(fields, {
    lookup: exampleLookup,
    bucket: 'sigv4examplebucket',
    now: new Date('2015-12-29T10:00:00Z'),
  });
  assert.equal(result.accessKeyId, 'AKIAIOSFODNN7EXAMPLE');
  assert.equal(result.region, 'us-east-1');
  assert.equal(result.conditions.expiration.toISOString(), '2015-12-30T12:00:00.000Z');
  assert.equal(result.conditions.contentLengthRange, undefined);
  await assert.rejects(
    verifyPostPolicy({ ...fields, 'Content-Type': 'text/html' }, { lookup: exampleLookup, bucket: 'sigv4examplebucket', now: new Date('2015-12-29T10:00:00Z') }),
    { code: 'AccessDenied', message: 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$content-type", "image/"]' },
  );
});

test('fields from the SDK createPresignedPost verify, and content-length-range is enforced after upload', async () => {
  const client = new S3Client({ region: 'eu-west-3', credentials: CREDS, endpoint: 'http://127.0.0.1:9', forcePathStyle: true });
  const { fields } = await createPresignedPost(client as unknown as Parameters<typeof createPresignedPost>[0], {
    Bucket: 'uploads',
    Key: 'users/42/${filename}',
    Conditions: [['content-length-range', 10, 1000], ['starts-with', '$Content-Type', 'image/']],
    Fields: { 'Content-Type': 'image/png', success_action_status: '201' },
    Expires: 600,
  });
  client.destroy();
  const result = await verifyPostPolicy(fields, { lookup, bucket: 'uploads' });
  assert.equal(result.accessKeyId, AKID);
  assert.equal(result.region, 'eu-west-3');
  assert.deepEqual(result.conditions.contentLengthRange, { min: 10, max: 1000 });
  result.conditions.checkContentLength(10);
  result.conditions.checkContentLength(1000);
  assert.throws(() => result.conditions.checkContentLength(9), { code: 'EntityTooSmall' });
  assert.throws(() => result.conditions.checkContentLength(1001), { code: 'EntityTooLarge' });
  // Another bucket, another key prefix, an unlisted field: all refused.
  await assert.rejects(verifyPostPolicy(fields, { lookup, bucket: 'other' }), { code: 'AccessDenied' });
  await assert.rejects(verifyPostPolicy({ ...fields, key: 'users/43/x' }, { lookup, bucket: 'uploads' }), { code: 'AccessDenied' });
  await assert.rejects(verifyPostPolicy({ ...fields, 'x-amz-meta-extra': '1' }, { lookup, bucket: 'uploads' }), {
    code: 'AccessDenied',
    message: 'Invalid according to Policy: Extra input fields: x-amz-meta-extra',
  });
  await verifyPostPolicy({ ...fields, 'x-ignore-tracking': '1' }, { lookup, bucket: 'uploads' });
  // Expired once the policy's expiration has passed.
  await assert.rejects(verifyPostPolicy(fields, { lookup, bucket: 'uploads', now: new Date(Date.now() + 601_000) }), {
    code: 'AccessDenied',
    message: 'Invalid according to Policy: Policy expired.',
  });
});

const DATE = '20250102T030405Z';
const CREDENTIAL = `${AKID}/20250102/eu-west-3/s3/aws4_request`;
const NOW = new Date('2025-01-02T04:00:00Z');

/** Signs a policy per the AWS docs: HMAC(signing key, base64(policy JSON)). */
function signedForm(conditions: unknown[], fields: Record<string, string>, expiration = '2025-01-02T05:00:00Z'): Record<string, string> {
  const base = { 'x-amz-algorithm': 'AWS4-HMAC-SHA256', 'x-amz-credential': CREDENTIAL, 'x-amz-date': DATE };
  const policy = Buffer.from(
    JSON.stringify({
      expiration,
      conditions: [...conditions, ...Object.entries(base).map(([k, v]) => ({ [k]: v }))],
    }),
  ).toString('base64');
  const signature = createHmac('sha256', signingKeyFor(SECRET, '20250102', 'eu-west-3')).update(policy).digest('hex');
  return { ...fields, ...base, policy, 'x-amz-signature': signature };
}

test('eq, starts-with (also on comma-separated Content-Type) and exact-match conditions', async () => {
  const conditions = [
    { bucket: 'b' },
    ['eq', '$key', 'exact/key.txt'],
    ['starts-with', '$Content-Type', 'image/'],
    ['starts-with', '$x-amz-meta-note', ''],
    { acl: 'private' },
    ['content-length-range', 0, 100],
    ['content-length-range', 5, 200],
  ];
  const ok = signedForm(conditions, { key: 'exact/key.txt', 'Content-Type': 'image/png, image/gif', 'x-amz-meta-note': 'anything', acl: 'private' });
  const result = await verifyPostPolicy(ok, { lookup, bucket: 'b', now: NOW });
  assert.deepEqual(result.conditions.contentLengthRange, { min: 5, max: 100 });
  assert.equal(result.conditions.conditions.length, 10);

  const refuse = async (changes: Record<string, string>, message: RegExp) => {
    await assert.rejects(verifyPostPolicy(signedForm(conditions, { ...ok, ...changes }), { lookup, bucket: 'b', now: NOW }), {
      code: 'AccessDenied',
      message,
    });
  };
  await refuse({ key: 'exact/key.txt2' }, /\["eq", "\$key", "exact\/key.txt"\]/);
  await refuse({ 'Content-Type': 'image/png, text/html' }, /starts-with/);
  await refuse({ acl: 'public-read' }, /"\$acl"/);
});

test('authentication failures and malformed forms', async () => {
  const form = signedForm([{ bucket: 'b' }, { key: 'k' }], { key: 'k' });
  const verify = (fields: Record<string, string>) => verifyPostPolicy(fields, { lookup, bucket: 'b', now: NOW });
  await verify(form);
  await assert.rejects(verify({ ...form, 'x-amz-signature': '0'.repeat(64) }), { code: 'SignatureDoesNotMatch' });
  await assert.rejects(verify({ ...form, policy: form.policy!.slice(0, -4) }), { code: 'SignatureDoesNotMatch' });
  await assert.rejects(verify({ ...form, 'x-amz-credential': CREDENTIAL.replace(AKID, 'AKIDNOBODY') }), {
    code: 'InvalidAccessKeyId',
  });
  for (const name of ['key', 'policy', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-signature']) {
    const without = { ...form };
    delete without[name];
    await assert.rejects(verify(without), (e: { code: string; details: Record<string, string> }) => {
      assert.equal(e.code, 'InvalidArgument');
      assert.equal(e.details.ArgumentName, name);
      return true;
    });
  }
  await assert.rejects(verify({ key: 'k', policy: form.policy!, AWSAccessKeyId: AKID, signature: 'x' }), { code: 'InvalidRequest' });
  await assert.rejects(verify({ ...form, 'x-amz-algorithm': 'AWS4-HMAC-SHA1' }), { code: 'InvalidArgument' });
  await assert.rejects(verify({ ...form, 'x-amz-date': '20250103T000000Z' }), { code: 'InvalidArgument' });
  await assert.rejects(verify({ ...form, 'X-Amz-Date': DATE }), { code: 'InvalidArgument' });
  const notJson = signedForm([], { key: 'k' });
  const garbage = Buffer.from('{"expiration": "2025-01-02T05:00:00Z", "conditions": [["between", "$key", 1]]}').toString('base64');
  const garbageSig = createHmac('sha256', signingKeyFor(SECRET, '20250102', 'eu-west-3')).update(garbage).digest('hex');
  await assert.rejects(verify({ ...notJson, policy: garbage, 'x-amz-signature': garbageSig }), { code: 'InvalidArgument' });
  await assert.rejects(verifyPostPolicy(signedForm([{ key: 'k' }], { key: 'k' }, 'soon'), { lookup, bucket: 'b', now: NOW }), {
    code: 'InvalidArgument',
  });
});
