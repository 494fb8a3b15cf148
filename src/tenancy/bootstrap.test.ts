import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ensureOperator } from './bootstrap.js';
import { SqliteCredentialResolver } from './credential-resolver.js';
import { OPERATOR_ACCOUNT_ID, ROOT_USER_NAME } from './model.js';
import { SecretBox } from './secret-box.js';
import { SqliteAccountStore } from './sqlite-account-store.js';
import { parseIdentityPolicy } from './test-support.js';

describe('ensureOperator', () => {
  let dir: string;
  let store: SqliteAccountStore;
  let box: SecretBox;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sovra-boot-'));
    store = new SqliteAccountStore(join(dir, 'accounts.db'));
    box = new SecretBox(randomBytes(32));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const resolve = (id: string) => new SqliteCredentialResolver({ store, box, parseIdentityPolicy: parseIdentityPolicy }).lookupKey(id);

  it('creates the operator, its root admin and one key once; the secret is returned only then', async () => {
    const first = ensureOperator(store, box);
    assert.equal(first.created, true);
    assert.equal(first.secretAccessKey?.length, 40);
    const again = ensureOperator(store, box);
    assert.deepEqual(again, { accessKeyId: first.accessKeyId, created: false });
    const account = store.getAccount(OPERATOR_ACCOUNT_ID);
    assert.equal(account?.kind, 'operator');
    assert.equal(account?.name, 'operator');
    const root = store.getUserByName(OPERATOR_ACCOUNT_ID, ROOT_USER_NAME);
    assert.equal(root?.admin, true);
    assert.equal(store.keysOf(root!.id).length, 1);
    const r = await resolve(first.accessKeyId);
    assert.equal(r?.secretAccessKey, first.secretAccessKey);
    assert.equal(r?.principal.admin, true);
    assert.equal(r?.principal.accountKind, 'operator');
  });

  it('makes given root credentials the one active root key (inserted, then updated)', async () => {
    const generated = ensureOperator(store, box);
    const given = ensureOperator(store, box, { root: { accessKeyId: 'SVROOTFROMENV00000000', secretAccessKey: 'secret-one' } });
    assert.deepEqual(given, { accessKeyId: 'SVROOTFROMENV00000000', created: false });
    assert.equal((await resolve('SVROOTFROMENV00000000'))?.secretAccessKey, 'secret-one');
    assert.equal((await resolve(generated.accessKeyId))?.disabled, true);
    ensureOperator(store, box, { root: { accessKeyId: 'SVROOTFROMENV00000000', secretAccessKey: 'secret-two' } });
    assert.equal((await resolve('SVROOTFROMENV00000000'))?.secretAccessKey, 'secret-two');
    // A third key id keeps the root user within two keys.
    ensureOperator(store, box, { root: { accessKeyId: 'SVROOTOTHER000000000', secretAccessKey: 'secret-3' } });
    const keys = store.keysOf(store.getUserByName(OPERATOR_ACCOUNT_ID, ROOT_USER_NAME)!.id);
    assert.equal(keys.length, 2);
    assert.deepEqual(keys.filter((k) => k.status === 'active').map((k) => k.accessKeyId), ['SVROOTOTHER000000000']);
  });

  it('imports the plaintext root-credentials.json of the storage core and deletes it', async () => {
    const file = join(dir, 'root-credentials.json');
    writeFileSync(file, JSON.stringify({ accessKeyId: 'SVLEGACY000000000000', secretAccessKey: 'legacy-secret' }), { mode: 0o600 });
    const r = ensureOperator(store, box, { legacyCredentialsFile: file });
    assert.deepEqual(r, { accessKeyId: 'SVLEGACY000000000000', created: false });
    assert.equal(existsSync(file), false);
    assert.equal((await resolve('SVLEGACY000000000000'))?.secretAccessKey, 'legacy-secret');
    assert.deepEqual(ensureOperator(store, box, { legacyCredentialsFile: file }), { accessKeyId: 'SVLEGACY000000000000', created: false });
  });

  it('is safe when several processes start at once: one creates, the others use its key', async () => {
    store.close();
    const key = randomBytes(32).toString('hex');
    const script = `
      import { SqliteAccountStore } from ${JSON.stringify(new URL('./sqlite-account-store.js', import.meta.url).href)};
      import { SecretBox } from ${JSON.stringify(new URL('./secret-box.js', import.meta.url).href)};
      import { ensureOperator } from ${JSON.stringify(new URL('./bootstrap.js', import.meta.url).href)};
      const store = new SqliteAccountStore(process.argv[1]);
      const r = ensureOperator(store, new SecretBox(Buffer.from(process.argv[2], 'hex')));
      store.close();
      console.log(JSON.stringify(r));
    `;
    const file = join(dir, 'shared', 'accounts.db');
    const run = promisify(execFile);
    const results = await Promise.all([1, 2, 3, 4].map(() => run(process.execPath, ['--input-type=module', '-e', script, file, key])));
    const parsed = results.map((r) => JSON.parse(r.stdout) as { accessKeyId: string; created: boolean; secretAccessKey?: string });
    assert.equal(parsed.filter((p) => p.created).length, 1);
    assert.equal(new Set(parsed.map((p) => p.accessKeyId)).size, 1);
    store = new SqliteAccountStore(file);
    assert.equal(store.keysOf(store.getUserByName(OPERATOR_ACCOUNT_ID, ROOT_USER_NAME)!.id).length, 1);
  });
});
