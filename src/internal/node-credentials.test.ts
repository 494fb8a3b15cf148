import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { isAppError } from '../core/errors.js';
import { nodeCredentials, nodeIdOfAccessKey, nodeKeyLookup } from './node-credentials.js';

const SECRET = 'cluster-secret-0123456789-abcdefghij';

const SCOPE = { date: '20260101', region: 'eu-fra', service: 'sovra-internal' };

test('node credentials are derived from the cluster secret and the node id', () => {
  const fra = nodeCredentials(SECRET, 'eu-fra');
  assert.equal(fra.accessKeyId, 'SOVRANODE-eu-fra');
  assert.equal(fra.secretAccessKey, createHmac('sha256', SECRET).update('sovra-node:eu-fra').digest('base64url'));
  assert.deepEqual(nodeCredentials(SECRET, 'eu-fra'), fra);
  assert.notEqual(nodeCredentials(SECRET, 'uk-lon').secretAccessKey, fra.secretAccessKey);
  assert.notEqual(nodeCredentials(SECRET + 'x', 'eu-fra').secretAccessKey, fra.secretAccessKey);
  assert.equal(nodeCredentials(SECRET, 'control-plane').accessKeyId, 'SOVRANODE-control-plane');
  assert.equal(nodeIdOfAccessKey('SOVRANODE-eu-fra'), 'eu-fra');
  assert.equal(nodeIdOfAccessKey('AKIAEXAMPLE'), undefined);
});

test('a short cluster secret and malformed node ids are refused with a clear error', () => {
  assert.throws(() => nodeCredentials('short-secret', 'eu-fra'), (e) => isAppError(e) && e.code === 'InvalidArgument' && /at least 32 characters/.test(e.message));
  assert.throws(() => nodeCredentials('x'.repeat(31), 'eu-fra'), /at least 32/);
  assert.doesNotThrow(() => nodeCredentials('x'.repeat(32), 'eu-fra'));
  for (const bad of ['', 'a/b', 'a b', 'a,b', '-x', 'x'.repeat(64)]) {
    assert.throws(() => nodeCredentials(SECRET, bad), (e) => isAppError(e) && e.code === 'InvalidArgument', bad);
  }
});

test('the lookup knows exactly the listed nodes', async () => {
  const lookup = nodeKeyLookup(SECRET, ['eu-fra', 'control-plane']);
  assert.deepEqual(await lookup('SOVRANODE-eu-fra', SCOPE), nodeCredentials(SECRET, 'eu-fra'));
  assert.deepEqual(await lookup('SOVRANODE-control-plane', SCOPE), nodeCredentials(SECRET, 'control-plane'));
  assert.equal(await lookup('SOVRANODE-uk-lon', SCOPE), undefined);
  assert.equal(await lookup('eu-fra', SCOPE), undefined);
  assert.throws(() => nodeKeyLookup('weak', ['eu-fra']), /at least 32/);
});
