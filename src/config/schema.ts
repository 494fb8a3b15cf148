/**
 * The one configuration schema: each field has a default, an environment
 * variable, a command-line flag and a doc line. `sovra serve --help` is
 * generated from this table so the help text cannot drift from behaviour.
 */
export interface Config {
  dataDir: string;
  host: string;
  port: number;
  /** Serve only this region (one process per region); unset serves every region of the topology. */
  region: string | undefined;
  /** Topology file (YAML or JSON); unset uses the built-in demo topology. */
  topology: string | undefined;
  /** This process hosts the control plane (global bucket directory) for per-region processes. */
  controlPlane: boolean;
  /** Shared secret from which nodes derive the credentials they sign internal requests with. */
  clusterSecret: string | undefined;
  /** Zones every bucket must stay within, for accounts without a mandatory policy of their own. */
  mandatoryResidency: readonly string[];
  domains: readonly string[];
  rootAccessKey: string | undefined;
  rootSecretKey: string | undefined;
  /** The key that encrypts stored access-key secrets; undefined: <data-dir>/control/server.key, created once. */
  serverKeyFile: string | undefined;
  workers: number;
  fsync: boolean;
  maxSkewSeconds: number;
  shutdownTimeoutMs: number;
  /** Analytics: wall-clock limit per query, ms. */
  queryTimeoutMs: number;
  /** Analytics: DuckDB memory per query, MiB. */
  queryMemoryMb: number;
  /** Analytics: worker threads per query. */
  queryThreads: number;
  /** Analytics: largest result a query may return or write, MiB. */
  queryMaxResultMb: number;
  /** Analytics: queries one account may run at once. */
  queryConcurrency: number;
  /** Budget of the cache of assembled multipart objects (per region data directory), MiB; 0 turns it off. */
  objectFileCacheMb: number;
  /** How long an unused entry of that cache stays, ms. */
  objectFileCacheIdleMs: number;
  /** How often request counts are flushed to the metadata store: the most a kill -9 can lose. */
  meteringFlushMs: number;
}

export interface FieldSpec {
  key: keyof Config;
  flag: string;
  env: string;
  kind: 'string' | 'int' | 'bool' | 'list';
  doc: string;
  /** Secrets also accept <ENV>_FILE. */
  secret?: boolean;
  default: (env: NodeJS.ProcessEnv) => Config[keyof Config];
}

export const CONFIG_FIELDS: readonly FieldSpec[] = [
  { key: 'dataDir', flag: '--data-dir', env: 'SOVRA_DATA_DIR', kind: 'string', doc: 'Directory holding metadata and object bytes', default: () => './sovra-data' },
  { key: 'host', flag: '--host', env: 'SOVRA_HOST', kind: 'string', doc: 'Address to listen on (loopback by default)', default: () => '127.0.0.1' },
  { key: 'port', flag: '--port', env: 'SOVRA_PORT', kind: 'int', doc: 'TCP port for the S3 API (0 picks a free one)', default: () => 9000 },
  { key: 'topology', flag: '--topology', env: 'SOVRA_TOPOLOGY', kind: 'string', doc: 'Topology file (YAML or JSON) listing regions and zones (default: the built-in demo: eu-fra, eu-lon, eu-par, ap-bom, cn-hgh)', default: () => undefined },
  { key: 'region', flag: '--region', env: 'SOVRA_REGION', kind: 'string', doc: 'Serve only this region of the topology (one process per region); default: every region in one process', default: () => undefined },
  { key: 'controlPlane', flag: '--control-plane', env: 'SOVRA_CONTROL_PLANE', kind: 'bool', doc: 'Host the control plane (global bucket directory) that per-region processes use', default: () => false },
  { key: 'clusterSecret', flag: '--cluster-secret', env: 'SOVRA_CLUSTER_SECRET', kind: 'string', secret: true, doc: 'Secret shared by the nodes of a per-region deployment; internal requests are signed with keys derived from it', default: () => undefined },
  { key: 'mandatoryResidency', flag: '--mandatory-residency', env: 'SOVRA_MANDATORY_RESIDENCY', kind: 'list', doc: 'Zones every bucket must stay within (e.g. EU), for accounts without their own mandatory policy', default: () => [] },
  {
    key: 'domains', flag: '--domain', env: 'SOVRA_DOMAINS', kind: 'list',
    doc: 'Base domain(s) for virtual-host-style addressing (<bucket>.<domain>), comma-separated',
    default: () => ['localhost'],
  },
  { key: 'rootAccessKey', flag: '--root-access-key', env: 'SOVRA_ROOT_ACCESS_KEY', kind: 'string', secret: true, doc: "The operator's root access key id (default: generated on first start, printed once, kept encrypted in the account store)", default: () => undefined },
  { key: 'rootSecretKey', flag: '--root-secret-key', env: 'SOVRA_ROOT_SECRET_KEY', kind: 'string', secret: true, doc: "The operator's root secret key (default: generated on first start and printed once)", default: () => undefined },
  { key: 'serverKeyFile', flag: '--server-key-file', env: 'SOVRA_SERVER_KEY_FILE', kind: 'string', doc: 'File holding the 32-byte key that encrypts stored access-key secrets (default: <data-dir>/control/server.key, created on first start; keep a copy apart from the data)', default: () => undefined },
  { key: 'workers', flag: '--workers', env: 'SOVRA_WORKERS', kind: 'int', doc: 'Worker processes serving requests (default: one per CPU core)', default: () => 0 },
  { key: 'fsync', flag: '--fsync', env: 'SOVRA_FSYNC', kind: 'bool', doc: 'fsync object bytes before acknowledging a write (turn off only for throwaway data)', default: () => true },
  { key: 'maxSkewSeconds', flag: '--max-skew', env: 'SOVRA_MAX_SKEW', kind: 'int', doc: 'Allowed clock skew of signed requests, seconds', default: () => 900 },
  { key: 'shutdownTimeoutMs', flag: '--shutdown-timeout', env: 'SOVRA_SHUTDOWN_TIMEOUT_MS', kind: 'int', doc: 'How long in-flight requests may run after SIGTERM before connections are cut, ms', default: () => 30000 },
  { key: 'queryTimeoutMs', flag: '--query-timeout', env: 'SOVRA_QUERY_TIMEOUT_MS', kind: 'int', doc: "Analytics: how long one SQL query may run (its result streamed included), ms; a customer's maxQuerySeconds quota may narrow it", default: () => 300000 },
  { key: 'queryMemoryMb', flag: '--query-memory', env: 'SOVRA_QUERY_MEMORY_MB', kind: 'int', doc: "Analytics: memory one query may use, MiB (beyond it DuckDB spills to disk, then fails); a customer's maxQueryMemoryBytes quota may narrow it", default: () => 1024 },
  { key: 'queryThreads', flag: '--query-threads', env: 'SOVRA_QUERY_THREADS', kind: 'int', doc: "Analytics: worker threads per query; a customer's maxQueryThreads quota may narrow it", default: () => 2 },
  { key: 'queryMaxResultMb', flag: '--query-max-result', env: 'SOVRA_QUERY_MAX_RESULT_MB', kind: 'int', doc: "Analytics: largest result a query may return or write, MiB; a customer's maxQueryResultBytes quota may narrow it", default: () => 1024 },
  { key: 'queryConcurrency', flag: '--query-concurrency', env: 'SOVRA_QUERY_CONCURRENCY', kind: 'int', doc: "Analytics: queries one account may run at once (over all processes); a customer's maxConcurrentQueries quota may narrow it", default: () => 4 },
  { key: 'objectFileCacheMb', flag: '--object-file-cache', env: 'SOVRA_OBJECT_FILE_CACHE_MB', kind: 'int', doc: 'Analytics: disk kept for multipart objects assembled into files, so later queries link instead of copying them, MiB per region data directory (at most a tenth of its filesystem); 0 turns the cache off and empties it', default: () => 4096 },
  { key: 'objectFileCacheIdleMs', flag: '--object-file-cache-idle', env: 'SOVRA_OBJECT_FILE_CACHE_IDLE_MS', kind: 'int', doc: "Analytics: how long an assembled object file no query uses is kept, ms (deleting or overwriting the object removes its file sooner)", default: () => 900000 },
  { key: 'meteringFlushMs', flag: '--metering-flush', env: 'SOVRA_METERING_FLUSH_MS', kind: 'int', doc: 'How often request and transfer counts are written to the metadata store, ms (what a kill -9 can lose at most)', default: () => 1000 },
];
