/**
 * PostObject: browser form upload authenticated by a signed policy document.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
 * The content-length-range condition is enforced while streaming, so an
 * oversized file is refused before anything becomes visible.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { fail } from '../../core/errors.js';
import type { PayloadClaims, PutObjectInput } from '../../engine/types.js';
import { parseMultipartForm, verifyPostPolicy } from '../auth/index.js';
import { principalLookup } from '../authenticate-request.js';
import { authorizePost } from '../authorize-request.js';
import type { S3Context } from '../context.js';
import { readObjectHeaders, readChecksumHeader, readTaggingHeader } from '../headers.js';
import { header, type ProtocolResponse } from '../request.js';
import { emptyResponse, xmlResponse } from '../respond.js';
import { renderPostResponse } from '../xml/index.js';
import { parseCannedAcl } from './acl.js';
import { assertKey } from './object-write.js';
import { bucketOf } from './target.js';

/** Counts bytes and fails the stream when the policy's size range is violated. */
class SizeGuard extends Transform {
  private seen = 0;
  constructor(private readonly check: (n: number, final: boolean) => void) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    try {
      this.check(this.seen, false);
      cb(null, chunk);
    } catch (e) {
      cb(e as Error);
    }
  }
  override _flush(cb: TransformCallback): void {
    try {
      this.check(this.seen, true);
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }
}

export async function postObject(ctx: S3Context): Promise<ProtocolResponse> {
  const bucket = bucketOf(ctx);
  const form = await parseMultipartForm(ctx.req.body, { contentType: header(ctx.req.headers, 'content-type') ?? '' });
  const fields = form.fields;
  const keys = principalLookup(ctx.deps.credentials);
  const { conditions } = await verifyPostPolicy(fields, {
    bucket,
    lookup: keys.lookup,
    ...(ctx.deps.now ? { now: ctx.deps.now() } : {}),
  });
  const principal = keys.principal();
  if (!principal) throw fail('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');

  const rawKey = fields['key'];
  if (rawKey === undefined || rawKey === '') throw fail('InvalidArgument', 'Bucket POST must contain a field named \'key\'.', { details: { ArgumentName: 'key' } });
  const key = rawKey.replace(/\$\{filename\}/g, form.file.filename ?? '');
  assertKey(key);
  const b = await ctx.deps.engine.getBucket(bucket);
  await authorizePost(ctx, principal, b, key);

  // Form fields play the role of request headers for the stored object.
  const asHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) asHeaders[k.toLowerCase()] = v;
  if (asHeaders['content-type'] === undefined && form.file.contentType) asHeaders['content-type'] = form.file.contentType;
  const claims: PayloadClaims = {};
  const checksum = readChecksumHeader(asHeaders);
  if (checksum) claims.checksum = checksum;
  if (asHeaders['content-md5'] !== undefined) claims.md5Base64 = asHeaders['content-md5'];

  const range = conditions.contentLengthRange;
  // Oversize fails as soon as it is seen; undersize can only be judged at the end.
  const guard = new SizeGuard((n, final) => {
    if (final || (range !== undefined && n > range.max)) conditions.checkContentLength(n);
  });
  form.file.stream.on('error', (e) => guard.destroy(e));
  const input: PutObjectInput = {
    bucket, key, owner: b.owner, body: form.file.stream.pipe(guard), claims,
    headers: readObjectHeaders(asHeaders), signal: ctx.req.signal,
  };
  const tags = readTaggingHeader(asHeaders);
  if (tags) input.tags = tags;
  const acl = parseCannedAcl(fields['acl']);
  if (acl) input.acl = acl;
  const result = await ctx.deps.engine.putObject(input);
  await form.done;

  const headers: Record<string, string> = { etag: result.etag };
  if (b.versioning !== undefined) headers['x-amz-version-id'] = result.versionId;
  const location = `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const redirect = fields['success_action_redirect'] ?? fields['redirect'];
  if (redirect) {
    const url = new URL(redirect);
    url.searchParams.set('bucket', bucket);
    url.searchParams.set('key', key);
    url.searchParams.set('etag', result.etag);
    return emptyResponse(303, { ...headers, location: url.toString() });
  }
  const status = fields['success_action_status'];
  if (status === '201') {
    return xmlResponse(renderPostResponse({ location, bucket, key, etag: result.etag }), 201, { ...headers, location });
  }
  if (status === '200') return emptyResponse(200, { ...headers, location });
  return emptyResponse(204, { ...headers, location });
}
