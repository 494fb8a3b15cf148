/**
 * analytics/: SQL over stored objects with an embedded DuckDB, inside the bucket's region.
 * The engine (query-service.ts and what it uses) knows storage only through the ObjectAccess
 * port; api/ is its HTTP protocol on the S3 endpoint and builds that port on the S3 API's
 * authorization.
 */
export { AnalyticsService, CONTENT_TYPES, RESULT_FORMATS, type AnalyticsServiceOptions, type QueryInput, type ResultFormat, type StoredResult, type StreamedResult } from './query-service.js';
export { DEFAULT_ANALYTICS_LIMITS, effectiveLimits, type AnalyticsLimits, type CallerLimits } from './limits.js';
export type { BucketPlace, ObjectAccess, ResidencyRules } from './ports.js';
export type { QueryStatus } from './query-run.js';
export { ANALYTICS_PREFIX, ANALYTICS_ROUTES, createAnalyticsApi, type AnalyticsApiDeps } from './api/analytics-api.js';
export { analyticsOpenApi } from './api/openapi.js';
export { objectAccess, type CallerContext } from './api/object-access.js';
