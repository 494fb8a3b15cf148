/**
 * Many processes opening one new database at once (cluster workers starting together, each
 * opening every region's stores) all end up in WAL mode without "database is locked".
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const OPENER = (variant: 'enableWal' | 'plain', path: string) => `
  import Database from 'better-sqlite3';
  import { enableWal } from ${JSON.stringify(new URL('./sqlite-wal.js', import.meta.url).href)};
  const db = new Database(${JSON.stringify(path)});
  db.pragma('busy_timeout = 10000');
  ${variant === 'enableWal' ? "enableWal(db, 'test');" : "db.pragma('journal_mode = WAL');"}
  db.exec('CREATE TABLE IF NOT EXISTS t (x INTEGER)');
  db.prepare('INSERT INTO t VALUES (1)').run();
  db.close();
`;

function run(code: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: process.cwd(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (c) => resolve({ code: c, stderr }));
  });
}

describe('enableWal', () => {
  it('lets many processes open the same new database at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sovra-wal-'));
    try {
      for (let round = 0; round < 4; round++) {
        const path = join(dir, `db-${round}.sqlite`);
        const results = await Promise.all(Array.from({ length: 8 }, () => run(OPENER('enableWal', path))));
        const failed = results.filter((r) => r.code !== 0);
        assert.deepEqual(failed.map((r) => r.stderr.split('\n').find((l) => l.includes('Error')) ?? r.stderr), [], `round ${round}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
