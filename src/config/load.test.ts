import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isAppError } from '../core/errors.js';
import { configHelp, loadConfig } from './load.js';
import { CONFIG_FIELDS } from './schema.js';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(isAppError(e), `expected an AppError, got ${String(e)}`);
    return e.message;
  }
  throw new Error('expected a refusal');
}

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const c = loadConfig([], {});
    assert.equal(c.dataDir, './sovra-data');
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 9000);
    assert.equal(c.fsync, true);
    assert.deepEqual(c.domains, ['localhost']);
    assert.ok(Object.isFrozen(c));
  });

  it('lets environment override defaults and flags override environment', () => {
    const env = { SOVRA_PORT: '9100', SOVRA_DATA_DIR: '/srv/a', SOVRA_FSYNC: 'false', SOVRA_DOMAINS: 'S3.Example.test, localhost' };
    const fromEnv = loadConfig([], env);
    assert.equal(fromEnv.port, 9100);
    assert.equal(fromEnv.dataDir, '/srv/a');
    assert.equal(fromEnv.fsync, false);
    assert.deepEqual(fromEnv.domains, ['s3.example.test', 'localhost']);
    const flags = loadConfig(['--port', '9200', '--data-dir=/srv/b', '--fsync'], env);
    assert.equal(flags.port, 9200);
    assert.equal(flags.dataDir, '/srv/b');
    assert.equal(flags.fsync, true);
    assert.equal(loadConfig(['--no-fsync'], {}).fsync, false);
  });

  it('reads secrets from <NAME>_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sovra-config-'));
    try {
      writeFileSync(join(dir, 'secret'), 'file-secret-123\n');
      const c = loadConfig([], { SOVRA_ROOT_ACCESS_KEY: 'AK', SOVRA_ROOT_SECRET_KEY_FILE: join(dir, 'secret') });
      assert.equal(c.rootSecretKey, 'file-secret-123');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad input with a message naming the option', () => {
    assert.match(refusal(() => loadConfig(['--prot', '1'], {})), /Unknown option --prot/);
    assert.match(refusal(() => loadConfig(['--port'], {})), /--port needs a value/);
    assert.match(refusal(() => loadConfig(['--port', 'abc'], {})), /--port must be a non-negative integer/);
    assert.match(refusal(() => loadConfig(['--port', '70000'], {})), /at most 65535/);
    assert.match(refusal(() => loadConfig([], { SOVRA_FSYNC: 'maybe' })), /SOVRA_FSYNC must be true or false/);
    assert.match(refusal(() => loadConfig([], { SOVRA_ROOT_ACCESS_KEY: 'AK' })), /both SOVRA_ROOT_ACCESS_KEY and SOVRA_ROOT_SECRET_KEY/);
    assert.match(refusal(() => loadConfig([], { SOVRA_ROOT_ACCESS_KEY: 'AK', SOVRA_ROOT_SECRET_KEY: 'short' })), /at least 8/);
  });

  it('documents every field in --help', () => {
    const help = configHelp();
    for (const f of CONFIG_FIELDS) {
      assert.ok(help.includes(f.flag), `--help lacks ${f.flag}`);
      assert.ok(help.includes(f.env), `--help lacks ${f.env}`);
    }
  });
});
