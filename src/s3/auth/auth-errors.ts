/**
 * The authentication failures, with the codes and messages AWS S3 returns, so
 * that SDK error handling and people searching the message find the same thing.
 */
import { fail, type AppError } from '../../core/errors.js';

export const UNSUPPORTED_MECHANISM =
  'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.';

export function unsupportedMechanism(): AppError {
  return fail('InvalidRequest', UNSUPPORTED_MECHANISM);
}

export function invalidAccessKeyId(accessKeyId: string): AppError {
  return fail('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
    details: { AWSAccessKeyId: accessKeyId },
  });
}

export function signatureDoesNotMatch(details: {
  accessKeyId: string;
  provided: string;
  stringToSign: string;
  canonicalRequest: string;
}): AppError {
  return fail(
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    {
      details: {
        AWSAccessKeyId: details.accessKeyId,
        SignatureProvided: details.provided,
        StringToSign: details.stringToSign,
        CanonicalRequest: details.canonicalRequest,
      },
    },
  );
}

export function headerMalformed(message: string): AppError {
  return fail('AuthorizationHeaderMalformed', message);
}

export function queryParametersError(message: string): AppError {
  return fail('AuthorizationQueryParametersError', message);
}

export function requestTimeTooSkewed(requestTime: Date, serverTime: Date, maxSkewSeconds: number): AppError {
  return fail('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', {
    details: {
      RequestTime: requestTime.toISOString(),
      ServerTime: serverTime.toISOString(),
      MaxAllowedSkewMilliseconds: String(maxSkewSeconds * 1000),
    },
  });
}

export function headersNotSigned(names: readonly string[]): AppError {
  return fail('AccessDenied', 'There were headers present in the request which were not signed', {
    details: { HeadersNotSigned: names.join(', ') },
  });
}

export function invalidContentSha256(value: string): AppError {
  return fail(
    'InvalidArgument',
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, ' +
      'STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
    { details: { ArgumentName: 'x-amz-content-sha256', ArgumentValue: value } },
  );
}
