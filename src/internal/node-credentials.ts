/**
 * Node identities for node-to-node calls, all derived from one cluster secret that every
 * node of a deployment is given: node `n` signs as `SOVRANODE-<n>` with the secret
 * HMAC-SHA256(clusterSecret, 'sovra-node:' + n). Any node can verify any other without a
 * key exchange, and a node's derived key reveals nothing about the cluster secret or
 * about other nodes' keys. Node ids are region ids ('eu-fra') and 'control-plane'.
 */
import { createHmac } from 'node:crypto';
import { fail } from '../core/errors.js';
import type { Credential, CredentialLookup } from '../s3/auth/index.js';

export const NODE_KEY_PREFIX = 'SOVRANODE-';
export const CONTROL_PLANE_NODE_ID = 'control-plane';
export const MIN_CLUSTER_SECRET_LENGTH = 32;

/**
 * An access key id must not contain '/' (the credential-scope separator) nor whitespace or
 * ',' (Authorization header separators); region ids are plain tokens anyway.
 */
const NODE_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function checkClusterSecret(clusterSecret: string): void {
  if (typeof clusterSecret !== 'string' || clusterSecret.length < MIN_CLUSTER_SECRET_LENGTH) {
    throw fail(
      'InvalidArgument',
      `The cluster secret must be at least ${MIN_CLUSTER_SECRET_LENGTH} characters long (got ${typeof clusterSecret === 'string' ? clusterSecret.length : 0}); generate one with e.g. \`openssl rand -base64 48\`.`,
      { details: { ArgumentName: 'clusterSecret' } },
    );
  }
}

export function checkNodeId(nodeId: string): void {
  if (!NODE_ID_RE.test(nodeId)) {
    throw fail('InvalidArgument', `'${nodeId}' is not a valid node id: use letters, digits, '.', '_' or '-' (at most 63), starting with a letter or digit.`, {
      details: { ArgumentName: 'nodeId', ArgumentValue: nodeId },
    });
  }
}

export function nodeAccessKeyId(nodeId: string): string {
  return NODE_KEY_PREFIX + nodeId;
}

/** The node id an access key id names, or undefined when it is not a node key. */
export function nodeIdOfAccessKey(accessKeyId: string): string | undefined {
  if (!accessKeyId.startsWith(NODE_KEY_PREFIX)) return undefined;
  const id = accessKeyId.slice(NODE_KEY_PREFIX.length);
  return NODE_ID_RE.test(id) ? id : undefined;
}

export function nodeCredentials(clusterSecret: string, nodeId: string): { accessKeyId: string; secretAccessKey: string } {
  checkClusterSecret(clusterSecret);
  checkNodeId(nodeId);
  const secretAccessKey = createHmac('sha256', clusterSecret).update('sovra-node:' + nodeId).digest('base64url');
  return { accessKeyId: nodeAccessKeyId(nodeId), secretAccessKey };
}

/**
 * The verifier's credential lookup: only the known nodes' keys exist, all derived up
 * front (a lookup is then a map read, and an unknown id costs no HMAC).
 */
export function nodeKeyLookup(clusterSecret: string, knownNodeIds: readonly string[]): CredentialLookup {
  const keys = new Map<string, Credential>();
  for (const id of knownNodeIds) {
    const c = nodeCredentials(clusterSecret, id);
    keys.set(c.accessKeyId, c);
  }
  return (accessKeyId) => keys.get(accessKeyId);
}
