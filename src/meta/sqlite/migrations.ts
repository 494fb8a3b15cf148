/**
 * Numbered schema migrations, applied in order inside one write transaction and recorded in
 * schema_version. The SQL sticks to what PostgreSQL also accepts (TEXT, BIGINT, partial
 * indexes), except WITHOUT ROWID, which a PostgreSQL port simply drops. Keys are TEXT under
 * SQLite's default BINARY collation, i.e. ordered by UTF-8 bytes (PostgreSQL: COLLATE "C").
 */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE buckets (
  name TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  region TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  versioning TEXT,
  cors TEXT
);
CREATE INDEX buckets_by_owner ON buckets (owner, name);

-- One row per object version or delete marker. id grows with insertion, so within a key
-- the largest id is the newest version; is_latest mirrors that for the listing index.
CREATE TABLE object_versions (
  id INTEGER PRIMARY KEY,
  bucket TEXT NOT NULL,
  object_key TEXT NOT NULL,
  version_id TEXT NOT NULL,
  is_latest INTEGER NOT NULL,
  delete_marker INTEGER NOT NULL,
  size BIGINT NOT NULL,
  etag TEXT NOT NULL,
  last_modified BIGINT NOT NULL,
  owner TEXT NOT NULL,
  headers TEXT NOT NULL,
  tags TEXT,
  checksum_algorithm TEXT,
  checksum_type TEXT,
  checksum_value TEXT
);
CREATE UNIQUE INDEX object_versions_by_version ON object_versions (bucket, object_key, version_id);
CREATE INDEX object_versions_by_age ON object_versions (bucket, object_key, id DESC);
CREATE INDEX object_versions_live ON object_versions (bucket, object_key) WHERE is_latest = 1 AND delete_marker = 0;

-- The blobs holding a version's bytes, in order; each blob belongs to exactly one version.
CREATE TABLE object_segments (
  object_id BIGINT NOT NULL,
  idx INTEGER NOT NULL,
  blob_id TEXT NOT NULL,
  size BIGINT NOT NULL,
  part_number INTEGER,
  checksum TEXT,
  PRIMARY KEY (object_id, idx)
) WITHOUT ROWID;
CREATE INDEX object_segments_by_blob ON object_segments (blob_id);

CREATE TABLE uploads (
  upload_id TEXT PRIMARY KEY,
  bucket TEXT NOT NULL,
  object_key TEXT NOT NULL,
  owner TEXT NOT NULL,
  initiated BIGINT NOT NULL,
  headers TEXT NOT NULL,
  tags TEXT,
  checksum_algorithm TEXT,
  checksum_type TEXT
);
CREATE INDEX uploads_by_key ON uploads (bucket, object_key, upload_id);

CREATE TABLE upload_parts (
  upload_id TEXT NOT NULL,
  part_number INTEGER NOT NULL,
  blob_id TEXT NOT NULL,
  size BIGINT NOT NULL,
  etag TEXT NOT NULL,
  last_modified BIGINT NOT NULL,
  checksum_algorithm TEXT,
  checksum TEXT,
  PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;
CREATE INDEX upload_parts_by_blob ON upload_parts (blob_id);
`,
  },
  {
    version: 2,
    sql: `
ALTER TABLE buckets ADD COLUMN replication TEXT;
ALTER TABLE object_versions ADD COLUMN replication_status TEXT;

-- The replication outbox: one row per (version, destination) still to send. due_at is the
-- next time the row may be claimed: a retry time, or the end of a worker's lease.
CREATE TABLE replication_tasks (
  id INTEGER PRIMARY KEY,
  bucket TEXT NOT NULL,
  object_key TEXT NOT NULL,
  version_id TEXT NOT NULL,
  delete_marker INTEGER NOT NULL,
  destination_bucket TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  enqueued_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  last_error TEXT
);
CREATE INDEX replication_tasks_by_due ON replication_tasks (due_at, id);
CREATE INDEX replication_tasks_by_key ON replication_tasks (bucket, object_key, destination_bucket, id);
CREATE INDEX replication_tasks_by_version ON replication_tasks (bucket, object_key, version_id);
`,
  },
  {
    version: 3,
    sql: `
-- Access control: the bucket policy (JSON text, verbatim) and canned ACLs. NULL acl = private.
ALTER TABLE buckets ADD COLUMN policy TEXT;
ALTER TABLE buckets ADD COLUMN acl TEXT;
ALTER TABLE object_versions ADD COLUMN acl TEXT;
ALTER TABLE uploads ADD COLUMN acl TEXT;

-- Usage per bucket, kept in step with object_versions and upload_parts by the repositories in
-- the same transaction as every change to them. An existing database is recounted here.
CREATE TABLE bucket_usage (
  bucket TEXT PRIMARY KEY,
  bytes BIGINT NOT NULL,
  objects BIGINT NOT NULL
);
INSERT INTO bucket_usage (bucket, bytes, objects)
SELECT bucket, sum(bytes), sum(objects) FROM (
  SELECT bucket, size AS bytes, 1 AS objects FROM object_versions WHERE delete_marker = 0
  UNION ALL
  SELECT u.bucket, p.size, 0 FROM upload_parts p JOIN uploads u ON u.upload_id = p.upload_id
) GROUP BY bucket;
`,
  },
  {
    version: 4,
    sql: `
-- Accounts arrived: what the storage core's single account 'root' owned is the operator's
-- (account 000000000000) now, so nothing stored before becomes unreachable.
UPDATE buckets SET owner = '000000000000' WHERE owner = 'root';
UPDATE object_versions SET owner = '000000000000' WHERE owner = 'root';
UPDATE uploads SET owner = '000000000000' WHERE owner = 'root';
`,
  },
  {
    version: 5,
    sql: `
-- Metering. bucket_usage also keeps when its footprint last changed (ms since epoch) and the
-- byte-ms / object-ms not yet making a whole hour; each change first accrues footprint x time
-- into usage_hours (see meta/usage-accrual.ts). An existing database starts accruing now.
ALTER TABLE bucket_usage ADD COLUMN since BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bucket_usage ADD COLUMN carry_bytes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bucket_usage ADD COLUMN carry_objects BIGINT NOT NULL DEFAULT 0;
UPDATE bucket_usage SET since = CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER);

-- Hourly figures per bucket and meter (hour = ms since epoch / 3600000): storage accrued by
-- the ledger, requests and transfer added by recorder batches. Account and region are the
-- bucket's owner and region at the time; never an object key.
CREATE TABLE usage_hours (
  bucket TEXT NOT NULL,
  hour BIGINT NOT NULL,
  meter TEXT NOT NULL,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  quantity BIGINT NOT NULL,
  PRIMARY KEY (bucket, hour, meter, account, region)
) WITHOUT ROWID;
CREATE INDEX usage_hours_by_hour ON usage_hours (hour);

-- Recorder batches already applied, so a retried flush is never counted twice.
CREATE TABLE usage_batches (
  id TEXT PRIMARY KEY,
  applied_at BIGINT NOT NULL
);
CREATE INDEX usage_batches_by_age ON usage_batches (applied_at);
`,
  },
  {
    version: 6,
    sql: `
-- Multipart uploads completed lately: a CompleteMultipartUpload retried after its answer was
-- lost (a timeout, a dropped connection) gets the same answer instead of NoSuchUpload, as on
-- S3. parts_digest names the part list that was completed; rows go after a day.
CREATE TABLE completed_uploads (
  upload_id TEXT PRIMARY KEY,
  bucket TEXT NOT NULL,
  object_key TEXT NOT NULL,
  version_id TEXT NOT NULL,
  etag TEXT NOT NULL,
  parts_digest TEXT NOT NULL,
  completed_at BIGINT NOT NULL
);
CREATE INDEX completed_uploads_by_age ON completed_uploads (completed_at);
`,
  },
  {
    version: 7,
    sql: `
-- Bucket tagging (S3's PutBucketTagging): a JSON object of key -> value, NULL when none.
ALTER TABLE buckets ADD COLUMN tags TEXT;
`,
  },
];

/** Brings the schema up to date; safe when several processes start at once (BEGIN IMMEDIATE). */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const run = db.transaction(() => {
    const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null };
    let current = row.v ?? 0;
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(m.version);
      current = m.version;
    }
    return current;
  });
  return run.immediate();
}
