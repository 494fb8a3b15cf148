import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBlobStore } from '../blob-store.contract.js';
import { FsBlobStore } from './fs-blob-store.js';

async function countFiles(dir: string): Promise<number> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).length;
  } catch {
    return 0;
  }
}

for (const fsync of [true, false]) {
  describeBlobStore(`fs (fsync ${fsync})`, async () => {
    const root = await mkdtemp(join(tmpdir(), 'sovra-blob-'));
    const store = new FsBlobStore({ root, fsync, instanceId: 'instance-a' });
    return {
      store,
      liveInstances: new Set(['instance-a']),
      countTempFiles: () => countFiles(join(root, 'tmp')),
      dispose: () => rm(root, { recursive: true, force: true }),
    };
  });
}
