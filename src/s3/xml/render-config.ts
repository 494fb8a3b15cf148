/**
 * Configuration documents that are both read (GET) and written (PUT): the
 * same types are what the parsers in parse-*.ts return, so they round-trip.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketCors.html
 */
import type { XmlCorsRule, XmlTag } from './types.js';
import { el, optEl, optNumEl, xmlDocument } from './writer.js';

export interface TaggingXml {
  tags: XmlTag[];
}

export function renderTagging(r: TaggingXml): string {
  let body = '<TagSet>';
  for (const t of r.tags) body += `<Tag>${el('Key', t.key)}${el('Value', t.value)}</Tag>`;
  return xmlDocument('Tagging', body + '</TagSet>');
}

export interface VersioningConfigurationXml {
  /** undefined when versioning was never enabled: AWS then returns an empty VersioningConfiguration. */
  status?: 'Enabled' | 'Suspended';
}

export function renderVersioningConfiguration(r: VersioningConfigurationXml): string {
  return xmlDocument('VersioningConfiguration', optEl('Status', r.status));
}

export interface CorsConfigurationXml {
  rules: XmlCorsRule[];
}

export function renderCorsConfiguration(r: CorsConfigurationXml): string {
  let body = '';
  for (const rule of r.rules) {
    body += '<CORSRule>' + optEl('ID', rule.id);
    for (const h of rule.allowedHeaders) body += el('AllowedHeader', h);
    for (const m of rule.allowedMethods) body += el('AllowedMethod', m);
    for (const o of rule.allowedOrigins) body += el('AllowedOrigin', o);
    for (const h of rule.exposeHeaders) body += el('ExposeHeader', h);
    body += optNumEl('MaxAgeSeconds', rule.maxAgeSeconds) + '</CORSRule>';
  }
  return xmlDocument('CORSConfiguration', body);
}
