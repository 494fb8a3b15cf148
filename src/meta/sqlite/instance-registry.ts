/**
 * InstanceRegistry on SQLite's own file locking. Each registration is a tiny SQLite file
 * `<db>-instances/<id>.lock` that its owner keeps under an EXCLUSIVE lock (locking_mode
 * EXCLUSIVE plus one write) for as long as it lives. The kernel drops that lock when the
 * process dies, even by kill -9, so a prober that can take a write lock on the file knows the
 * owner is gone and removes it; BUSY means alive. SQLite coordinates locks between
 * connections of one process too, so two stores in the same process see each other.
 * A file is created under a temporary name, locked, then renamed into place, so a prober
 * never mistakes a half-registered file for a dead one. An in-memory database has no
 * other processes: only this process's registrations are live.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { InstanceLease, InstanceRegistry, LiveInstance } from '../instance-registry.js';

const LOCK_FILE = /^([0-9a-f]{32})\.(lock|tmp)$/;
/** A .tmp file this old was abandoned mid-registration (registration takes milliseconds). */
const STALE_TMP_MS = 60_000;

export class SqliteInstanceRegistry implements InstanceRegistry {
  private readonly held = new Map<string, { handle: Database.Database | undefined; registeredAt: Date }>();

  /** dir undefined: in-memory database, registrations are process-local. */
  constructor(private readonly dir: string | undefined) {}

  async register(): Promise<InstanceLease> {
    const id = randomBytes(16).toString('hex');
    const registeredAt = new Date();
    let handle: Database.Database | undefined;
    if (this.dir !== undefined) {
      mkdirSync(this.dir, { recursive: true });
      const tmp = join(this.dir, `${id}.tmp`);
      handle = new Database(tmp, { timeout: 0 });
      try {
        handle.pragma('journal_mode = MEMORY');
        handle.pragma('locking_mode = EXCLUSIVE');
        handle.exec('BEGIN EXCLUSIVE; CREATE TABLE lease (id TEXT); COMMIT');
        renameSync(tmp, join(this.dir, `${id}.lock`));
      } catch (e) {
        handle.close();
        rmSync(tmp, { force: true });
        throw e;
      }
    }
    this.held.set(id, { handle, registeredAt });
    return { id, release: async () => this.release(id) };
  }

  private release(id: string): void {
    if (!this.held.has(id)) return;
    const handle = this.held.get(id)?.handle;
    this.held.delete(id);
    if (handle === undefined || this.dir === undefined) return;
    rmSync(join(this.dir, `${id}.lock`), { force: true });
    handle.close();
  }

  async live(): Promise<LiveInstance[]> {
    const out: LiveInstance[] = [...this.held].map(([id, h]) => ({ id, registeredAt: h.registeredAt }));
    if (this.dir === undefined) return out;
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return out;
    }
    for (const name of names) {
      const m = LOCK_FILE.exec(name);
      if (m === null || this.held.has(m[1] as string)) continue;
      const path = join(this.dir, name);
      if (m[2] === 'tmp' && !isOlderThan(path, STALE_TMP_MS)) continue;
      if (isLocked(path)) {
        // The file was written once, at registration; its owner never touches it again.
        if (m[2] === 'lock') out.push({ id: m[1] as string, registeredAt: mtimeOf(path) });
      } else {
        rmSync(path, { force: true });
      }
    }
    return out;
  }

  /** Releases every registration of this registry (store close). */
  releaseAll(): void {
    for (const id of [...this.held.keys()]) this.release(id);
  }
}

function isOlderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > ms;
  } catch {
    return false;
  }
}

function mtimeOf(path: string): Date {
  try {
    return statSync(path).mtime;
  } catch {
    // Gone between the listing and now: treat as registered now (the safe side for GC).
    return new Date();
  }
}

/** True when another connection (any process) holds the file's lock. */
function isLocked(path: string): boolean {
  let probe: Database.Database | undefined;
  try {
    probe = new Database(path, { timeout: 0, fileMustExist: true });
    probe.exec('BEGIN IMMEDIATE');
    probe.exec('ROLLBACK');
    return false;
  } catch (e) {
    return (e as { code?: string }).code?.startsWith('SQLITE_BUSY') === true;
  } finally {
    probe?.close();
  }
}
