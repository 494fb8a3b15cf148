/**
 * `sovra serve` as a real process: on first start the root secret is printed once (also
 * with cluster workers, where the primary creates the credentials before forking), and
 * never again: Sovra keeps only an encrypted copy.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const MAIN = new URL('./main.js', import.meta.url).pathname;

/** Starts serve, waits for the banner's last line, stops it, and returns what it printed. */
function bannerOf(dataDir: string, workers: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env['SOVRA_ROOT_ACCESS_KEY'];
    delete env['SOVRA_ROOT_SECRET_KEY'];
    const child = spawn(process.execPath, [MAIN, 'serve', '--data-dir', dataDir, '--port', '0', '--workers', String(workers), '--no-fsync'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no banner within 30 s: ${out}`));
    }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // The banner ends with the secret's line: "in <file>" / "from ...", or the secret and "(shown once ...)".
      if (/Root secret key: +(as printed|from) .*\n/.test(out) || /shown once.*\n/.test(out)) child.kill('SIGTERM');
    });
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

describe('sovra serve banner', () => {
  for (const workers of [1, 2]) {
    it(`prints the root secret once, on first start (${workers} worker${workers > 1 ? 's' : ''})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sovra-banner-'));
      try {
        const first = await bannerOf(dir, workers);
        const secret = /Root secret key: +(\S+)\n/.exec(first)?.[1] ?? '';
        const keyId = /Root access key: +(\S+)/.exec(first)?.[1] ?? '';
        assert.match(secret, /^[A-Za-z0-9]{40}$/);
        assert.match(first, /shown once/);
        // Nothing in the data dir holds it in plain text (only an encrypted copy).
        assert.ok(!readFileSync(join(dir, 'control', 'accounts.db')).includes(Buffer.from(secret)));
        const second = await bannerOf(dir, workers);
        assert.ok(!second.includes(secret), 'the secret is not shown again');
        assert.match(second, new RegExp(`Root access key: +${keyId}`));
        assert.match(second, /Root secret key: +as printed at first start/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
