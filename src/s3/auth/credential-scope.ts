/**
 * The credential `AKID/yyyymmdd/region/s3/aws4_request`, shared by header,
 * presigned and POST-form authentication; each reports problems with its own
 * error code, so the parser takes the error factory.
 */
import type { AppError } from '../../core/errors.js';
import { SERVICE, TERMINATOR } from './signing-key.js';

export interface CredentialScope {
  accessKeyId: string;
  /** yyyymmdd */
  date: string;
  region: string;
  service: string;
  /** `yyyymmdd/region/s3/aws4_request` */
  scope: string;
}

/** Credentials parsed before, per expected service: a client sends the same one all day. */
const parsed = new Map<string, Map<string, Readonly<CredentialScope>>>();

export function parseCredential(value: string, error: (message: string) => AppError, expectedService = SERVICE): Readonly<CredentialScope> {
  let known = parsed.get(expectedService);
  if (known === undefined) parsed.set(expectedService, (known = new Map()));
  const hit = known.get(value);
  if (hit !== undefined) return hit;
  const scope = Object.freeze(parseFresh(value, error, expectedService));
  if (known.size >= 1024) known.clear();
  known.set(value, scope);
  return scope;
}

function parseFresh(value: string, error: (message: string) => AppError, expectedService: string): CredentialScope {
  const parts = value.split('/');
  if (parts.length !== 5 || parts.some((p) => p === '')) {
    throw error(`the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`);
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (!/^\d{8}$/.test(date)) {
    throw error(`incorrect date format "${date}". This date in the credential must be in the format "yyyyMMdd".`);
  }
  if (service !== expectedService) throw error(`incorrect service "${service}". This endpoint belongs to "${expectedService}".`);
  if (terminator !== TERMINATOR) {
    throw error(`incorrect terminal "${terminator}". This endpoint uses "${TERMINATOR}".`);
  }
  return { accessKeyId, date, region, service, scope: `${date}/${region}/${service}/${terminator}` };
}
