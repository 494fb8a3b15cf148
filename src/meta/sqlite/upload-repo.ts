/** UploadRepo on SQLite: multipart uploads and their parts. */
import type Database from 'better-sqlite3';
import { groupListing, keyAfter, maxKey } from '../listing.js';
import type { CompletedUploadRecord, ListUploadsQuery, Page, PartRecord, UploadRecord } from '../types.js';
import type { PartsPage, UploadRepo } from '../upload-repo.js';
import {
  encodeAcl,
  encodeHeaders,
  PART_COLUMNS,
  toPart,
  toUpload,
  UPLOAD_COLUMNS,
  type PartRow,
  type UploadRow,
} from './rows.js';
import type { UsageLedger } from './usage-repo.js';

type UploadParams = [string, string, string, string, number, string, string | null, string | null, string | null, string | null];
type PartParams = [string, number, string, number, string, number, string | null, string | null];
interface CompletedRow {
  upload_id: string; bucket: string; object_key: string; version_id: string; etag: string; parts_digest: string; completed_at: number;
}

export class SqliteUploadRepo implements UploadRepo {
  private readonly s;

  constructor(db: Database.Database, private readonly usage: UsageLedger) {
    this.s = {
      insert: db.prepare<UploadParams>(
        `INSERT INTO uploads (${UPLOAD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      get: db.prepare<[string], UploadRow>(`SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE upload_id = ?`),
      deleteUpload: db.prepare<[string]>('DELETE FROM uploads WHERE upload_id = ?'),
      deleteParts: db.prepare<[string]>('DELETE FROM upload_parts WHERE upload_id = ?'),
      part: db.prepare<[string, number], PartRow>(
        `SELECT ${PART_COLUMNS} FROM upload_parts WHERE upload_id = ? AND part_number = ?`,
      ),
      upsertPart: db.prepare<PartParams>(
        `INSERT INTO upload_parts (upload_id, ${PART_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (upload_id, part_number) DO UPDATE SET blob_id = excluded.blob_id, size = excluded.size,
           etag = excluded.etag, last_modified = excluded.last_modified,
           checksum_algorithm = excluded.checksum_algorithm, checksum = excluded.checksum`,
      ),
      parts: db.prepare<[string], PartRow>(`SELECT ${PART_COLUMNS} FROM upload_parts WHERE upload_id = ? ORDER BY part_number`),
      partsAfter: db.prepare<[string, number, number], PartRow>(
        `SELECT ${PART_COLUMNS} FROM upload_parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?`,
      ),
      scan: db.prepare<[string, string], UploadRow>(
        `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE bucket = ? AND object_key >= ? ORDER BY object_key, upload_id`,
      ),
      sameKeyAfter: db.prepare<[string, string, string], UploadRow>(
        `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE bucket = ? AND object_key = ? AND upload_id > ? ORDER BY upload_id`,
      ),
      bucketOf: db.prepare<[string], { bucket: string }>('SELECT bucket FROM uploads WHERE upload_id = ?'),
      bucketBlobs: db.prepare<[string], { blob_id: string; size: number }>(
        'SELECT p.blob_id, p.size FROM upload_parts p JOIN uploads u ON u.upload_id = p.upload_id WHERE u.bucket = ?',
      ),
      deleteBucketParts: db.prepare<[string]>(
        'DELETE FROM upload_parts WHERE upload_id IN (SELECT upload_id FROM uploads WHERE bucket = ?)',
      ),
      deleteBucketUploads: db.prepare<[string]>('DELETE FROM uploads WHERE bucket = ?'),
      recordCompleted: db.prepare<[string, string, string, string, string, string, number]>(
        `INSERT OR REPLACE INTO completed_uploads (upload_id, bucket, object_key, version_id, etag, parts_digest, completed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      forgetCompleted: db.prepare<[number]>('DELETE FROM completed_uploads WHERE completed_at < ?'),
      completed: db.prepare<[string], CompletedRow>(
        'SELECT upload_id, bucket, object_key, version_id, etag, parts_digest, completed_at FROM completed_uploads WHERE upload_id = ?',
      ),
    };
  }

  async insert(u: UploadRecord): Promise<void> {
    this.s.insert.run(
      u.uploadId, u.bucket, u.key, u.owner, u.initiated.getTime(), encodeHeaders(u.headers),
      u.tags === undefined ? null : JSON.stringify(u.tags), u.checksumAlgorithm ?? null, u.checksumType ?? null, encodeAcl(u.acl),
    );
  }

  async get(uploadId: string): Promise<UploadRecord | undefined> {
    const row = this.s.get.get(uploadId);
    return row === undefined ? undefined : toUpload(row);
  }

  async remove(uploadId: string): Promise<PartRecord[] | undefined> {
    const upload = this.s.get.get(uploadId);
    if (upload === undefined) return undefined;
    const parts = this.s.parts.all(uploadId).map(toPart);
    this.s.deleteParts.run(uploadId);
    this.s.deleteUpload.run(uploadId);
    this.usage.change(upload.bucket, -parts.reduce((n, p) => n + p.size, 0), 0);
    return parts;
  }

  /** A part of an upload that does not exist is refused (it would be counted nowhere). */
  async putPart(uploadId: string, p: PartRecord): Promise<PartRecord | undefined> {
    const upload = this.s.bucketOf.get(uploadId);
    if (upload === undefined) throw new Error(`putPart: no upload ${uploadId}`);
    const old = this.s.part.get(uploadId, p.partNumber);
    this.s.upsertPart.run(
      uploadId, p.partNumber, p.blobId, p.size, p.etag, p.lastModified.getTime(),
      p.checksumAlgorithm ?? null, p.checksum ?? null,
    );
    this.usage.change(upload.bucket, p.size - (old?.size ?? 0), 0);
    return old === undefined ? undefined : toPart(old);
  }

  async parts(uploadId: string): Promise<PartRecord[]> {
    return this.s.parts.all(uploadId).map(toPart);
  }

  async listParts(uploadId: string, opts: { after?: number; max: number }): Promise<PartsPage> {
    const rows = this.s.partsAfter.all(uploadId, opts.after ?? 0, Math.max(0, opts.max) + 1);
    const isTruncated = rows.length > opts.max;
    return { parts: rows.slice(0, Math.max(0, opts.max)).map(toPart), isTruncated };
  }

  async list(q: ListUploadsQuery): Promise<Page<UploadRecord>> {
    const prefix = q.prefix ?? '';
    let head: UploadRow[] | undefined;
    if (q.keyMarker !== undefined && q.uploadIdMarker !== undefined) {
      head = this.s.sameKeyAfter.all(q.bucket, q.keyMarker, q.uploadIdMarker);
    }
    const start = q.keyMarker === undefined ? prefix : maxKey(prefix, keyAfter(q.keyMarker));
    const page = groupListing<UploadRow>({
      prefix,
      delimiter: q.delimiter,
      maxItems: q.maxUploads,
      marker: q.keyMarker,
      keyOf: (r) => r.object_key,
      head,
      start,
      scan: (from) => this.s.scan.iterate(q.bucket, from),
    });
    const items = page.items.map(toUpload);
    const out: Page<UploadRecord> = { items, commonPrefixes: page.commonPrefixes, isTruncated: page.isTruncated };
    if (page.last !== undefined) {
      out.last = 'prefix' in page.last ? page.last : { item: items[items.length - 1] as UploadRecord };
    }
    return out;
  }

  async recordCompleted(d: CompletedUploadRecord, forgetBefore: Date): Promise<void> {
    this.s.forgetCompleted.run(forgetBefore.getTime());
    this.s.recordCompleted.run(d.uploadId, d.bucket, d.key, d.versionId, d.etag, d.partsDigest, d.completedAt.getTime());
  }

  async completed(uploadId: string): Promise<CompletedUploadRecord | undefined> {
    const r = this.s.completed.get(uploadId);
    return r === undefined ? undefined : {
      uploadId: r.upload_id, bucket: r.bucket, key: r.object_key, versionId: r.version_id, etag: r.etag,
      partsDigest: r.parts_digest, completedAt: new Date(r.completed_at),
    };
  }

  async removeByBucket(bucket: string): Promise<string[]> {
    const rows = this.s.bucketBlobs.all(bucket);
    this.s.deleteBucketParts.run(bucket);
    this.s.deleteBucketUploads.run(bucket);
    this.usage.change(bucket, -rows.reduce((n, r) => n + r.size, 0), 0);
    return rows.map((r) => r.blob_id);
  }
}
