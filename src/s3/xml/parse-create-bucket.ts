/**
 * CreateBucket request body (optional).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
 *
 *   <CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>
 *
 * An empty or whitespace-only body is the common case and yields {}. Whether
 * the constraint names a region we serve (InvalidLocationConstraint,
 * IllegalLocationConstraintException) is for the handler to decide.
 */
import { fail } from '../../core/errors.js';
import { XML_BODY_LIMITS } from './limits.js';
import { bodyText, childGroups, optionalLeaf, parseXmlText } from './parse-xml.js';

export interface CreateBucketConfigurationXml {
  /** Trimmed; undefined when absent or empty (both mean us-east-1 on AWS). */
  locationConstraint?: string;
}

// Directory-bucket and create-time tagging elements: valid on AWS, not offered by Sovra.
const UNSUPPORTED = ['Location', 'Bucket', 'Tags'];

export function parseCreateBucketConfiguration(
  body: string | Uint8Array,
  opts: { maxBytes?: number } = {},
): CreateBucketConfigurationXml {
  const text = bodyText(body, opts.maxBytes ?? XML_BODY_LIMITS.createBucketConfiguration);
  if (text === undefined) return {};
  const root = parseXmlText(text, 'CreateBucketConfiguration');
  const g = childGroups(root, ['LocationConstraint', ...UNSUPPORTED]);
  for (const name of UNSUPPORTED) {
    if (g.has(name)) throw fail('NotImplemented', `<${name}> in CreateBucketConfiguration is not supported.`);
  }
  const lc = optionalLeaf(g, 'LocationConstraint', root)?.trim();
  return lc === undefined || lc === '' ? {} : { locationConstraint: lc };
}
