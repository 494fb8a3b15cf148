/**
 * x-amz-content-sha256 → PayloadMode. The value is signed as-is into the
 * canonical request; this only says how the body must then be read.
 */
import { invalidContentSha256 } from './auth-errors.js';
import type { PayloadMode } from './types.js';

export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
export const STREAMING_SIGNED = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
export const STREAMING_SIGNED_TRAILER = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
export const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

export function parsePayloadMode(value: string): PayloadMode {
  switch (value) {
    case UNSIGNED_PAYLOAD:
      return { kind: 'unsigned' };
    case STREAMING_SIGNED:
      return { kind: 'streaming-signed' };
    case STREAMING_SIGNED_TRAILER:
      return { kind: 'streaming-signed-trailer' };
    case STREAMING_UNSIGNED_TRAILER:
      return { kind: 'streaming-unsigned-trailer' };
    default:
      // Reported lower-case so the caller can compare with its own hex digest.
      if (SHA256_HEX.test(value)) return { kind: 'signed', sha256Hex: value.toLowerCase() };
      throw invalidContentSha256(value);
  }
}

/** Whether the body's chunks carry signatures chained from the request signature. */
export function isSignedStreaming(mode: PayloadMode): boolean {
  return mode.kind === 'streaming-signed' || mode.kind === 'streaming-signed-trailer';
}
