/**
 * PutBucketVersioning request body.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html
 *
 *   <VersioningConfiguration><Status>Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>
 *
 * Sovra has no MFA delete: MfaDelete=Disabled is accepted and ignored,
 * MfaDelete=Enabled is NotImplemented rather than silently dropped.
 */
import { fail } from '../../core/errors.js';
import type { VersioningConfigurationXml } from './render-config.js';
import { XML_BODY_LIMITS } from './limits.js';
import { childGroups, malformed, optionalLeaf, parseXmlBody } from './parse-xml.js';

export function parseVersioningConfiguration(
  body: string | Uint8Array,
  opts: { maxBytes?: number } = {},
): VersioningConfigurationXml {
  const root = parseXmlBody(body, {
    maxBytes: opts.maxBytes ?? XML_BODY_LIMITS.versioningConfiguration,
    root: 'VersioningConfiguration',
  });
  const g = childGroups(root, ['Status', 'MfaDelete']);

  const mfa = optionalLeaf(g, 'MfaDelete', root)?.trim();
  if (mfa === 'Enabled') throw fail('NotImplemented', 'MFA Delete is not supported.');
  if (mfa !== undefined && mfa !== 'Disabled') throw malformed('<MfaDelete> must be Enabled or Disabled');

  const status = optionalLeaf(g, 'Status', root)?.trim();
  if (status === undefined) return {};
  if (status !== 'Enabled' && status !== 'Suspended') throw malformed('<Status> must be Enabled or Suspended');
  return { status };
}
