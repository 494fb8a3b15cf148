/**
 * Typed errors for every layer below the protocols. A protocol (s3/errors.ts,
 * later admin/) owns the one total mapping from ErrorCode to its wire format,
 * so the compiler rejects a code that some protocol forgot to map.
 */
export const ErrorCodes = {
  // generic
  AccessDenied: 'AccessDenied',
  InvalidArgument: 'InvalidArgument',
  InvalidRequest: 'InvalidRequest',
  NotImplemented: 'NotImplemented',
  Unavailable: 'Unavailable',
  Internal: 'Internal',
  MethodNotAllowed: 'MethodNotAllowed',
  // authentication
  InvalidAccessKeyId: 'InvalidAccessKeyId',
  SignatureDoesNotMatch: 'SignatureDoesNotMatch',
  RequestTimeTooSkewed: 'RequestTimeTooSkewed',
  AuthorizationHeaderMalformed: 'AuthorizationHeaderMalformed',
  AuthorizationQueryParametersError: 'AuthorizationQueryParametersError',
  ExpiredToken: 'ExpiredToken',
  MissingSecurityHeader: 'MissingSecurityHeader',
  // request shape
  MalformedXML: 'MalformedXML',
  MalformedPOSTRequest: 'MalformedPOSTRequest',
  InvalidDigest: 'InvalidDigest',
  BadDigest: 'BadDigest',
  XAmzContentSHA256Mismatch: 'XAmzContentSHA256Mismatch',
  IncompleteBody: 'IncompleteBody',
  MissingContentLength: 'MissingContentLength',
  EntityTooSmall: 'EntityTooSmall',
  EntityTooLarge: 'EntityTooLarge',
  MetadataTooLarge: 'MetadataTooLarge',
  KeyTooLongError: 'KeyTooLongError',
  InvalidRange: 'InvalidRange',
  InvalidPart: 'InvalidPart',
  InvalidPartOrder: 'InvalidPartOrder',
  InvalidTag: 'InvalidTag',
  InvalidStorageClass: 'InvalidStorageClass',
  InvalidLocationConstraint: 'InvalidLocationConstraint',
  IllegalLocationConstraintException: 'IllegalLocationConstraintException',
  RequestHeaderSectionTooLarge: 'RequestHeaderSectionTooLarge',
  // state
  NoSuchBucket: 'NoSuchBucket',
  NoSuchKey: 'NoSuchKey',
  NoSuchVersion: 'NoSuchVersion',
  NoSuchUpload: 'NoSuchUpload',
  NoSuchCORSConfiguration: 'NoSuchCORSConfiguration',
  NoSuchTagSet: 'NoSuchTagSet',
  InvalidBucketName: 'InvalidBucketName',
  BucketAlreadyExists: 'BucketAlreadyExists',
  BucketAlreadyOwnedByYou: 'BucketAlreadyOwnedByYou',
  BucketNotEmpty: 'BucketNotEmpty',
  PreconditionFailed: 'PreconditionFailed',
  NotModified: 'NotModified',
  ConditionalRequestConflict: 'ConditionalRequestConflict',
  InvalidObjectState: 'InvalidObjectState',
  CORSForbidden: 'CORSForbidden',
  QuotaExceeded: 'QuotaExceeded',
  ResidencyViolation: 'ResidencyViolation',
  SlowDown: 'SlowDown',
  InvalidURI: 'InvalidURI',
  // accounts and policies (admin API; MalformedPolicy also on PutBucketPolicy)
  MalformedPolicy: 'MalformedPolicy',
  NoSuchAccount: 'NoSuchAccount',
  NoSuchUser: 'NoSuchUser',
  NoSuchAccessKey: 'NoSuchAccessKey',
  NoSuchPolicy: 'NoSuchPolicy',
  NoSuchToken: 'NoSuchToken',
  EntityAlreadyExists: 'EntityAlreadyExists',
  IdempotencyKeyReused: 'IdempotencyKeyReused',
  InvalidRegion: 'InvalidRegion',
  Conflict: 'Conflict',
  // billing (admin API)
  NoSuchInvoice: 'NoSuchInvoice',
  NoSuchPriceBook: 'NoSuchPriceBook',
  // routing: the bucket lives in a region another endpoint serves
  PermanentRedirect: 'PermanentRedirect',
  // bucket configuration that is readable but not set (S3 answers 404 with these codes)
  NoSuchBucketPolicy: 'NoSuchBucketPolicy',
  NoSuchLifecycleConfiguration: 'NoSuchLifecycleConfiguration',
  ServerSideEncryptionConfigurationNotFoundError: 'ServerSideEncryptionConfigurationNotFoundError',
  NoSuchWebsiteConfiguration: 'NoSuchWebsiteConfiguration',
  ReplicationConfigurationNotFoundError: 'ReplicationConfigurationNotFoundError',
  ObjectLockConfigurationNotFoundError: 'ObjectLockConfigurationNotFoundError',
  OwnershipControlsNotFoundError: 'OwnershipControlsNotFoundError',
  NoSuchPublicAccessBlockConfiguration: 'NoSuchPublicAccessBlockConfiguration',
  // S3 SelectObjectContent (the codes AWS lists for it; all 400)
  InvalidExpressionType: 'InvalidExpressionType',
  MissingRequiredParameter: 'MissingRequiredParameter',
  EmptyRequestBody: 'EmptyRequestBody',
  ObjectSerializationConflict: 'ObjectSerializationConflict',
  InvalidFileHeaderInfo: 'InvalidFileHeaderInfo',
  InvalidJsonType: 'InvalidJsonType',
  InvalidQuoteFields: 'InvalidQuoteFields',
  InvalidRequestParameter: 'InvalidRequestParameter',
  InvalidCompressionFormat: 'InvalidCompressionFormat',
  InvalidScanRange: 'InvalidScanRange',
  UnsupportedScanRangeInput: 'UnsupportedScanRangeInput',
  ExpressionTooLong: 'ExpressionTooLong',
  InvalidTextEncoding: 'InvalidTextEncoding',
  LexerInvalidChar: 'LexerInvalidChar',
  LexerInvalidLiteral: 'LexerInvalidLiteral',
  LexerInvalidOperator: 'LexerInvalidOperator',
  ParseUnexpectedToken: 'ParseUnexpectedToken',
  ParseExpectedExpression: 'ParseExpectedExpression',
  ParseSelectMissingFrom: 'ParseSelectMissingFrom',
  ParseEmptySelect: 'ParseEmptySelect',
  ParseAsteriskIsNotAloneInSelectList: 'ParseAsteriskIsNotAloneInSelectList',
  ParseUnsupportedCallWithStar: 'ParseUnsupportedCallWithStar',
  ParseNonUnaryAgregateFunctionCall: 'ParseNonUnaryAgregateFunctionCall',
  ParseUnsupportedCase: 'ParseUnsupportedCase',
  ParseMalformedJoin: 'ParseMalformedJoin',
  ParseUnsupportedSelect: 'ParseUnsupportedSelect',
  ParseUnsupportedSyntax: 'ParseUnsupportedSyntax',
  ParseExpectedTypeName: 'ParseExpectedTypeName',
  ParseExpectedLeftParenAfterCast: 'ParseExpectedLeftParenAfterCast',
  ParseExpectedIdentForAlias: 'ParseExpectedIdentForAlias',
  ParseExpectedIdentForGroupName: 'ParseExpectedIdentForGroupName',
  ParseUnExpectedKeyword: 'ParseUnExpectedKeyword',
  ParseInvalidPathComponent: 'ParseInvalidPathComponent',
  ParseExpectedNumber: 'ParseExpectedNumber',
  UnsupportedFunction: 'UnsupportedFunction',
  UnsupportedSqlStructure: 'UnsupportedSqlStructure',
  UnsupportedSqlOperation: 'UnsupportedSqlOperation',
  EvaluatorInvalidArguments: 'EvaluatorInvalidArguments',
  EvaluatorBindingDoesNotExist: 'EvaluatorBindingDoesNotExist',
  EvaluatorNegativeLimit: 'EvaluatorNegativeLimit',
  InvalidColumnIndex: 'InvalidColumnIndex',
  InvalidDataSource: 'InvalidDataSource',
  IncorrectSqlFunctionArgumentType: 'IncorrectSqlFunctionArgumentType',
  CastFailed: 'CastFailed',
  CSVParsingError: 'CSVParsingError',
  JSONParsingError: 'JSONParsingError',
  ParquetParsingError: 'ParquetParsingError',
  TruncatedInput: 'TruncatedInput',
  IntegerOverflow: 'IntegerOverflow',
  EvaluatorLikePatternInvalidEscapeSequence: 'EvaluatorLikePatternInvalidEscapeSequence',
  AmbiguousFieldName: 'AmbiguousFieldName',
  ParseInvalidContextForWildcardInSelectList: 'ParseInvalidContextForWildcardInSelectList',
  // analytics (SQL over objects)
  InvalidQuery: 'InvalidQuery',
  QueryRefused: 'QueryRefused',
  MalformedObject: 'MalformedObject',
  ResidencyConflict: 'ResidencyConflict',
  QueryTimeout: 'QueryTimeout',
  QueryCancelled: 'QueryCancelled',
  QueryMemoryExceeded: 'QueryMemoryExceeded',
  ResultTooLarge: 'ResultTooLarge',
  TooManyQueries: 'TooManyQueries',
  NoSuchQuery: 'NoSuchQuery',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface AppErrorOptions {
  /** The bucket or object the error is about, rendered as <Resource>. */
  resource?: string;
  cause?: unknown;
  /** Extra fields a protocol may render (e.g. BucketName, Key, UploadId, ArgumentName). */
  details?: Record<string, string>;
  /** Extra response headers (e.g. x-amz-bucket-region, Last-Modified on 304). */
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly resource: string | undefined;
  readonly details: Record<string, string> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, opts: AppErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.resource = opts.resource;
    this.details = opts.details;
    this.headers = opts.headers;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Shorthand used throughout: `throw fail('NoSuchKey', 'The specified key does not exist.')`. */
export function fail(code: ErrorCode, message: string, opts?: AppErrorOptions): AppError {
  return new AppError(code, message, opts);
}
