/**
 * Sovra's bucket residency sub-resource (?residency), in S3's XML style so any signing
 * client can read and set it:
 *
 *   PUT  <ResidencyPolicy><Zone>DE</Zone><Zone>FR</Zone></ResidencyPolicy>
 *   GET  <ResidencyPolicy><Region>eu-fra</Region><Explicit>true</Explicit><Zone>DE</Zone>...
 *        <AllowedRegion>eu-fra</AllowedRegion>...<MandatoryZone>EU</MandatoryZone>...</ResidencyPolicy>
 */
import { XML_BODY_LIMITS } from './limits.js';
import { childGroups, leafText, malformed, parseXmlBody } from './parse-xml.js';
import { el, optEl, xmlDocument } from './writer.js';

export interface ResidencyPolicyXml {
  region: string;
  explicit: boolean;
  zones: readonly string[];
  allowedRegions: readonly string[];
  mandatory?: readonly string[] | undefined;
}

export function renderResidencyPolicy(r: ResidencyPolicyXml): string {
  let body = el('Region', r.region) + el('Explicit', String(r.explicit));
  for (const z of r.zones) body += el('Zone', z);
  for (const a of r.allowedRegions) body += el('AllowedRegion', a);
  for (const m of r.mandatory ?? []) body += optEl('MandatoryZone', m);
  return xmlDocument('ResidencyPolicy', body);
}

/** The zones of a PUT body; validity against the topology is the placement layer's job. */
export function parseResidencyPolicy(body: string | Uint8Array): string[] {
  const root = parseXmlBody(body, { maxBytes: XML_BODY_LIMITS.residencyPolicy, root: 'ResidencyPolicy' });
  const g = childGroups(root, ['Zone']);
  const zones = (g.get('Zone') ?? []).map((z) => leafText(z).trim());
  if (zones.length === 0) throw malformed('<ResidencyPolicy> must contain at least one <Zone>');
  return zones;
}
