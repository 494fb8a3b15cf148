/**
 * PutObjectTagging / PutBucketTagging request body, and the tag rules shared
 * with the x-amz-tagging header (validateTags).
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html
 *
 *   <Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>
 *
 * Keys and values are kept exactly (no trimming). An empty TagSet is valid and
 * means "no tags".
 */
import { fail } from '../../core/errors.js';
import type { TaggingXml } from './render-config.js';
import { MAX_OBJECT_TAGS, XML_BODY_LIMITS } from './limits.js';
import { childGroups, parseXmlBody, requiredChild, requiredLeaf } from './parse-xml.js';
import type { XmlTag } from './types.js';

export interface ParseTaggingOptions {
  maxBytes?: number;
  /** 10 for objects (default), 50 for buckets. */
  maxTags?: number;
}

const MAX_KEY_CHARS = 128;
const MAX_VALUE_CHARS = 256;
// The character set AWS documents for S3 tags: letters, separators, digits and _ . : / = + - @
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Throws InvalidTag when the set breaks S3's rules: too many tags, empty or
 * over-long keys, over-long values, characters outside the documented set, the
 * reserved aws: prefix, or a key given twice. Lengths count Unicode characters.
 */
export function validateTags(tags: readonly XmlTag[], maxTags: number = MAX_OBJECT_TAGS): void {
  if (tags.length > maxTags) throw fail('InvalidTag', `Tags cannot be more than ${maxTags}; found ${tags.length}`);
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    const keyChars = codePoints(key);
    if (keyChars === 0 || keyChars > MAX_KEY_CHARS || !TAG_CHARS.test(key)) {
      throw fail('InvalidTag', `The TagKey you have provided is invalid: it must be 1 to ${MAX_KEY_CHARS} characters of letters, digits, spaces and _ . : / = + - @`, {
        details: { TagKey: key },
      });
    }
    if (key.toLowerCase().startsWith('aws:')) {
      throw fail('InvalidTag', 'Your TagKey cannot be prefixed with aws:', { details: { TagKey: key } });
    }
    if (codePoints(value) > MAX_VALUE_CHARS || !TAG_CHARS.test(value)) {
      throw fail('InvalidTag', `The TagValue you have provided is invalid: it must be at most ${MAX_VALUE_CHARS} characters of letters, digits, spaces and _ . : / = + - @`, {
        details: { TagKey: key },
      });
    }
    if (seen.has(key)) throw fail('InvalidTag', 'Cannot provide multiple Tags with the same key', { details: { TagKey: key } });
    seen.add(key);
  }
}

export function parseTagging(body: string | Uint8Array, opts: ParseTaggingOptions = {}): TaggingXml {
  const root = parseXmlBody(body, { maxBytes: opts.maxBytes ?? XML_BODY_LIMITS.tagging, root: 'Tagging' });
  const tagSet = requiredChild(childGroups(root, ['TagSet']), 'TagSet', root);
  const tags = (childGroups(tagSet, ['Tag']).get('Tag') ?? []).map((el): XmlTag => {
    const g = childGroups(el, ['Key', 'Value']);
    return { key: requiredLeaf(g, 'Key', el), value: requiredLeaf(g, 'Value', el) };
  });
  validateTags(tags, opts.maxTags ?? MAX_OBJECT_TAGS);
  return { tags };
}
