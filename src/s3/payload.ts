/**
 * Turn the request body into the decoded payload plus the integrity claims the
 * client made about it (length, Content-MD5, signed SHA-256, x-amz-checksum-*
 * as header or trailer). The engine verifies the claims while it streams.
 */
import { fail } from '../core/errors.js';
import type { PayloadClaims } from '../engine/types.js';
import { createChunkedDecoder } from './auth/index.js';
import type { Payload, S3Context } from './context.js';
import { parseChecksumAlgorithm, readChecksumHeader, readContentMd5 } from './headers.js';
import { header } from './request.js';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function intHeader(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw fail('InvalidArgument', `Invalid ${name} header value`, { details: { ArgumentName: name, ArgumentValue: value } });
  return Number(value);
}

export function readPayload(ctx: S3Context, opts: { requireLength?: boolean } = {}): Payload {
  const h = ctx.req.headers;
  const mode = ctx.auth.payload;
  const claims: PayloadClaims = {};
  const contentLength = intHeader(header(h, 'content-length'), 'Content-Length');
  const md5 = readContentMd5(h);
  if (md5 !== undefined) claims.md5Base64 = md5;
  const inline = readChecksumHeader(h);
  if (inline) claims.checksum = inline;
  const sdkAlg = parseChecksumAlgorithm(header(h, 'x-amz-sdk-checksum-algorithm'), 'x-amz-sdk-checksum-algorithm');
  if (!claims.checksum && sdkAlg) claims.checksum = { algorithm: sdkAlg };

  if (mode.kind === 'signed' || mode.kind === 'unsigned') {
    if (mode.kind === 'signed' && mode.sha256Hex !== EMPTY_SHA256) claims.sha256Hex = mode.sha256Hex;
    else if (mode.kind === 'signed' && (contentLength ?? 0) > 0) claims.sha256Hex = mode.sha256Hex;
    if (contentLength === undefined && opts.requireLength && header(h, 'transfer-encoding') === undefined) {
      throw fail('MissingContentLength', 'You must provide the Content-Length HTTP header.');
    }
    if (contentLength !== undefined) claims.contentLength = contentLength;
    return { body: ctx.req.body, claims };
  }

  // aws-chunked: the decoded length is the object's length.
  const decodedLength = intHeader(header(h, 'x-amz-decoded-content-length'), 'x-amz-decoded-content-length');
  if (decodedLength === undefined && opts.requireLength && contentLength === undefined) {
    throw fail('MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  const decoder = createChunkedDecoder({
    mode,
    ...(ctx.auth.anonymous ? {} : { signing: ctx.auth.signing }),
    ...(decodedLength !== undefined ? { decodedContentLength: decodedLength } : {}),
  });
  if (decodedLength !== undefined) claims.contentLength = decodedLength;
  const trailerName = header(h, 'x-amz-trailer')?.trim().toLowerCase();
  if (trailerName !== undefined && trailerName !== '') {
    const m = /^x-amz-checksum-([a-z0-9]+)$/.exec(trailerName);
    if (!m) throw fail('InvalidRequest', `Unsupported trailer ${trailerName}`);
    const algorithm = parseChecksumAlgorithm(m[1], 'x-amz-trailer')!;
    if (claims.checksum && claims.checksum.algorithm !== algorithm) {
      throw fail('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
    }
    claims.checksum = {
      algorithm,
      value: () => {
        const v = decoder.trailers[trailerName];
        if (v === undefined) throw fail('InvalidRequest', `The trailer ${trailerName} announced in x-amz-trailer was not sent.`);
        return v;
      },
    };
  }
  const body = ctx.req.body;
  body.on('error', (e) => decoder.destroy(e));
  body.pipe(decoder);
  return { body: decoder, claims };
}
