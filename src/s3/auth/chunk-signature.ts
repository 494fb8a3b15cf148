/**
 * Signatures of aws-chunked bodies. Each chunk signature chains from the
 * previous one (the first from the request's seed signature), so chunks can
 * be neither reordered, dropped nor replayed; the trailer signature chains
 * from the final, empty chunk.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
 */
import { EMPTY_SHA256, hmacHex, sha256Hex } from './signing-key.js';
import type { SigningContext } from './types.js';

export const CHUNK_ALGORITHM = 'AWS4-HMAC-SHA256-PAYLOAD';
export const TRAILER_ALGORITHM = 'AWS4-HMAC-SHA256-TRAILER';

export function chunkStringToSign(ctx: SigningContext, previousSignature: string, chunkSha256Hex: string): string {
  return (
    CHUNK_ALGORITHM +
    '\n' +
    ctx.amzDate +
    '\n' +
    ctx.scope +
    '\n' +
    previousSignature +
    '\n' +
    EMPTY_SHA256 +
    '\n' +
    chunkSha256Hex
  );
}

export function chunkSignature(ctx: SigningContext, previousSignature: string, chunkSha256Hex: string): string {
  return hmacHex(ctx.signingKey, chunkStringToSign(ctx, previousSignature, chunkSha256Hex));
}

/** `name:value\n` per trailer, names sorted, as canonical headers are. */
export function canonicalTrailers(trailers: Readonly<Record<string, string>>): string {
  let out = '';
  for (const name of Object.keys(trailers).sort()) out += name + ':' + trailers[name] + '\n';
  return out;
}

export function trailerStringToSign(
  ctx: SigningContext,
  previousSignature: string,
  trailers: Readonly<Record<string, string>>,
): string {
  return (
    TRAILER_ALGORITHM +
    '\n' +
    ctx.amzDate +
    '\n' +
    ctx.scope +
    '\n' +
    previousSignature +
    '\n' +
    sha256Hex(canonicalTrailers(trailers))
  );
}

export function trailerSignature(
  ctx: SigningContext,
  previousSignature: string,
  trailers: Readonly<Record<string, string>>,
): string {
  return hmacHex(ctx.signingKey, trailerStringToSign(ctx, previousSignature, trailers));
}
