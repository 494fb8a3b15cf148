/**
 * The one configuration schema: each field has a default, an environment
 * variable, a command-line flag and a doc line. `sovra serve --help` is
 * generated from this table so the help text cannot drift from behaviour.
 */
export interface Config {
  dataDir: string;
  host: string;
  port: number;
  region: string;
  domains: readonly string[];
  rootAccessKey: string | undefined;
  rootSecretKey: string | undefined;
  workers: number;
  fsync: boolean;
  maxSkewSeconds: number;
  shutdownTimeoutMs: number;
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
  { key: 'region', flag: '--region', env: 'SOVRA_REGION', kind: 'string', doc: 'Region this server stores buckets in', default: () => 'eu-fra' },
  {
    key: 'domains', flag: '--domain', env: 'SOVRA_DOMAINS', kind: 'list',
    doc: 'Base domain(s) for virtual-host-style addressing (<bucket>.<domain>), comma-separated',
    default: () => ['localhost'],
  },
  { key: 'rootAccessKey', flag: '--root-access-key', env: 'SOVRA_ROOT_ACCESS_KEY', kind: 'string', secret: true, doc: 'Root access key id (default: generated on first start and kept in the data dir)', default: () => undefined },
  { key: 'rootSecretKey', flag: '--root-secret-key', env: 'SOVRA_ROOT_SECRET_KEY', kind: 'string', secret: true, doc: 'Root secret key (default: generated on first start and kept in the data dir)', default: () => undefined },
  { key: 'workers', flag: '--workers', env: 'SOVRA_WORKERS', kind: 'int', doc: 'Worker processes serving requests (default: one per CPU core)', default: () => 0 },
  { key: 'fsync', flag: '--fsync', env: 'SOVRA_FSYNC', kind: 'bool', doc: 'fsync object bytes before acknowledging a write (turn off only for throwaway data)', default: () => true },
  { key: 'maxSkewSeconds', flag: '--max-skew', env: 'SOVRA_MAX_SKEW', kind: 'int', doc: 'Allowed clock skew of signed requests, seconds', default: () => 900 },
  { key: 'shutdownTimeoutMs', flag: '--shutdown-timeout', env: 'SOVRA_SHUTDOWN_TIMEOUT_MS', kind: 'int', doc: 'How long in-flight requests may run after SIGTERM before connections are cut, ms', default: () => 30000 },
];
