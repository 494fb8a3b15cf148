/**
 * Bucket CORS: Get/Put/DeleteBucketCors, OPTIONS preflight, and the CORS
 * headers added to actual requests that carry an Origin.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
 * Preflight is unauthenticated (browsers send no credentials with it).
 */
import { fail, isAppError } from '../../core/errors.js';
import type { CorsRule } from '../../engine/types.js';
import { readSmallBody } from '../body.js';
import type { S3Context, S3Deps } from '../context.js';
import type { S3Op } from '../ops.js';
import { resolveTarget } from '../parse.js';
import { header, type ProtocolRequest, type ProtocolResponse } from '../request.js';
import { emptyResponse, xmlResponse } from '../respond.js';
import { parseCorsConfiguration, renderCorsConfiguration, XML_BODY_LIMITS } from '../xml/index.js';
import { bucketOf } from './target.js';

export async function getBucketCors(ctx: S3Context): Promise<ProtocolResponse> {
  const rules = await ctx.deps.engine.getBucketCors(bucketOf(ctx));
  if (rules.length === 0) throw fail('NoSuchCORSConfiguration', 'The CORS configuration does not exist', { details: { BucketName: bucketOf(ctx) } });
  return xmlResponse(renderCorsConfiguration({ rules }));
}

export async function putBucketCors(ctx: S3Context): Promise<ProtocolResponse> {
  const { rules } = parseCorsConfiguration(await readSmallBody(ctx, { maxBytes: XML_BODY_LIMITS.corsConfiguration }));
  await ctx.deps.engine.putBucketCors(bucketOf(ctx), rules);
  return emptyResponse(200);
}

export async function deleteBucketCors(ctx: S3Context): Promise<ProtocolResponse> {
  await ctx.deps.engine.putBucketCors(bucketOf(ctx), null);
  return emptyResponse(204);
}

/** A wildcard pattern with at most one '*', as S3 allows in AllowedOrigin and AllowedHeader. */
function wildcardMatch(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === value;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return value.length >= head.length + tail.length && value.startsWith(head) && value.endsWith(tail);
}

function findRule(rules: CorsRule[], origin: string, method: string, requestHeaders: string[]): CorsRule | undefined {
  return rules.find(
    (r) =>
      r.allowedOrigins.some((o) => wildcardMatch(o, origin)) &&
      r.allowedMethods.includes(method) &&
      requestHeaders.every((h) => r.allowedHeaders.some((a) => wildcardMatch(a.toLowerCase(), h))),
  );
}

function ruleHeaders(rule: CorsRule, origin: string): Record<string, string> {
  const wildcardOrigin = rule.allowedOrigins.includes('*');
  const out: Record<string, string> = {
    'access-control-allow-origin': wildcardOrigin ? '*' : origin,
    'access-control-allow-methods': rule.allowedMethods.join(', '),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
  if (!wildcardOrigin) out['access-control-allow-credentials'] = 'true';
  if (rule.exposeHeaders.length > 0) out['access-control-expose-headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) out['access-control-max-age'] = String(rule.maxAgeSeconds);
  return out;
}

export async function preflight(deps: S3Deps, req: ProtocolRequest, op: Extract<S3Op, { name: 'Preflight' }>): Promise<ProtocolResponse> {
  const origin = header(req.headers, 'origin');
  const method = header(req.headers, 'access-control-request-method');
  if (op.bucket === undefined) throw fail('CORSForbidden', 'CORSResponse: Bucket not specified.');
  if (origin === undefined || method === undefined) {
    throw fail('InvalidRequest', 'Insufficient information. Origin request header needed.');
  }
  const requestHeaders = (header(req.headers, 'access-control-request-headers') ?? '')
    .split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const rules = await deps.engine.getBucketCors(op.bucket);
  if (rules.length === 0) throw fail('CORSForbidden', 'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.');
  const rule = findRule(rules, origin, method.toUpperCase(), requestHeaders);
  if (!rule) throw fail('CORSForbidden', 'CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource\'s CORS spec.');
  const headers = ruleHeaders(rule, origin);
  if (requestHeaders.length > 0) headers['access-control-allow-headers'] = requestHeaders.join(', ');
  return emptyResponse(200, headers);
}

/** CORS headers for an actual (non-preflight) request with an Origin header. */
export async function corsHeadersFor(deps: S3Deps, req: ProtocolRequest): Promise<Record<string, string>> {
  const origin = header(req.headers, 'origin');
  if (origin === undefined) return {};
  const { bucket } = resolveTarget(req.rawPath, req.headers, { domains: deps.domains });
  if (bucket === undefined) return {};
  let rules: CorsRule[];
  try {
    rules = await deps.engine.getBucketCors(bucket);
  } catch (e) {
    if (isAppError(e)) return {};
    throw e;
  }
  const rule = findRule(rules, origin, req.method.toUpperCase(), []);
  return rule ? ruleHeaders(rule, origin) : {};
}
