/** BlobRefRepo on SQLite: index lookups on object_segments.blob_id and upload_parts.blob_id. */
import type Database from 'better-sqlite3';
import type { BlobRefRepo } from '../blob-ref-repo.js';

export class SqliteBlobRefRepo implements BlobRefRepo {
  private readonly s;

  constructor(db: Database.Database) {
    this.s = {
      segment: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM object_segments WHERE blob_id = ? LIMIT 1'),
      part: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM upload_parts WHERE blob_id = ? LIMIT 1'),
    };
  }

  async referenced(blobIds: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const id of blobIds) {
      if (this.s.segment.get(id) !== undefined || this.s.part.get(id) !== undefined) out.add(id);
    }
    return out;
  }
}
