import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SecretBox, loadOrCreateServerKey, parseServerKey } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('seals to v1:<iv>:<tag>:<ct> and opens with the same key id', () => {
    const sealed = box.seal('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'SVAAAAAAAAAAAAAAAAAA');
    assert.match(sealed, /^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/);
    assert.ok(!sealed.includes('EXAMPLEKEY'));
    assert.notEqual(box.seal('same', 'id'), box.seal('same', 'id'), 'a fresh IV each time');
    assert.equal(box.open(sealed, 'SVAAAAAAAAAAAAAAAAAA'), 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  });

  it('refuses a ciphertext moved to another key id, altered, or opened with another server key', () => {
    const sealed = box.seal('secret', 'SVAAAAAAAAAAAAAAAAAA');
    assert.throws(() => box.open(sealed, 'SVBBBBBBBBBBBBBBBBBB'), { code: 'Internal' });
    const parts = sealed.split(':');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    assert.throws(() => box.open([parts[0], parts[1], parts[2], ct.toString('base64url')].join(':'), 'SVAAAAAAAAAAAAAAAAAA'), { code: 'Internal' });
    assert.throws(() => new SecretBox(randomBytes(32)).open(sealed, 'SVAAAAAAAAAAAAAAAAAA'), { code: 'Internal' });
    assert.throws(() => box.open('plain-text-secret', 'SVAAAAAAAAAAAAAAAAAA'), { code: 'Internal' });
    assert.throws(() => new SecretBox(randomBytes(16)));
  });
});

describe('server key', () => {
  it('is created once with mode 0600 and read back by later (and racing) callers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sovra-key-'));
    try {
      const file = join(dir, 'keys', 'server.key');
      const a = loadOrCreateServerKey(file);
      assert.equal(a.length, 32);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(loadOrCreateServerKey(file), a);
      // A box from either load opens the other's ciphertexts.
      assert.equal(new SecretBox(loadOrCreateServerKey(file)).open(new SecretBox(a).seal('s', 'k'), 'k'), 's');
      assert.equal(readFileSync(file, 'utf8').trim(), a.toString('base64'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a given key in hex or base64 instead of the file', () => {
    const key = randomBytes(32);
    const dir = mkdtempSync(join(tmpdir(), 'sovra-key-'));
    try {
      const file = join(dir, 'server.key');
      assert.deepEqual(loadOrCreateServerKey(file, key.toString('hex')), key);
      assert.deepEqual(loadOrCreateServerKey(file, key.toString('base64')), key);
      assert.deepEqual(parseServerKey(key.toString('base64url')), key);
      assert.throws(() => statSync(file), 'no file when the key is given');
      assert.throws(() => parseServerKey('too-short'));
      writeFileSync(file, 'garbage\n');
      assert.throws(() => loadOrCreateServerKey(file), /32 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
