import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { deriveSigningKey, hmacHex } from './signing-key.js';

const reference = (key: Uint8Array, data: string | Uint8Array) => createHmac('sha256', key).update(data).digest('hex');

test('hmacHex is HMAC-SHA256 for keys of every length and data of every kind', () => {
  const keys = [0, 1, 16, 32, 63, 64, 65, 200].map((n) => randomBytes(n));
  const data: (string | Uint8Array)[] = [
    '',
    'AWS4-HMAC-SHA256\n20250101T000000Z\n20250101/eu-fra/s3/aws4_request\n' + 'ab'.repeat(32),
    'ключ € 🙂 ' + 'x'.repeat(300), // multi-byte UTF-8, near the in-place limit
    'y'.repeat(5000), // past the room after the pad
    randomBytes(0),
    randomBytes(100),
    randomBytes(3000),
  ];
  // Twice, interleaving keys: the pads kept per key must not carry one message into the next.
  for (let round = 0; round < 2; round++) {
    for (const k of keys) for (const d of data) assert.equal(hmacHex(k, d), reference(k, d), `key ${k.length} B, data ${d.length}`);
  }
});

test('hmacHex over a derived signing key matches the AWS example signature', () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/signing-elements.html (GET /?Action=ListUsers)
  const key = deriveSigningKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830', 'us-east-1', 'iam');
  const sts = 'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59';
  assert.equal(hmacHex(key, sts), '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7');
  assert.equal(hmacHex(key, sts), reference(key, sts));
});
