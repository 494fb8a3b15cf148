/**
 * What every client step needs: the endpoint, a scratch folder, and each tool's environment,
 * isolated from the machine's own config files (~/.aws, ~/.config/rclone, ~/.s3cfg) so that
 * a developer's settings can never change what CI sees.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Endpoint } from './sovra-server.js';

export interface Ctx {
  ep: Endpoint;
  work: string;
  aws: string;
  awsEnv: NodeJS.ProcessEnv;
  rcloneEnv: NodeJS.ProcessEnv;
  s3cmdConfig: string;
  /** A per-run suffix so that reruns against a long-lived external endpoint don't collide. */
  tag: string;
}

/** Debian's aws-cli 2.x lives in /usr/bin; a pyenv shim earlier on PATH may be a 1.x. */
export function awsBinary(): string {
  if (process.env.AWS_BIN) return process.env.AWS_BIN;
  return existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';
}

export function makeContext(ep: Endpoint, work: string, tag: string): Ctx {
  mkdirSync(work, { recursive: true });
  const awsConfig = path.join(work, 'aws-config');
  // Path-style addressing: virtual-host style would need DNS for <bucket>.127.0.0.1.
  writeFileSync(awsConfig, `[default]\nregion = ${ep.region}\ns3 =\n    addressing_style = path\n`);
  writeFileSync(path.join(work, 'aws-credentials'), '');
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('AWS_') || k.startsWith('RCLONE_')) delete base[k];
  const awsEnv: NodeJS.ProcessEnv = {
    ...base,
    AWS_ACCESS_KEY_ID: ep.accessKey,
    AWS_SECRET_ACCESS_KEY: ep.secretKey,
    AWS_DEFAULT_REGION: ep.region,
    AWS_REGION: ep.region,
    AWS_CONFIG_FILE: awsConfig,
    AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    AWS_CLI_AUTO_PROMPT: 'off',
  };
  const rcloneConf = path.join(work, 'rclone.conf');
  writeFileSync(rcloneConf, '');
  const rcloneEnv: NodeJS.ProcessEnv = {
    ...base,
    RCLONE_CONFIG: rcloneConf,
    RCLONE_CONFIG_SOVRA_TYPE: 's3',
    RCLONE_CONFIG_SOVRA_PROVIDER: 'Other',
    RCLONE_CONFIG_SOVRA_ACCESS_KEY_ID: ep.accessKey,
    RCLONE_CONFIG_SOVRA_SECRET_ACCESS_KEY: ep.secretKey,
    RCLONE_CONFIG_SOVRA_ENDPOINT: ep.url,
    RCLONE_CONFIG_SOVRA_REGION: ep.region,
    RCLONE_CONFIG_SOVRA_FORCE_PATH_STYLE: 'true',
  };
  const s3cmdConfig = path.join(work, 's3cmd.cfg');
  const hostPort = `${ep.host}:${ep.port}`;
  // host_bucket without %(bucket)s makes s3cmd use path-style requests.
  writeFileSync(s3cmdConfig, [
    '[default]',
    `access_key = ${ep.accessKey}`,
    `secret_key = ${ep.secretKey}`,
    `host_base = ${hostPort}`,
    `host_bucket = ${hostPort}`,
    `bucket_location = ${ep.region}`,
    'use_https = False',
    'signature_v2 = False',
    'check_ssl_certificate = False',
    'progress_meter = False',
    '',
  ].join('\n'));
  return { ep, work, aws: awsBinary(), awsEnv, rcloneEnv, s3cmdConfig, tag };
}
