/**
 * HttpBucketDirectory against the control plane's internal API over a real socket, with
 * the SQLite directory behind it: the same contract as the local directory.
 */
import { describe } from 'node:test';
import { startHttpServer } from '../http/index.js';
import { directoryContract } from '../placement/directory.contract.js';
import { SqliteBucketDirectory } from '../placement/sqlite-directory.js';
import { HttpBucketDirectory } from './http-directory.js';
import { CONTROL_PLANE_NODE_ID } from './node-credentials.js';
import { createInternalApi } from './server.js';

const SECRET = 'contract-test-cluster-secret-0123456789abcdef';

describe('HttpBucketDirectory (over the internal API)', () => {
  directoryContract(async () => {
    const backing = new SqliteBucketDirectory(':memory:');
    const api = createInternalApi({ clusterSecret: SECRET, knownNodes: ['de-1', CONTROL_PLANE_NODE_ID], directory: backing });
    const server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      handler: async (req) => (api.matches(req.rawPath) ? api.handle(req) : { status: 404, headers: {}, body: '' }),
    });
    const directory = new HttpBucketDirectory({ endpoint: server.url, nodeId: 'de-1', clusterSecret: SECRET, cacheTtlMs: 0 });
    return {
      directory,
      async dispose() {
        await directory.close();
        await server.close(1000);
        await backing.close();
      },
    };
  });
});
