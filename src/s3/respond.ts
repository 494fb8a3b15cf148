/**
 * Small builders for S3 responses, and the one renderer for S3 XML errors.
 */
import { isAppError, type AppError } from '../core/errors.js';
import { S3_ERRORS } from './errors.js';
import { renderError } from './xml/index.js';
import type { ProtocolResponse } from './request.js';

export const XML_TYPE = 'application/xml';

export function xmlResponse(body: string, status = 200, headers: Record<string, string | number | string[]> = {}): ProtocolResponse {
  return { status, headers: { 'content-type': XML_TYPE, ...headers }, body };
}

export function emptyResponse(status = 200, headers: Record<string, string | number | string[]> = {}): ProtocolResponse {
  return { status, headers };
}

/** Render any error as S3 XML. Unknown errors become a generic InternalError (details go to the log only). */
export function errorResponse(err: unknown, requestId: string, method: string, onInternal?: (e: unknown, id: string) => void): ProtocolResponse {
  const appErr: AppError | undefined = isAppError(err) ? err : undefined;
  if (!appErr || appErr.code === 'Internal') onInternal?.(err, requestId);
  const spec = appErr ? S3_ERRORS[appErr.code] : S3_ERRORS.Internal;
  const message = appErr && appErr.code !== 'Internal' ? appErr.message : 'We encountered an internal error. Please try again.';
  const headers: Record<string, string | number> = { 'x-amz-request-id': requestId, ...(appErr?.headers ?? {}) };
  // 304 and HEAD responses carry no body; S3 sends the code in headers only for HEAD.
  if (spec.status === 304 || method === 'HEAD') {
    return { status: spec.status, headers: { ...headers, ...(spec.status === 304 ? {} : { 'x-amz-error-code': spec.s3Code }) } };
  }
  const fields: { code: string; message: string; requestId: string; resource?: string; extra?: Record<string, string> } = {
    code: spec.s3Code,
    message,
    requestId,
  };
  if (appErr?.resource !== undefined) fields.resource = appErr.resource;
  if (appErr?.details !== undefined) fields.extra = appErr.details;
  return xmlResponse(renderError(fields), spec.status, headers);
}
