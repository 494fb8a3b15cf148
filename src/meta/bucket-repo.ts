/** Port: buckets and their bucket-level settings (versioning, CORS, policy, ACL, tags). */
import type { BucketRecord, CannedAclName, CorsRuleRecord, ReplicationConfigRecord, VersioningState } from './types.js';

export interface BucketRepo {
  get(name: string): Promise<BucketRecord | undefined>;
  /** Sorted by name (byte order); all buckets when owner is undefined. */
  list(owner?: string): Promise<BucketRecord[]>;
  /** Inserts a new bucket; false when the name is taken (the caller maps that to an S3 error). */
  insert(bucket: BucketRecord): Promise<boolean>;
  /** Removes the bucket row, its settings and its usage counters; false when it did not exist. */
  remove(name: string): Promise<boolean>;
  setVersioning(name: string, state: VersioningState): Promise<void>;
  /** The policy text, stored verbatim; undefined removes it. */
  setPolicy(name: string, policy: string | undefined): Promise<void>;
  setAcl(name: string, acl: CannedAclName): Promise<void>;
  getCors(name: string): Promise<CorsRuleRecord[] | undefined>;
  /** undefined removes the configuration. */
  setCors(name: string, rules: CorsRuleRecord[] | undefined): Promise<void>;
  getTags(name: string): Promise<Record<string, string> | undefined>;
  /** undefined removes the tag set. */
  setTags(name: string, tags: Record<string, string> | undefined): Promise<void>;
  getReplication(name: string): Promise<ReplicationConfigRecord | undefined>;
  /** undefined removes the configuration. */
  setReplication(name: string, config: ReplicationConfigRecord | undefined): Promise<void>;
}
