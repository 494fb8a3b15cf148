/**
 * JSON over HTTP for the admin API: bodies read whole with a limit and checked against
 * the signed payload hash, responses and errors with stable codes (the ErrorCode names)
 * and the same HTTP status S3 gives that code.
 */
import { createHash } from 'node:crypto';
import { fail, isAppError } from '../core/errors.js';
import type { PayloadMode } from '../s3/auth/types.js';
import { S3_ERRORS } from '../s3/errors.js';
import type { ProtocolRequest, ProtocolResponse } from '../s3/request.js';

export const JSON_TYPE = 'application/json';

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): ProtocolResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(value, null, 2) + '\n' };
}

export function jsonError(err: unknown, requestId: string, onInternal?: (e: unknown, id: string) => void): ProtocolResponse {
  if (!isAppError(err) || err.code === 'Internal') onInternal?.(err, requestId);
  const code = isAppError(err) ? err.code : 'Internal';
  const message = isAppError(err) && err.code !== 'Internal' ? err.message : 'We encountered an internal error. Please try again.';
  const body: Record<string, unknown> = { error: { code, message, requestId } };
  if (isAppError(err) && err.details) (body['error'] as Record<string, unknown>)['details'] = err.details;
  return jsonResponse(S3_ERRORS[code].status, body, isAppError(err) ? (err.headers ?? {}) : {});
}

/**
 * Reads the whole body of a JSON API request, at most `maxBytes`; when `sha256Hex` is given
 * (a SigV4 signed payload) the body must hash to it.
 */
export async function readJsonApiBody(req: ProtocolRequest, maxBytes: number, sha256Hex: string | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw fail('InvalidRequest', `The request body is larger than ${maxBytes} bytes.`);
    chunks.push(chunk);
  }
  const buf = Buffer.concat(chunks, size);
  if (sha256Hex !== undefined && createHash('sha256').update(buf).digest('hex') !== sha256Hex) {
    throw fail('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  return buf;
}

/**
 * Reads the whole body. A SigV4 signature must cover it (signed payload hash), so it cannot
 * be swapped; bearer-token requests (payload undefined) rely on TLS instead.
 */
export async function readBody(req: ProtocolRequest, payload: PayloadMode | undefined, maxBytes = 64 * 1024): Promise<Buffer> {
  const buf = await readJsonApiBody(req, maxBytes, payload?.kind === 'signed' ? payload.sha256Hex : undefined);
  if (payload !== undefined && buf.length > 0 && payload.kind !== 'signed') {
    throw fail('InvalidRequest', 'Admin API requests must sign their body (x-amz-content-sha256 with the body\'s SHA-256).');
  }
  return buf;
}

/** The body as JSON; undefined when empty. */
export function parseJson(buf: Buffer): unknown {
  if (buf.length === 0) return undefined;
  try {
    return JSON.parse(buf.toString('utf8')) as unknown;
  } catch (e) {
    throw fail('InvalidRequest', `The body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** `{ "zones": ["DE", "EU"] }` or `{ "zones": null }` (remove / reset). */
export function zonesField(body: unknown): string[] | null {
  if (body === undefined) throw fail('InvalidRequest', 'A JSON body is required.');
  if (typeof body !== 'object' || body === null || !('zones' in body)) throw fail('InvalidArgument', 'Expected a JSON object with a "zones" field: a list of zone names, or null.');
  const zones = (body as { zones: unknown }).zones;
  if (zones === null) return null;
  if (!Array.isArray(zones) || !zones.every((z) => typeof z === 'string')) throw fail('InvalidArgument', '"zones" must be a list of zone names (strings), or null.');
  return zones as string[];
}
