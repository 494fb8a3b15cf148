/**
 * CompleteMultipartUpload request body.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
 *
 *   <CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"…"</ETag></Part>…</CompleteMultipartUpload>
 *
 * Part numbers must be strictly ascending (InvalidPartOrder, as AWS). Whether
 * each part exists and matches its ETag is the engine's job (InvalidPart).
 */
import { fail } from '../../core/errors.js';
import { MAX_PART_NUMBER, XML_BODY_LIMITS } from './limits.js';
import { childGroups, malformed, optionalLeaf, parseXmlBody, requiredLeaf } from './parse-xml.js';
import { CHECKSUM_ALGORITHMS, type XmlChecksums } from './types.js';

export interface XmlCompletePart {
  partNumber: number;
  /** Always quoted ("<hex>"), whether or not the client quoted it. */
  etag: string;
  /** Per-part checksums the client sent, by algorithm (values trimmed, not verified here). */
  checksums?: XmlChecksums;
}

export interface CompleteMultipartUploadXml {
  parts: XmlCompletePart[];
}

const PART_CHILDREN = ['PartNumber', 'ETag', ...CHECKSUM_ALGORITHMS.map((a) => `Checksum${a}`)];

/** "abc", abc and &quot;abc&quot; all become "abc". */
export function normalizeEtag(raw: string): string {
  const t = raw.trim();
  const bare = t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
  return `"${bare}"`;
}

function parsePartNumber(text: string): number {
  const t = text.trim();
  if (!/^\d{1,9}$/.test(t)) throw malformed('<PartNumber> must be an integer');
  const n = Number(t);
  if (n < 1 || n > MAX_PART_NUMBER) {
    throw fail('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, {
      details: { ArgumentName: 'PartNumber', ArgumentValue: t },
    });
  }
  return n;
}

export function parseCompleteMultipartUpload(body: string | Uint8Array, opts: { maxBytes?: number } = {}): CompleteMultipartUploadXml {
  const root = parseXmlBody(body, {
    maxBytes: opts.maxBytes ?? XML_BODY_LIMITS.completeMultipartUpload,
    root: 'CompleteMultipartUpload',
  });
  const partEls = childGroups(root, ['Part']).get('Part') ?? [];
  if (partEls.length === 0) throw malformed('<CompleteMultipartUpload> must contain at least one <Part>');
  if (partEls.length > MAX_PART_NUMBER) throw malformed(`a multipart upload has at most ${MAX_PART_NUMBER} parts`);

  let previous = 0;
  const parts = partEls.map((el): XmlCompletePart => {
    const g = childGroups(el, PART_CHILDREN);
    const partNumber = parsePartNumber(requiredLeaf(g, 'PartNumber', el));
    if (partNumber <= previous) {
      throw fail(
        'InvalidPartOrder',
        'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
      );
    }
    previous = partNumber;
    const part: XmlCompletePart = { partNumber, etag: normalizeEtag(requiredLeaf(g, 'ETag', el)) };
    for (const alg of CHECKSUM_ALGORITHMS) {
      const v = optionalLeaf(g, `Checksum${alg}`, el);
      if (v !== undefined) (part.checksums ??= {})[alg] = v.trim();
    }
    return part;
  });
  return { parts };
}
