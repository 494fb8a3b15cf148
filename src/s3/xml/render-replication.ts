/**
 * GetBucketReplication response; also the shape parse-replication.ts returns.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketReplication.html
 * Rules are always rendered in the current (V2) schema: Priority, Filter/Prefix and
 * DeleteMarkerReplication, even when they were put with a legacy top-level Prefix.
 */
import type { ReplicationRule } from '../../engine/types.js';
import { el, numEl, optEl, xmlDocument } from './writer.js';

/** The engine's rule, as stored; its destination bucket is rendered as an ARN. */
export type XmlReplicationRule = ReplicationRule;

export interface ReplicationConfigurationXml {
  role: string;
  rules: XmlReplicationRule[];
}

export const BUCKET_ARN_PREFIX = 'arn:aws:s3:::';

export function renderReplicationConfiguration(c: ReplicationConfigurationXml): string {
  let body = el('Role', c.role);
  for (const r of c.rules) {
    body +=
      '<Rule>' +
      el('ID', r.id) +
      numEl('Priority', r.priority) +
      `<Filter>${el('Prefix', r.prefix)}</Filter>` +
      el('Status', r.status) +
      `<Destination>${el('Bucket', BUCKET_ARN_PREFIX + r.destinationBucket)}${optEl('StorageClass', r.storageClass)}</Destination>` +
      `<DeleteMarkerReplication>${el('Status', r.deleteMarkerReplication ? 'Enabled' : 'Disabled')}</DeleteMarkerReplication>` +
      '</Rule>';
  }
  return xmlDocument('ReplicationConfiguration', body);
}
