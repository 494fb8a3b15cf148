/**
 * DeleteObjects request body.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
 *
 *   <Delete><Quiet>true</Quiet><Object><Key>k</Key><VersionId>v</VersionId></Object>...</Delete>
 *
 * Keys are returned exactly as sent after entity decoding: no trimming, so
 * " a ", "0123" and "a\rb" (sent as a&#13;b) survive.
 */
import { MAX_DELETE_OBJECTS, XML_BODY_LIMITS } from './limits.js';
import { childGroups, malformed, optionalLeaf, parseXmlBody, parseXmlBoolean, requiredLeaf } from './parse-xml.js';

export interface XmlDeleteObject {
  key: string;
  versionId?: string;
  /**
   * Conditional-delete fields (AWS, 2024). Parsed so that a handler that does
   * not enforce them can refuse the request instead of deleting unconditionally.
   */
  etag?: string;
  lastModifiedTime?: Date;
  size?: number;
}

export interface DeleteXml {
  quiet: boolean;
  objects: XmlDeleteObject[];
}

export interface ParseDeleteOptions {
  maxBytes?: number;
  maxObjects?: number;
}

const OBJECT_CHILDREN = ['Key', 'VersionId', 'ETag', 'LastModifiedTime', 'Size'] as const;

export function parseDelete(body: string | Uint8Array, opts: ParseDeleteOptions = {}): DeleteXml {
  const maxObjects = opts.maxObjects ?? MAX_DELETE_OBJECTS;
  const root = parseXmlBody(body, { maxBytes: opts.maxBytes ?? XML_BODY_LIMITS.delete, root: 'Delete' });
  const groups = childGroups(root, ['Object', 'Quiet']);
  const quietText = optionalLeaf(groups, 'Quiet', root);
  const quiet = quietText === undefined ? false : parseXmlBoolean(quietText, 'Quiet');

  const objectEls = groups.get('Object') ?? [];
  if (objectEls.length === 0) throw malformed('<Delete> must contain at least one <Object>');
  if (objectEls.length > maxObjects) {
    throw malformed(`<Delete> may contain at most ${maxObjects} <Object> elements, found ${objectEls.length}`);
  }

  const objects = objectEls.map((el): XmlDeleteObject => {
    const g = childGroups(el, OBJECT_CHILDREN);
    const obj: XmlDeleteObject = { key: requiredLeaf(g, 'Key', el) };
    const versionId = optionalLeaf(g, 'VersionId', el);
    if (versionId !== undefined) obj.versionId = versionId;
    const etag = optionalLeaf(g, 'ETag', el);
    if (etag !== undefined) obj.etag = etag.trim();
    const lastModified = optionalLeaf(g, 'LastModifiedTime', el);
    if (lastModified !== undefined) {
      const d = new Date(lastModified.trim());
      if (Number.isNaN(d.getTime())) throw malformed('<LastModifiedTime> must be an ISO 8601 timestamp');
      obj.lastModifiedTime = d;
    }
    const size = optionalLeaf(g, 'Size', el);
    if (size !== undefined) {
      if (!/^\d{1,16}$/.test(size.trim())) throw malformed('<Size> must be a non-negative integer');
      obj.size = Number(size.trim());
    }
    return obj;
  });
  return { quiet, objects };
}
