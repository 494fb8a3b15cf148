/**
 * PutBucketReplication request body, the supported subset.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketReplication.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html
 *
 *   <ReplicationConfiguration><Role>arn:…</Role>
 *     <Rule><ID>r</ID><Priority>1</Priority><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status>
 *       <Destination><Bucket>arn:aws:s3:::dest</Bucket></Destination>
 *       <DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication></Rule>
 *   </ReplicationConfiguration>
 *
 * Supported: Role (stored, not interpreted), rules with ID, Priority, Status, a prefix filter
 * (Filter/Prefix, Filter/And/Prefix, or the legacy top-level Prefix), Destination Bucket and
 * StorageClass, DeleteMarkerReplication, ExistingObjectReplication Disabled. Everything else
 * S3 defines (tag filters, existing-object replication, SourceSelectionCriteria, encryption,
 * RTC, metrics, owner override, Account) is NotImplemented: a rule is never half-applied.
 * A Filter rule (schema V2) needs Priority and DeleteMarkerReplication, as on S3; a legacy
 * Prefix rule (V1) replicates delete markers and has priority 0.
 */
import { randomBytes } from 'node:crypto';
import { fail } from '../../core/errors.js';
import { childGroups, leafText, malformed, optionalChild, optionalLeaf, parseXmlBody, requiredChild, requiredLeaf, type XmlElement } from './parse-xml.js';
import { BUCKET_ARN_PREFIX, type ReplicationConfigurationXml, type XmlReplicationRule } from './render-replication.js';

/** 1,000 rules of a few hundred bytes each. */
export const REPLICATION_BODY_LIMIT = 2 * 1024 * 1024;
export const MAX_REPLICATION_RULES = 1000;
const MAX_ID_CHARS = 255;
const MAX_PREFIX_BYTES = 1024;

const STORAGE_CLASSES = new Set([
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'OUTPOSTS', 'GLACIER_IR',
]);

const UNSUPPORTED_RULE = new Map([
  ['SourceSelectionCriteria', 'SourceSelectionCriteria (replica modification sync, SSE-KMS objects) is not supported.'],
]);
const UNSUPPORTED_DESTINATION = new Map([
  ['EncryptionConfiguration', 'Destination EncryptionConfiguration (SSE-KMS replicas) is not supported.'],
  ['ReplicationTime', 'Replication Time Control (Destination ReplicationTime) is not supported.'],
  ['Metrics', 'Replication metrics (Destination Metrics) are not supported.'],
  ['AccessControlTranslation', 'Destination AccessControlTranslation (owner override) is not supported.'],
  ['Account', 'Cross-account destinations (Destination Account) are not supported.'],
]);

const notImplemented = (message: string) => fail('NotImplemented', message);

function enabledDisabled(text: string, where: string): 'Enabled' | 'Disabled' {
  if (text !== 'Enabled' && text !== 'Disabled') throw malformed(`<${where}> must be Enabled or Disabled`);
  return text;
}

function statusOf(el: XmlElement): 'Enabled' | 'Disabled' {
  const g = childGroups(el, ['Status']);
  return enabledDisabled(requiredLeaf(g, 'Status', el), `${el.name}><Status`);
}

function checkPrefix(prefix: string): string {
  if (Buffer.byteLength(prefix, 'utf8') > MAX_PREFIX_BYTES) throw fail('InvalidArgument', `Prefix must be at most ${MAX_PREFIX_BYTES} bytes.`);
  return prefix;
}

function parseFilter(el: XmlElement): string {
  const g = childGroups(el, ['Prefix', 'Tag', 'And']);
  if (g.size > 1) throw malformed('<Filter> must contain exactly one of <Prefix>, <Tag> or <And>');
  if (g.has('Tag')) throw notImplemented('Replication filters on object tags are not supported; use a Prefix filter.');
  const and = optionalChild(g, 'And', el);
  if (and !== undefined) {
    const ga = childGroups(and, ['Prefix', 'Tag']);
    if (ga.has('Tag')) throw notImplemented('Replication filters on object tags are not supported; use a Prefix filter.');
    return checkPrefix(optionalLeaf(ga, 'Prefix', and) ?? '');
  }
  return checkPrefix(optionalLeaf(g, 'Prefix', el) ?? '');
}

function parseDestination(el: XmlElement): { bucket: string; storageClass?: string } {
  const g = childGroups(el, ['Bucket', 'StorageClass', ...UNSUPPORTED_DESTINATION.keys()]);
  for (const [name, message] of UNSUPPORTED_DESTINATION) if (g.has(name)) throw notImplemented(message);
  const arn = requiredLeaf(g, 'Bucket', el).trim();
  const bucket = arn.startsWith(BUCKET_ARN_PREFIX) ? arn.slice(BUCKET_ARN_PREFIX.length) : '';
  if (bucket === '' || bucket.includes('/') || bucket.includes(':')) {
    throw fail('InvalidArgument', `Invalid destination bucket ARN "${arn}": expected arn:aws:s3:::bucket-name.`);
  }
  const out: { bucket: string; storageClass?: string } = { bucket };
  const storageClass = optionalLeaf(g, 'StorageClass', el)?.trim();
  if (storageClass !== undefined) {
    if (!STORAGE_CLASSES.has(storageClass)) throw fail('InvalidStorageClass', 'The storage class you specified is not valid');
    out.storageClass = storageClass;
  }
  return out;
}

function parsePriority(text: string): number {
  const t = text.trim();
  if (!/^\d{1,9}$/.test(t)) throw fail('InvalidArgument', `Priority must be a non-negative integer, not "${text}".`);
  return Number(t);
}

function parseRule(el: XmlElement, newId: () => string): XmlReplicationRule {
  const g = childGroups(el, [
    'ID', 'Priority', 'Status', 'Filter', 'Prefix', 'Destination', 'DeleteMarkerReplication', 'ExistingObjectReplication', ...UNSUPPORTED_RULE.keys(),
  ]);
  for (const [name, message] of UNSUPPORTED_RULE) if (g.has(name)) throw notImplemented(message);
  const existing = optionalChild(g, 'ExistingObjectReplication', el);
  if (existing !== undefined && statusOf(existing) === 'Enabled') {
    throw notImplemented('Existing object replication is not supported: only objects written after the rule exists are replicated.');
  }
  const status = enabledDisabled(requiredLeaf(g, 'Status', el), 'Status');
  const filter = optionalChild(g, 'Filter', el);
  const legacyPrefix = optionalLeaf(g, 'Prefix', el);
  if (filter !== undefined && legacyPrefix !== undefined) throw malformed('<Rule> may contain <Filter> or <Prefix>, not both');
  if (filter === undefined && legacyPrefix === undefined) throw malformed('<Rule> must contain <Filter> or <Prefix>');
  const dmr = optionalChild(g, 'DeleteMarkerReplication', el);
  const priorityText = optionalLeaf(g, 'Priority', el);
  if (filter !== undefined) {
    if (dmr === undefined) {
      throw fail('InvalidRequest', 'DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema.');
    }
    if (priorityText === undefined) {
      throw fail('InvalidRequest', 'Priority must be specified for this version of Cross Region Replication configuration schema.');
    }
  }
  const id = optionalLeaf(g, 'ID', el) ?? newId();
  if (id.length > MAX_ID_CHARS) throw fail('InvalidArgument', `ID must be at most ${MAX_ID_CHARS} characters.`);
  const destination = parseDestination(requiredChild(g, 'Destination', el));
  const rule: XmlReplicationRule = {
    id,
    priority: priorityText === undefined ? 0 : parsePriority(priorityText),
    status,
    prefix: filter !== undefined ? parseFilter(filter) : checkPrefix(legacyPrefix ?? ''),
    destinationBucket: destination.bucket,
    // Legacy Prefix rules replicate delete markers (S3 schema V1).
    deleteMarkerReplication: dmr === undefined ? true : statusOf(dmr) === 'Enabled',
  };
  if (destination.storageClass !== undefined) rule.storageClass = destination.storageClass;
  return rule;
}

/** An id like the ones S3 generates for rules sent without one. */
function randomRuleId(): string {
  return randomBytes(36).toString('base64');
}

export function parseReplicationConfiguration(
  body: string | Uint8Array,
  opts: { maxBytes?: number; newId?: () => string } = {},
): ReplicationConfigurationXml {
  const root = parseXmlBody(body, { maxBytes: opts.maxBytes ?? REPLICATION_BODY_LIMIT, root: 'ReplicationConfiguration' });
  const g = childGroups(root, ['Role', 'Rule']);
  const role = leafText(requiredChild(g, 'Role', root)).trim();
  const ruleEls = g.get('Rule') ?? [];
  if (ruleEls.length === 0) throw malformed('<ReplicationConfiguration> must contain at least one <Rule>');
  if (ruleEls.length > MAX_REPLICATION_RULES) {
    throw malformed(`<ReplicationConfiguration> may contain at most ${MAX_REPLICATION_RULES} <Rule> elements, found ${ruleEls.length}`);
  }
  const rules = ruleEls.map((el) => parseRule(el, opts.newId ?? randomRuleId));
  const ids = new Set<string>();
  const priorities = new Set<number>();
  for (const r of rules) {
    if (ids.has(r.id)) throw fail('InvalidArgument', `Rule Id must be unique; "${r.id}" appears more than once.`);
    ids.add(r.id);
  }
  // S3 needs a strict order between rules; with legacy Prefix rules all at 0, only V2 rules are checked.
  const v2 = rules.filter((_, i) => ruleEls[i]?.children.some((c) => c.name === 'Filter'));
  for (const r of v2) {
    if (priorities.has(r.priority)) throw fail('InvalidArgument', `Found duplicate priority ${r.priority}; each rule needs its own Priority.`);
    priorities.add(r.priority);
  }
  return { role, rules };
}

