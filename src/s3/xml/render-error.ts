/**
 * The S3 error body. s3/errors.ts maps an AppError to code/status and calls this.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
 *
 * AWS sends it without a namespace. Responses to HEAD carry no body at all;
 * that is the handler's concern, not this renderer's.
 */
import { el, optEl, xmlDocument } from './writer.js';

export interface ErrorXml {
  /** The S3 code, e.g. NoSuchKey (not the internal ErrorCode). */
  code: string;
  message: string;
  /** The bucket or object path the error is about. */
  resource?: string;
  requestId: string;
  /** x-amz-id-2, when the server has one. */
  hostId?: string;
  /**
   * Extra elements AWS adds for some errors, rendered in insertion order after
   * Message: BucketName, Key, UploadId, ArgumentName, ArgumentValue,
   * StringToSign, CanonicalRequest, ... (typically AppError.details).
   */
  extra?: Record<string, string>;
}

// Names that are ours to render, and what a valid element name looks like. This
// renderer must never throw or emit broken XML, so bad extras are dropped.
const RESERVED = new Set(['Code', 'Message', 'Resource', 'RequestId', 'HostId']);
const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function renderError(r: ErrorXml): string {
  let body = el('Code', r.code) + el('Message', r.message);
  if (r.extra !== undefined) {
    for (const [name, value] of Object.entries(r.extra)) {
      if (!RESERVED.has(name) && ELEMENT_NAME.test(name)) body += el(name, value);
    }
  }
  body += optEl('Resource', r.resource) + el('RequestId', r.requestId) + optEl('HostId', r.hostId);
  return xmlDocument('Error', body, false);
}
