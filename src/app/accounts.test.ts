import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import { accountsDbPath, bootstrapOperator } from './accounts.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'sovra-accounts-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('bootstrapOperator', () => {
  it('generates the root key once, shows its secret only then, and stores it encrypted', () => {
    withDir((dir) => {
      const config = loadConfig(['--data-dir', dir], {});
      const first = bootstrapOperator(config);
      assert.equal(first.created, true);
      assert.match(first.accessKeyId, /^SV[A-Z0-9]{18}$/);
      assert.ok((first.secretAccessKey ?? '').length >= 30);
      assert.equal(statSync(join(dir, 'control', 'server.key')).mode & 0o777, 0o600);
      // The secret is nowhere in the account store's files in plain text.
      for (const f of ['', '-wal']) {
        const file = accountsDbPath(dir) + f;
        if (existsSync(file)) assert.ok(!readFileSync(file).includes(Buffer.from(first.secretAccessKey ?? '')), `${file} holds the secret`);
      }
      const again = bootstrapOperator(config);
      assert.deepEqual([again.created, again.accessKeyId, again.secretAccessKey], [false, first.accessKeyId, undefined]);
    });
  });

  it('takes the root key from config, and imports (then deletes) the old plaintext root-credentials.json', () => {
    withDir((dir) => {
      const configured = bootstrapOperator(loadConfig(['--data-dir', dir], { SOVRA_ROOT_ACCESS_KEY: 'SVCONFIGURED0000001', SOVRA_ROOT_SECRET_KEY: 'configured-secret-0123456789' }));
      assert.deepEqual([configured.accessKeyId, configured.created], ['SVCONFIGURED0000001', false]);
    });
    withDir((dir) => {
      const legacy = join(dir, 'root-credentials.json');
      writeFileSync(legacy, JSON.stringify({ accessKeyId: 'SVLEGACY00000000001', secretAccessKey: 'legacy-secret-0123456789abcdef' }));
      const imported = bootstrapOperator(loadConfig(['--data-dir', dir], {}));
      assert.deepEqual([imported.accessKeyId, imported.created], ['SVLEGACY00000000001', false]);
      assert.equal(existsSync(legacy), false);
    });
  });
});
