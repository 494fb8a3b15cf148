/**
 * What a data dir holds on disk, sorted into blob files, temp files and the rest (metadata).
 * Layout assumed from Sovra's fs blob store: blob files live under a directory named `blobs`,
 * in-flight writes under a directory named `tmp` (per engine instance). If neither directory
 * exists the layout changed and the garbage check says so instead of passing vacuously.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface DiskReport {
  blobs: string[];
  temps: string[];
  other: string[];
  blobDirs: string[];
  tmpDirs: string[];
  /** Blobs kept as rows of blobs-small.db, one per region directory (Sovra stores blobs up to 128 KiB there, not as files). */
  smallBlobs: number;
}

const BLOB_DIR = /^blobs?$/;
const TMP_DIR = /^(tmp|temp|staging|incoming)$/;

export function scanDataDir(dataDir: string): DiskReport {
  const rep: DiskReport = { blobs: [], temps: [], other: [], blobDirs: [], tmpDirs: [], smallBlobs: 0 };
  const walk = (dir: string, under: 'blob' | 'tmp' | undefined) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        let u = under;
        if (!u && TMP_DIR.test(e.name)) { u = 'tmp'; rep.tmpDirs.push(p); }
        else if (!u && BLOB_DIR.test(e.name)) { u = 'blob'; rep.blobDirs.push(p); }
        walk(p, u);
      } else {
        const rel = path.relative(dataDir, p);
        if (e.name === SMALL_BLOB_DB) rep.smallBlobs += countSmallBlobs(p);
        if (under === 'tmp') rep.temps.push(rel);
        else if (under === 'blob') rep.blobs.push(rel);
        else rep.other.push(`${rel} (${statSync(p).size} bytes)`);
      }
    }
  };
  walk(dataDir, undefined);
  return rep;
}

const SMALL_BLOB_DB = 'blobs-small.db';

/** Rows in a small-blob database; read-only, so it neither recovers nor checkpoints what a crash left. */
function countSmallBlobs(file: string): number {
  if (!existsSync(file)) return 0;
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    return (db.prepare('SELECT count(*) AS n FROM blobs').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
