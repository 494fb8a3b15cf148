/**
 * PutBucketCors request body.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html
 *
 *   <CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>…</CORSRule></CORSConfiguration>
 *
 * Values are trimmed (they are origins, methods and header names). Method and
 * wildcard rules use AWS's code and wording (InvalidRequest).
 */
import { fail } from '../../core/errors.js';
import type { CorsConfigurationXml } from './render-config.js';
import { MAX_CORS_RULES, XML_BODY_LIMITS } from './limits.js';
import { childGroups, leafText, malformed, optionalLeaf, parseXmlBody, type XmlElement } from './parse-xml.js';
import type { XmlCorsRule } from './types.js';

const METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);
const RULE_CHILDREN = ['ID', 'AllowedOrigin', 'AllowedMethod', 'AllowedHeader', 'ExposeHeader', 'MaxAgeSeconds'];
const MAX_ID_CHARS = 255;

function values(groups: Map<string, XmlElement[]>, name: string): string[] {
  return (groups.get(name) ?? []).map((el) => {
    const v = leafText(el).trim();
    if (v === '') throw malformed(`<${name}> must not be empty`);
    return v;
  });
}

function atMostOneWildcard(list: readonly string[], name: string): void {
  for (const v of list) {
    if (v.indexOf('*') !== v.lastIndexOf('*')) {
      throw fail('InvalidRequest', `${name} "${v}" can not have more than one wildcard.`);
    }
  }
}

function parseRule(el: XmlElement): XmlCorsRule {
  const g = childGroups(el, RULE_CHILDREN);
  const allowedOrigins = values(g, 'AllowedOrigin');
  const allowedMethods = values(g, 'AllowedMethod');
  if (allowedOrigins.length === 0) throw malformed('<CORSRule> must contain at least one <AllowedOrigin>');
  if (allowedMethods.length === 0) throw malformed('<CORSRule> must contain at least one <AllowedMethod>');
  for (const m of allowedMethods) {
    if (!METHODS.has(m)) {
      throw fail('InvalidRequest', `Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
    }
  }
  const allowedHeaders = values(g, 'AllowedHeader');
  atMostOneWildcard(allowedOrigins, 'AllowedOrigin');
  atMostOneWildcard(allowedHeaders, 'AllowedHeader');

  const rule: XmlCorsRule = { allowedOrigins, allowedMethods, allowedHeaders, exposeHeaders: values(g, 'ExposeHeader') };
  const id = optionalLeaf(g, 'ID', el);
  if (id !== undefined) {
    if (id.length > MAX_ID_CHARS) throw malformed(`<ID> must be at most ${MAX_ID_CHARS} characters`);
    rule.id = id;
  }
  const maxAge = optionalLeaf(g, 'MaxAgeSeconds', el)?.trim();
  if (maxAge !== undefined) {
    if (!/^\d{1,9}$/.test(maxAge)) throw malformed('<MaxAgeSeconds> must be a non-negative integer');
    rule.maxAgeSeconds = Number(maxAge);
  }
  return rule;
}

export function parseCorsConfiguration(body: string | Uint8Array, opts: { maxBytes?: number } = {}): CorsConfigurationXml {
  const root = parseXmlBody(body, { maxBytes: opts.maxBytes ?? XML_BODY_LIMITS.corsConfiguration, root: 'CORSConfiguration' });
  const ruleEls = childGroups(root, ['CORSRule']).get('CORSRule') ?? [];
  if (ruleEls.length === 0) throw malformed('<CORSConfiguration> must contain at least one <CORSRule>');
  if (ruleEls.length > MAX_CORS_RULES) {
    throw malformed(`<CORSConfiguration> may contain at most ${MAX_CORS_RULES} <CORSRule> elements, found ${ruleEls.length}`);
  }
  return { rules: ruleEls.map(parseRule) };
}
