/** aws-chunked bodies built from the AWS specification (sigv4-fixtures.ts), decoded by ChunkedDecoder. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { createChunkedDecoder, type ChunkedDecoderOptions, type PayloadMode, type SigningContext } from './index.js';
import { buildChunkedBody, SECRET, signingKeyFor } from './sigv4-fixtures.js';

const CTX: SigningContext = {
  signingKey: signingKeyFor(SECRET, '20250102', 'eu-west-3'),
  scope: '20250102/eu-west-3/s3/aws4_request',
  amzDate: '20250102T030405Z',
  seedSignature: 'c0ffee'.padEnd(64, '0'),
  region: 'eu-west-3',
};
const SIGNED: PayloadMode = { kind: 'streaming-signed' };
const SIGNED_TRAILER: PayloadMode = { kind: 'streaming-signed-trailer' };
const UNSIGNED_TRAILER: PayloadMode = { kind: 'streaming-unsigned-trailer' };
const TRAILERS = { 'x-amz-checksum-crc32': 'sOO8/Q==' };

interface Decoded {
  data: Buffer;
  trailers: Record<string, string>;
  outputs: Buffer[];
}

async function decode(opts: ChunkedDecoderOptions, pieces: readonly Buffer[]): Promise<Decoded> {
  const decoder = createChunkedDecoder(opts);
  const outputs: Buffer[] = [];
  decoder.on('data', (b: Buffer) => outputs.push(b));
  await pipeline(Readable.from(pieces), decoder);
  return { data: Buffer.concat(outputs), trailers: decoder.trailers, outputs };
}

function bytewise(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < body.length; i++) out.push(body.subarray(i, i + 1));
  return out;
}

const chunks = [randomBytes(200), randomBytes(37), randomBytes(1)];
const payload = Buffer.concat(chunks);

test('each mode decodes whole, byte by byte, and split at every single position', async () => {
  const variants: [PayloadMode, Buffer, Record<string, string>][] = [
    [SIGNED, buildChunkedBody(chunks, { ctx: CTX }).body, {}],
    [SIGNED_TRAILER, buildChunkedBody(chunks, { ctx: CTX, trailers: TRAILERS }).body, TRAILERS],
    [UNSIGNED_TRAILER, buildChunkedBody(chunks, { trailers: TRAILERS }).body, TRAILERS],
  ];
  for (const [mode, body, trailers] of variants) {
    const opts = { mode, signing: CTX, decodedContentLength: payload.length };
    for (const pieces of [[body], bytewise(body)]) {
      const out = await decode(opts, pieces);
      assert.ok(out.data.equals(payload), mode.kind);
      assert.deepEqual(out.trailers, trailers);
    }
    for (let i = 1; i < body.length; i++) {
      const out = await decode(opts, [body.subarray(0, i), body.subarray(i)]);
      assert.ok(out.data.equals(payload), `${mode.kind} split at ${i}`);
    }
  }
});

test('an empty payload is just the final chunk', async () => {
  const out = await decode({ mode: SIGNED, signing: CTX, decodedContentLength: 0 }, [buildChunkedBody([], { ctx: CTX }).body]);
  assert.equal(out.data.length, 0);
});

test('a bad chunk signature fails the stream before any byte of that chunk is released', async () => {
  const { body, signatures } = buildChunkedBody(chunks, { ctx: CTX });
  const tampered = Buffer.from(body.toString('latin1').replace(signatures[1]!, '0'.repeat(64)), 'latin1');
  const decoder = createChunkedDecoder({ mode: SIGNED, signing: CTX });
  const released: Buffer[] = [];
  decoder.on('data', (b: Buffer) => released.push(b));
  await assert.rejects(pipeline(Readable.from([tampered]), decoder), { code: 'SignatureDoesNotMatch' });
  assert.ok(Buffer.concat(released).equals(chunks[0]!), 'only the verified first chunk came out');

  // A flipped data byte breaks that chunk's signature too.
  const flipped = Buffer.from(body);
  flipped[body.indexOf('\r\n') + 2 + 10]! ^= 1;
  await assert.rejects(decode({ mode: SIGNED, signing: CTX }, [flipped]), { code: 'SignatureDoesNotMatch' });
  // So does a wrong seed (a chunk body replayed under another request).
  await assert.rejects(decode({ mode: SIGNED, signing: { ...CTX, seedSignature: 'f'.repeat(64) } }, [body]), {
    code: 'SignatureDoesNotMatch',
  });
  // Reordered chunks break the chain.
  const reordered = buildChunkedBody([chunks[1]!, chunks[0]!, chunks[2]!], { ctx: CTX });
  const swapped = Buffer.from(reordered.body.toString('latin1').replace(reordered.signatures[0]!, signatures[1]!), 'latin1');
  await assert.rejects(decode({ mode: SIGNED, signing: CTX }, [swapped]), { code: 'SignatureDoesNotMatch' });
});

test('a bad or missing trailer signature fails the stream; trailers are exposed only when verified', async () => {
  const { body } = buildChunkedBody(chunks, { ctx: CTX, trailers: TRAILERS });
  const changed = Buffer.from(body.toString('latin1').replace('sOO8/Q==', 'AAAAAA=='), 'latin1');
  await assert.rejects(decode({ mode: SIGNED_TRAILER, signing: CTX }, [changed]), { code: 'SignatureDoesNotMatch' });
  const unsignedBody = buildChunkedBody(chunks, { trailers: TRAILERS }).body;
  const withSignedChunks = buildChunkedBody(chunks, { ctx: CTX }).body;
  // Signed chunks but no trailer signature.
  const noSig = Buffer.concat([withSignedChunks.subarray(0, -2), Buffer.from('x-amz-checksum-crc32:sOO8/Q==\r\n\r\n')]);
  await assert.rejects(decode({ mode: SIGNED_TRAILER, signing: CTX }, [noSig]), { code: 'InvalidRequest' });
  // Unsigned framing where signatures are required.
  await assert.rejects(decode({ mode: SIGNED_TRAILER, signing: CTX }, [unsignedBody]), { code: 'InvalidRequest' });
});

test('a truncated body is IncompleteBody wherever it stops', async () => {
  const variants: [PayloadMode, Buffer][] = [
    [SIGNED, buildChunkedBody(chunks, { ctx: CTX }).body],
    [SIGNED_TRAILER, buildChunkedBody(chunks, { ctx: CTX, trailers: TRAILERS }).body],
    [UNSIGNED_TRAILER, buildChunkedBody(chunks, { trailers: TRAILERS }).body],
  ];
  for (const [mode, body] of variants) {
    for (let n = 0; n < body.length; n++) {
      const run = decode({ mode, signing: CTX, decodedContentLength: payload.length }, [body.subarray(0, n)]);
      // Only the closing CRLF after complete trailer lines may be missing: that is tolerated.
      if (n === body.length - 2 && mode.kind !== 'streaming-signed') await run;
      else await assert.rejects(run, { code: 'IncompleteBody' }, `${mode.kind} cut at ${n}/${body.length}`);
    }
  }
});

test('the decoded length must equal x-amz-decoded-content-length', async () => {
  const { body } = buildChunkedBody(chunks, { ctx: CTX });
  await assert.rejects(decode({ mode: SIGNED, signing: CTX, decodedContentLength: payload.length - 1 }, [body]), {
    code: 'IncompleteBody',
  });
  await assert.rejects(decode({ mode: SIGNED, signing: CTX, decodedContentLength: payload.length + 1 }, [body]), {
    code: 'IncompleteBody',
  });
  // Without the header the length is not checked.
  assert.equal((await decode({ mode: SIGNED, signing: CTX }, [body])).data.length, payload.length);
});

test('malformed framing is InvalidRequest', async () => {
  const signed = buildChunkedBody(chunks, { ctx: CTX }).body.toString('latin1');
  const unsigned = buildChunkedBody(chunks, { trailers: TRAILERS }).body.toString('latin1');
  const cases: [PayloadMode, string, string][] = [
    [UNSIGNED_TRAILER, 'zz\r\n', 'bad hex size'],
    [UNSIGNED_TRAILER, '\r\n', 'empty size'],
    [UNSIGNED_TRAILER, '12345678901234567\r\n', 'size too long'],
    [UNSIGNED_TRAILER, '3\nabc\r\n0\r\n\r\n', 'LF-only chunk header'],
    [UNSIGNED_TRAILER, '3\r\nabcX\n0\r\n\r\n', 'data not followed by CRLF'],
    [UNSIGNED_TRAILER, unsigned + 'extra', 'data after the end'],
    [UNSIGNED_TRAILER, '0\r\nnot a trailer\r\n\r\n', 'trailer without a colon'],
    [UNSIGNED_TRAILER, '0\r\na:1\r\na:2\r\n\r\n', 'duplicate trailer'],
    [SIGNED, signed.replace(/;chunk-signature=/, ';chunk-sig='), 'no chunk-signature'],
    [SIGNED, signed.slice(0, -2) + 'x-amz-checksum-crc32:AAAAAA==\r\n\r\n', 'trailer without trailer mode'],
    [UNSIGNED_TRAILER, 'f'.repeat(16) + '\r\n', 'size beyond 2^53'],
    [UNSIGNED_TRAILER, 'a'.repeat(5000), 'endless chunk header'],
  ];
  for (const [mode, body, label] of cases) {
    await assert.rejects(decode({ mode, signing: CTX }, [Buffer.from(body, 'latin1')]), { code: 'InvalidRequest' }, label);
  }
  const sigAfter = buildChunkedBody(chunks, { ctx: CTX, trailers: TRAILERS }).body.toString('latin1');
  const late = sigAfter.slice(0, -2) + 'x-amz-late:1\r\n\r\n';
  await assert.rejects(decode({ mode: SIGNED_TRAILER, signing: CTX }, [Buffer.from(late, 'latin1')]), {
    code: 'InvalidRequest',
  });
});

test('chunk size limits: huge chunks stream through, signed chunks are bounded', async (t) => {
  const big = Buffer.alloc(32 * 1024 * 1024, 7);
  const unsignedBody = buildChunkedBody([big], { trailers: TRAILERS }).body;
  const slices: Buffer[] = [];
  for (let i = 0; i < unsignedBody.length; i += 65536) slices.push(unsignedBody.subarray(i, i + 65536));
  let started = process.hrtime.bigint();
  const out = await decode({ mode: UNSIGNED_TRAILER, decodedContentLength: big.length }, slices);
  t.diagnostic(`unsigned 32 MiB chunk: ${Number(process.hrtime.bigint() - started) / 1e6} ms`);
  assert.equal(out.data.length, big.length);

  const eight = randomBytes(8 * 1024 * 1024);
  const signedBody = buildChunkedBody([eight, eight], { ctx: CTX, trailers: TRAILERS }).body;
  const signedSlices: Buffer[] = [];
  for (let i = 0; i < signedBody.length; i += 65536) signedSlices.push(signedBody.subarray(i, i + 65536));
  started = process.hrtime.bigint();
  const signedOut = await decode({ mode: SIGNED_TRAILER, signing: CTX }, signedSlices);
  t.diagnostic(`signed 2 x 8 MiB chunks: ${Number(process.hrtime.bigint() - started) / 1e6} ms`);
  const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  assert.equal(digest(signedOut.data), digest(Buffer.concat([eight, eight])));

  await assert.rejects(decode({ mode: SIGNED, signing: CTX, maxChunkSize: 1000 }, [buildChunkedBody([randomBytes(1001)], { ctx: CTX }).body]), {
    code: 'InvalidRequest',
  });
  await assert.rejects(decode({ mode: UNSIGNED_TRAILER, maxChunkSize: 10 }, [Buffer.from('b\r\n')]), { code: 'InvalidRequest' });
});

test('payload bytes leave as views of the input, not copies', async () => {
  const body = buildChunkedBody([randomBytes(4096)], { trailers: TRAILERS }).body;
  const out = await decode({ mode: UNSIGNED_TRAILER }, [body]);
  assert.equal(out.outputs.length, 1);
  assert.equal(out.outputs[0]!.buffer, body.buffer);
  const signedBody = buildChunkedBody([randomBytes(4096)], { ctx: CTX }).body;
  const signedOut = await decode({ mode: SIGNED, signing: CTX }, [signedBody]);
  assert.equal(signedOut.outputs[0]!.buffer, signedBody.buffer);
});

test('creating a decoder for a non-streaming mode or without signing context is a programming error', () => {
  assert.throws(() => createChunkedDecoder({ mode: { kind: 'unsigned' } }));
  assert.throws(() => createChunkedDecoder({ mode: SIGNED }));
});

test('a trailer named __proto__ is plain data', async () => {
  const out = await decode({ mode: UNSIGNED_TRAILER }, [Buffer.from('0\r\n__proto__:x\r\n\r\n')]);
  assert.ok(Object.hasOwn(out.trailers, '__proto__'));
  assert.equal(Object.getPrototypeOf(out.trailers), Object.prototype);
});
