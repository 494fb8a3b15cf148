/** Port: object versions and delete markers of a bucket, with their byte segments. */
import type { CannedAclName, ListLatestQuery, ListVersionsQuery, NewObjectVersion, ObjectVersion, Page, ReplicationStatusName } from './types.js';

export interface GetVersionOptions {
  /** Also load the version's segments (needed to read its bytes). */
  withSegments?: boolean;
}

/**
 * Every insertion and removal also updates the bucket's usage counters (UsageRepo) in the
 * same transaction, so they can never drift from the rows.
 */
export interface ObjectRepo {
  /** The latest version (object or delete marker) of a key. */
  getLatest(bucket: string, key: string, opts?: GetVersionOptions): Promise<ObjectVersion | undefined>;
  getVersion(bucket: string, key: string, versionId: string, opts?: GetVersionOptions): Promise<ObjectVersion | undefined>;
  /**
   * Adds a version as the key's newest, latest version; the previous latest stops being
   * latest. The caller removes a version it replaces (e.g. 'null') first.
   */
  insertLatest(version: NewObjectVersion): Promise<void>;
  /**
   * Permanently removes one version or delete marker and returns it with its segments
   * (whose blobs the caller may then delete). Removing the latest makes the next newest latest,
   * unless `replacing`: the caller inserts the key's new latest version next, in the same
   * transaction (making another latest only for insertLatest to undo it is wasted work).
   */
  remove(bucket: string, key: string, versionId: string, opts?: { replacing?: boolean }): Promise<ObjectVersion | undefined>;
  /** Replaces a version's tag set; false when there is no such version. */
  setTags(bucket: string, key: string, versionId: string, tags: Record<string, string>): Promise<boolean>;
  /** Sets a version's canned ACL; false when there is no such version. */
  setAcl(bucket: string, key: string, versionId: string, acl: CannedAclName): Promise<boolean>;
  /** Sets a version's replication status; false when there is no such version. */
  setReplicationStatus(bucket: string, key: string, versionId: string, status: ReplicationStatusName): Promise<boolean>;
  /** True if the bucket holds any version or delete marker. */
  hasAny(bucket: string): Promise<boolean>;
  /** Latest, non-deleted versions in key byte order with prefix/delimiter grouping. */
  listLatest(query: ListLatestQuery): Promise<Page<ObjectVersion>>;
  /** Every version and delete marker, by key then newest first, with grouping. */
  listVersions(query: ListVersionsQuery): Promise<Page<ObjectVersion>>;
}
