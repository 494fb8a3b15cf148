/** ObjectRepo on SQLite: versions, delete markers and their segments. */
import type Database from 'better-sqlite3';
import { groupListing, keyAfter, maxKey } from '../listing.js';
import type { GetVersionOptions, ObjectRepo } from '../object-repo.js';
import type { CannedAclName, ListLatestQuery, ListVersionsQuery, NewObjectVersion, ObjectVersion, Page, ReplicationStatusName, Segment } from '../types.js';
import {
  encodeAcl,
  encodeHeaders,
  encodeTags,
  LIST_COLUMNS,
  listRowToVersion,
  segmentOf,
  SEGMENT_COLUMNS,
  versionRowOf,
  toVersion,
  VERSION_COLUMNS as COLS,
  type ListRow,
  type SegmentArray,
  type VersionArray,
} from './rows.js';
import type { UsageLedger } from './usage-repo.js';

type InsertParams = [
  string, string, string, number, number, string, number, string, string, string | null,
  string | null, string | null, string | null, string | null, string | null,
];

export class SqliteObjectRepo implements ObjectRepo {
  private readonly s;

  constructor(db: Database.Database, private readonly usage: UsageLedger) {
    const newest = 'SELECT id FROM object_versions WHERE bucket = ? AND object_key = ? ORDER BY id DESC LIMIT 1';
    // A version with its segments in one query (one consistent row): the segments as a JSON array of SegmentArray.
    const segmentsJson = `(SELECT json_group_array(json_array(${SEGMENT_COLUMNS})) FROM
      (SELECT ${SEGMENT_COLUMNS} FROM object_segments WHERE object_id = v.id ORDER BY idx))`;
    this.s = {
      latestWithSegments: db
        .prepare<[string, string], VersionWithSegments>(
          `SELECT ${COLS}, ${segmentsJson} FROM object_versions v WHERE bucket = ? AND object_key = ? ORDER BY id DESC LIMIT 1`,
        )
        .raw(true),
      versionWithSegments: db
        .prepare<[string, string, string], VersionWithSegments>(
          `SELECT ${COLS}, ${segmentsJson} FROM object_versions v WHERE bucket = ? AND object_key = ? AND version_id = ?`,
        )
        .raw(true),
      latest: db
        .prepare<[string, string], VersionArray>(
          `SELECT ${COLS} FROM object_versions WHERE bucket = ? AND object_key = ? ORDER BY id DESC LIMIT 1`,
        )
        .raw(true),
      version: db
        .prepare<[string, string, string], VersionArray>(
          `SELECT ${COLS} FROM object_versions WHERE bucket = ? AND object_key = ? AND version_id = ?`,
        )
        .raw(true),
      demote: db.prepare<[string, string]>(`UPDATE object_versions SET is_latest = 0 WHERE id = (${newest}) AND is_latest = 1`),
      promote: db.prepare<[string, string]>(`UPDATE object_versions SET is_latest = 1 WHERE id = (${newest})`),
      insert: db.prepare<InsertParams>(
        `INSERT INTO object_versions (bucket, object_key, version_id, is_latest, delete_marker, size, etag,
           last_modified, owner, headers, tags, checksum_algorithm, checksum_type, checksum_value, replication_status, acl)
         VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertSegment: db.prepare<[number, number, string, number, number | null, string | null]>(
        'INSERT INTO object_segments (object_id, idx, blob_id, size, part_number, checksum) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      deleteSegments: db.prepare<[number]>('DELETE FROM object_segments WHERE object_id = ?'),
      deleteVersion: db.prepare<[number]>('DELETE FROM object_versions WHERE id = ?'),
      setTags: db.prepare<[string | null, string, string, string]>(
        'UPDATE object_versions SET tags = ? WHERE bucket = ? AND object_key = ? AND version_id = ?',
      ),
      setAcl: db.prepare<[string | null, string, string, string]>(
        'UPDATE object_versions SET acl = ? WHERE bucket = ? AND object_key = ? AND version_id = ?',
      ),
      setReplicationStatus: db.prepare<[string, string, string, string]>(
        'UPDATE object_versions SET replication_status = ? WHERE bucket = ? AND object_key = ? AND version_id = ?',
      ),
      any: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM object_versions WHERE bucket = ? LIMIT 1'),
      // The literal is_latest/delete_marker terms let SQLite use the partial index object_versions_live.
      scanLatest: db
        .prepare<[string, string], ListRow>(
          `SELECT ${LIST_COLUMNS} FROM object_versions
           WHERE bucket = ? AND object_key >= ? AND is_latest = 1 AND delete_marker = 0 ORDER BY object_key`,
        )
        .raw(true),
      scanVersions: db
        .prepare<[string, string], ListRow>(
          `SELECT ${LIST_COLUMNS} FROM object_versions WHERE bucket = ? AND object_key >= ? ORDER BY object_key, id DESC`,
        )
        .raw(true),
      olderVersions: db
        .prepare<[string, string, number], ListRow>(
          `SELECT ${LIST_COLUMNS} FROM object_versions WHERE bucket = ? AND object_key = ? AND id < ? ORDER BY id DESC`,
        )
        .raw(true),
    };
  }

  async getLatest(bucket: string, key: string, opts?: GetVersionOptions): Promise<ObjectVersion | undefined> {
    if (opts?.withSegments) return joined(this.s.latestWithSegments.get(bucket, key));
    const r = this.s.latest.get(bucket, key);
    return r === undefined ? undefined : toVersion(versionRowOf(r));
  }

  async getVersion(bucket: string, key: string, versionId: string, opts?: GetVersionOptions): Promise<ObjectVersion | undefined> {
    if (opts?.withSegments) return joined(this.s.versionWithSegments.get(bucket, key, versionId));
    const r = this.s.version.get(bucket, key, versionId);
    return r === undefined ? undefined : toVersion(versionRowOf(r));
  }

  async insertLatest(v: NewObjectVersion): Promise<void> {
    this.s.demote.run(v.bucket, v.key);
    const r = this.s.insert.run(
      v.bucket, v.key, v.versionId, v.deleteMarker ? 1 : 0, v.size, v.etag, v.lastModified.getTime(), v.owner,
      encodeHeaders(v.headers), encodeTags(v.tags),
      v.checksum?.algorithm ?? null, v.checksum?.type ?? null, v.checksum?.value ?? null, v.replicationStatus ?? null,
      encodeAcl(v.acl),
    );
    if (!v.deleteMarker) this.usage.change(v.bucket, v.size, 1);
    const id = Number(r.lastInsertRowid);
    v.segments.forEach((seg, i) => {
      this.s.insertSegment.run(id, i, seg.blobId, seg.size, seg.partNumber ?? null, seg.checksum ?? null);
    });
  }

  async remove(bucket: string, key: string, versionId: string, opts?: { replacing?: boolean }): Promise<ObjectVersion | undefined> {
    const r = this.s.versionWithSegments.get(bucket, key, versionId);
    if (r === undefined) return undefined;
    const row = versionRowOf(r as unknown as VersionArray);
    const removed = toVersion(row, segmentsOf(r));
    this.s.deleteSegments.run(row.id);
    this.s.deleteVersion.run(row.id);
    if (row.delete_marker === 0) this.usage.change(bucket, -row.size, -1);
    if (row.is_latest === 1 && !opts?.replacing) this.s.promote.run(bucket, key);
    return removed;
  }

  async setTags(bucket: string, key: string, versionId: string, tags: Record<string, string>): Promise<boolean> {
    return this.s.setTags.run(encodeTags(tags), bucket, key, versionId).changes === 1;
  }

  async setAcl(bucket: string, key: string, versionId: string, acl: CannedAclName): Promise<boolean> {
    return this.s.setAcl.run(encodeAcl(acl), bucket, key, versionId).changes === 1;
  }

  async setReplicationStatus(bucket: string, key: string, versionId: string, status: ReplicationStatusName): Promise<boolean> {
    return this.s.setReplicationStatus.run(status, bucket, key, versionId).changes === 1;
  }

  async hasAny(bucket: string): Promise<boolean> {
    return this.s.any.get(bucket) !== undefined;
  }

  async listLatest(q: ListLatestQuery): Promise<Page<ObjectVersion>> {
    const prefix = q.prefix ?? '';
    const start = q.after === undefined ? prefix : maxKey(prefix, keyAfter(q.after));
    const page = groupListing<ListRow>({
      prefix,
      delimiter: q.delimiter,
      maxItems: q.maxKeys,
      marker: q.after,
      keyOf: (r) => r[0],
      start,
      scan: (from) => this.s.scanLatest.iterate(q.bucket, from),
    });
    return mapPage(q.bucket, page);
  }

  async listVersions(q: ListVersionsQuery): Promise<Page<ObjectVersion>> {
    const prefix = q.prefix ?? '';
    let head: ListRow[] | undefined;
    if (q.keyMarker !== undefined && q.versionIdMarker !== undefined) {
      const marker = this.s.version.get(q.bucket, q.keyMarker, q.versionIdMarker);
      // The marker key's versions are few; reading them eagerly keeps one iterator open at a time.
      if (marker !== undefined) head = this.s.olderVersions.all(q.bucket, q.keyMarker, marker[0]);
    }
    const start = q.keyMarker === undefined ? prefix : maxKey(prefix, keyAfter(q.keyMarker));
    const page = groupListing<ListRow>({
      prefix,
      delimiter: q.delimiter,
      maxItems: q.maxKeys,
      marker: q.keyMarker,
      keyOf: (r) => r[0],
      head,
      start,
      scan: (from) => this.s.scanVersions.iterate(q.bucket, from),
    });
    return mapPage(q.bucket, page);
  }
}

type VersionWithSegments = [...VersionArray, string];

function segmentsOf(r: VersionWithSegments): Segment[] {
  return (JSON.parse(r[17]) as SegmentArray[]).map(segmentOf);
}

function joined(r: VersionWithSegments | undefined): ObjectVersion | undefined {
  return r === undefined ? undefined : toVersion(versionRowOf(r as unknown as VersionArray), segmentsOf(r));
}

function mapPage(bucket: string, page: Page<ListRow>): Page<ObjectVersion> {
  const out: Page<ObjectVersion> = {
    items: page.items.map((r) => listRowToVersion(bucket, r)),
    commonPrefixes: page.commonPrefixes,
    isTruncated: page.isTruncated,
  };
  if (page.last !== undefined) {
    out.last = 'prefix' in page.last ? page.last : { item: out.items[out.items.length - 1] as ObjectVersion };
  }
  return out;
}
