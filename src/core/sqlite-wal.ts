/**
 * Switching a SQLite database to WAL when several processes may open it at once (node:cluster
 * workers start together). The switch needs an exclusive lock, and SQLite may answer
 * SQLITE_BUSY at once instead of calling the busy handler (when waiting could deadlock), so
 * the pragma is retried here, briefly and synchronously: this runs only at startup.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function isBusy(e: unknown): boolean {
  const code = (e as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

export function enableWal(db: Database.Database, what: string, timeoutMs = 10_000): void {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
    try {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`${what}: journal_mode is ${String(mode)}, not wal`);
      return;
    } catch (e) {
      if (!isBusy(e) || Date.now() > deadline) throw e;
      Atomics.wait(sleeper, 0, 0, delay);
    }
  }
}

/**
 * Opens (creating its directory) a database that several processes share: a busy timeout
 * instead of failing at once, WAL, and NORMAL sync (durable at each WAL checkpoint, never
 * corrupt). ':memory:' is for tests.
 */
export function openSharedDatabase(path: string, busyTimeoutMs = 10_000): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  if (!db.memory) enableWal(db, path);
  db.pragma('synchronous = NORMAL');
  return db;
}
