/**
 * internal — authenticated node-to-node HTTP for the one-process-per-region deployment:
 * node identities from the cluster secret, the internal API every process serves under
 * /_sovra/internal/v1/, and its clients (the control plane's bucket directory, a peer region).
 *
 * Allowed imports: core/, client/, placement/ports, residency/ (types), s3/auth, s3/errors,
 * s3/request (plain values), node: built-ins.
 */
export {
  checkClusterSecret,
  checkNodeId,
  CONTROL_PLANE_NODE_ID,
  MIN_CLUSTER_SECRET_LENGTH,
  NODE_KEY_PREFIX,
  nodeAccessKeyId,
  nodeCredentials,
  nodeIdOfAccessKey,
  nodeKeyLookup,
} from './node-credentials.js';
export { createInternalApi, DEFAULT_INTERNAL_MAX_SKEW_SECONDS, type InternalApi, type InternalApiDeps } from './server.js';
export { DEFAULT_INTERNAL_TIMEOUT_MS, InternalClient, type InternalClientOptions, type InternalRequest } from './http-client.js';
export { DEFAULT_DIRECTORY_CACHE_TTL_MS, HttpBucketDirectory, type HttpBucketDirectoryOptions } from './http-directory.js';
export { RemoteRegion, type RemoteRegionOptions } from './remote-region.js';
export { DEFAULT_TENANCY_CACHE_TTL_MS, HttpTenancy, type HttpTenancyOptions } from './http-tenancy.js';
export { tenancyRoute, type TenancyRouteDeps } from './tenancy-routes.js';
export { INTERNAL_PREFIX, INTERNAL_SERVICE, OBJECT_HEADER, REPLICA_HEADER } from './wire.js';
