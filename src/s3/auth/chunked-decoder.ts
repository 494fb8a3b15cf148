/**
 * Decoder for `Content-Encoding: aws-chunked` bodies, on the upload hot path
 * of every AWS SDK/CLI PUT:
 *
 *   <hex-size>[;chunk-signature=<sig>]\r\n <data> \r\n  ... repeated ...
 *   0[;chunk-signature=<sig>]\r\n
 *   [<trailer-name>:<value>\r\n ...] [x-amz-trailer-signature:<sig>\r\n]
 *   \r\n
 *
 * Payload bytes are never looped over in JS: the only byte search is
 * Buffer#indexOf for the LF ending a chunk header, data leaves as subarrays of
 * the input (no copies) and is hashed natively. In signed modes a chunk's data
 * is held (as subarrays) until its signature verifies, so nothing unverified
 * ever reaches the consumer; `maxChunkSize` bounds that memory.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { fail, type AppError } from '../../core/errors.js';
import { chunkSignature, trailerSignature } from './chunk-signature.js';
import { EMPTY_SHA256, signaturesEqual } from './signing-key.js';
import type { PayloadMode, SigningContext } from './types.js';

export interface ChunkedDecoderOptions {
  /** One of the three streaming kinds. */
  mode: PayloadMode;
  /** Required for the signed kinds: continues the request's signature chain. */
  signing?: SigningContext;
  /** x-amz-decoded-content-length; the decoded payload must have exactly this length. */
  decodedContentLength?: number;
  /** Largest chunk accepted. Default 16 MiB in signed modes (held until verified), unbounded otherwise. */
  maxChunkSize?: number;
}

export const DEFAULT_MAX_SIGNED_CHUNK = 16 * 1024 * 1024;
const MAX_CHUNK_HEADER = 4096;
const MAX_TRAILER_SECTION = 16 * 1024;
const LF = 0x0a;
const CR = 0x0d;
const CHUNK_SIZE = /^[0-9a-fA-F]{1,16}$/;
const CHUNK_SIGNATURE_EXT = /^chunk-signature=([0-9a-fA-F]{64})$/;
const TRAILER_SIGNATURE = 'x-amz-trailer-signature';

const enum Phase {
  ChunkHeader,
  ChunkData,
  ChunkDataEnd,
  Trailer,
  Done,
}

function malformed(detail: string): AppError {
  return fail('InvalidRequest', `Malformed aws-chunked body: ${detail}.`);
}

function truncated(): AppError {
  return fail('IncompleteBody', 'The request body terminated unexpectedly.');
}

function lengthMismatch(): AppError {
  return fail('IncompleteBody', 'You did not provide the number of bytes specified by the x-amz-decoded-content-length header.');
}

function badSignature(what: string): AppError {
  return fail('SignatureDoesNotMatch', `The ${what} signature we calculated does not match the signature you provided.`);
}

export class ChunkedDecoder extends Transform {
  /** Trailing headers (lower-case names, without x-amz-trailer-signature); complete after 'end'. */
  trailers: Record<string, string> = {};
  /** Payload bytes declared by the chunks so far. */
  decodedLength = 0;

  private readonly signing: SigningContext | undefined;
  private readonly withTrailer: boolean;
  private readonly expectedLength: number | undefined;
  private readonly maxChunkSize: number;
  private phase = Phase.ChunkHeader;
  private lineParts: Buffer[] = [];
  private lineBytes = 0;
  private trailerBytes = 0;
  private remaining = 0;
  private crlfSeen = 0;
  private previousSignature = '';
  private expectedSignature = '';
  private hash: Hash | undefined;
  private held: Buffer[] = [];
  private pendingTrailers: Record<string, string> = {};
  private trailerSig: string | undefined;

  constructor(opts: ChunkedDecoderOptions) {
    super();
    const kind = opts.mode.kind;
    if (kind !== 'streaming-signed' && kind !== 'streaming-signed-trailer' && kind !== 'streaming-unsigned-trailer') {
      throw new Error(`createChunkedDecoder: payload mode ${kind} is not aws-chunked`);
    }
    const signed = kind !== 'streaming-unsigned-trailer';
    if (signed && opts.signing === undefined) throw new Error(`createChunkedDecoder: ${kind} needs a signing context`);
    this.signing = signed ? opts.signing : undefined;
    this.previousSignature = opts.signing?.seedSignature ?? '';
    this.withTrailer = kind !== 'streaming-signed';
    this.expectedLength = opts.decodedContentLength;
    this.maxChunkSize = opts.maxChunkSize ?? (signed ? DEFAULT_MAX_SIGNED_CHUNK : Number.MAX_SAFE_INTEGER);
  }

  override _transform(input: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(input);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      // Tolerate a body that stops after its last complete trailer line without the closing CRLF,
      // but never one that stops before a trailer: that would silently drop the checksum.
      if (this.phase === Phase.Trailer && this.lineBytes === 0 && this.trailersComplete()) this.finishTrailers();
      if (this.phase !== Phase.Done) throw truncated();
      if (this.expectedLength !== undefined && this.decodedLength !== this.expectedLength) throw lengthMismatch();
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  private consume(input: Buffer): void {
    let pos = 0;
    while (pos < input.length) {
      switch (this.phase) {
        case Phase.ChunkHeader: {
          const next = this.readLine(input, pos, MAX_CHUNK_HEADER);
          if (next.line !== undefined) {
            if (!next.line.endsWith('\r')) throw malformed('chunk header not terminated by CRLF');
            this.startChunk(next.line.slice(0, -1));
          }
          pos = next.pos;
          break;
        }
        case Phase.ChunkData: {
          const n = Math.min(this.remaining, input.length - pos);
          const piece = input.subarray(pos, pos + n);
          pos += n;
          this.remaining -= n;
          if (this.hash !== undefined) {
            this.hash.update(piece);
            this.held.push(piece);
          } else {
            this.push(piece);
          }
          if (this.remaining === 0) this.endChunkData();
          break;
        }
        case Phase.ChunkDataEnd: {
          const byte = input[pos++];
          if (byte !== (this.crlfSeen === 0 ? CR : LF)) throw malformed('chunk data not followed by CRLF');
          if (++this.crlfSeen === 2) this.phase = Phase.ChunkHeader;
          break;
        }
        case Phase.Trailer: {
          const next = this.readLine(input, pos, MAX_TRAILER_SECTION);
          this.trailerBytes += next.pos - pos;
          if (this.trailerBytes > MAX_TRAILER_SECTION) throw malformed('trailer section too large');
          pos = next.pos;
          if (next.line !== undefined) this.trailerLine(next.line.endsWith('\r') ? next.line.slice(0, -1) : next.line);
          break;
        }
        case Phase.Done:
          throw malformed('data after the final chunk');
      }
    }
  }

  /** Accumulates one LF-terminated line; `line` is set once it is complete (LF excluded). */
  private readLine(input: Buffer, pos: number, max: number): { line: string | undefined; pos: number } {
    const lf = input.indexOf(LF, pos);
    const end = lf === -1 ? input.length : lf;
    this.lineBytes += end - pos;
    if (this.lineBytes > max) throw malformed('line too long');
    if (end > pos) this.lineParts.push(input.subarray(pos, end));
    if (lf === -1) return { line: undefined, pos: end };
    const parts = this.lineParts;
    const line = (parts.length === 1 ? parts[0]! : Buffer.concat(parts)).toString('latin1');
    this.lineParts = [];
    this.lineBytes = 0;
    return { line, pos: lf + 1 };
  }

  private startChunk(header: string): void {
    const semi = header.indexOf(';');
    const sizeText = semi === -1 ? header : header.slice(0, semi);
    if (!CHUNK_SIZE.test(sizeText)) throw malformed(`invalid chunk size "${sizeText.slice(0, 32)}"`);
    const size = parseInt(sizeText, 16);
    if (!Number.isSafeInteger(size) || size > this.maxChunkSize) {
      throw fail('InvalidRequest', `Chunk size ${sizeText} exceeds the maximum of ${this.maxChunkSize} bytes.`);
    }
    if (this.signing !== undefined) {
      const m = CHUNK_SIGNATURE_EXT.exec(semi === -1 ? '' : header.slice(semi + 1));
      if (m === null) throw malformed('chunk header without a valid chunk-signature');
      this.expectedSignature = m[1]!.toLowerCase();
    }
    // Fail before reading a chunk that cannot fit the declared length.
    if (this.expectedLength !== undefined && this.decodedLength + size > this.expectedLength) throw lengthMismatch();
    this.decodedLength += size;
    if (size === 0) {
      this.verifyChunk(EMPTY_SHA256);
      this.phase = Phase.Trailer;
      return;
    }
    this.remaining = size;
    this.hash = this.signing !== undefined ? createHash('sha256') : undefined;
    this.phase = Phase.ChunkData;
  }

  private endChunkData(): void {
    if (this.hash !== undefined) {
      this.verifyChunk(this.hash.digest('hex'));
      this.hash = undefined;
      const held = this.held;
      this.held = [];
      for (const piece of held) this.push(piece);
    }
    this.crlfSeen = 0;
    this.phase = Phase.ChunkDataEnd;
  }

  private verifyChunk(sha256Hex: string): void {
    if (this.signing === undefined) return;
    const expected = chunkSignature(this.signing, this.previousSignature, sha256Hex);
    if (!signaturesEqual(expected, this.expectedSignature)) throw badSignature('chunk');
    this.previousSignature = expected;
  }

  private trailerLine(line: string): void {
    if (line === '') {
      this.finishTrailers();
      return;
    }
    if (!this.withTrailer) throw malformed('trailer in a payload without trailers');
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(name)) throw malformed('invalid trailer line');
    const value = line.slice(colon + 1).trim();
    // Nothing may follow the signature: it would not be covered by it.
    if (this.trailerSig !== undefined) throw malformed('trailer after x-amz-trailer-signature');
    if (name === TRAILER_SIGNATURE) {
      this.trailerSig = value.toLowerCase();
      return;
    }
    if (Object.hasOwn(this.pendingTrailers, name)) throw malformed(`duplicate trailer ${name}`);
    // defineProperty, so that a trailer named "__proto__" is data, not a prototype change.
    Object.defineProperty(this.pendingTrailers, name, { value, enumerable: true, writable: true, configurable: true });
  }

  private trailersComplete(): boolean {
    if (!this.withTrailer || Object.keys(this.pendingTrailers).length === 0) return false;
    return this.signing === undefined || this.trailerSig !== undefined;
  }

  private finishTrailers(): void {
    if (this.signing !== undefined && this.withTrailer) {
      if (this.trailerSig === undefined) throw malformed('missing x-amz-trailer-signature');
      const expected = trailerSignature(this.signing, this.previousSignature, this.pendingTrailers);
      if (!signaturesEqual(expected, this.trailerSig)) throw badSignature('trailer');
    }
    this.trailers = this.pendingTrailers;
    this.phase = Phase.Done;
  }
}

export function createChunkedDecoder(opts: ChunkedDecoderOptions): ChunkedDecoder {
  return new ChunkedDecoder(opts);
}
