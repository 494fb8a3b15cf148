/**
 * client — code that talks to Sovra (or any S3 endpoint) over HTTP: the SigV4 signer and the
 * admin API client with the JSON types of that API.
 * Allowed imports: node: built-ins only.
 */
export {
  canonicalQueryString,
  EMPTY_SHA256,
  sha256Hex,
  SigV4Signer,
  UNSIGNED_PAYLOAD,
  uriEncode,
  type QueryValues,
  type SignedRequest,
  type SignRequestInput,
  type SigV4Credentials,
  type SigV4SignerOptions,
} from './sigv4-signer.js';
export {
  AdminApiError,
  AdminClient,
  AdminConnectionError,
  ADMIN_API_PREFIX,
  DEFAULT_SIGNING_REGION,
  parseEndpoint,
  type AdminAnswer,
  type AdminClientOptions,
  type AdminRequestOptions,
  type CreateOptions,
} from './admin-client.js';
export {
  AnalyticsApiError,
  AnalyticsClient,
  ANALYTICS_API_PREFIX,
  type QueryFormat,
  type QueryRequest,
  type QueryStats,
  type QueryStatus,
  type ResultColumn,
  type StoredQuery,
  type StreamedQuery,
} from './analytics-client.js';
export type * from './admin-types.js';
