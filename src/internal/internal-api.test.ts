/**
 * The internal API end to end on loopback: HTTP clients (HttpBucketDirectory, RemoteRegion)
 * against createInternalApi served by the real HTTP server, backed by the SQLite
 * BucketDirectory and by LocalRegion (the RegionAccess a region node serves) over real
 * embedded engines, so real bytes flow and the real residency checks refuse.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { EMPTY_SHA256, sha256Hex, SigV4Signer, UNSIGNED_PAYLOAD } from '../client/sigv4-signer.js';
import { AppError, isAppError, type ErrorCode } from '../core/errors.js';
import { bytesOf, openHarness, pattern, type Harness } from '../engine/embedded/harness.js';
import type { StorageEngine } from '../engine/types.js';
import { versionIdGenerator } from '../engine/ids.js';
import { LocalRegion } from '../placement/local-region.js';
import { createRegionalStorage } from '../placement/regional-storage.js';
import { SqliteBucketDirectory } from '../placement/sqlite-directory.js';
import { startHttpServer, type RunningServer } from '../http/server.js';
import type { BucketEntry, ReadForCopyInput, RegionAccess } from '../placement/ports.js';
import type { ResidencyPolicy } from '../residency/policy.js';
import type { Region, Topology } from '../topology/types.js';
import { HttpBucketDirectory } from './http-directory.js';
import { nodeCredentials } from './node-credentials.js';
import { RemoteRegion } from './remote-region.js';
import { createInternalApi, errorToResponse } from './server.js';
import { encodeHeaderJson, INTERNAL_PREFIX, INTERNAL_SERVICE, REPLICA_HEADER } from './wire.js';

// ---- stand-ins for the lead's SqliteBucketDirectory and LocalRegion ------------------------

function region(id: string, country: string, zones: string[]): Region {
  return { id, name: id, city: id, country, zones, storage: `regions/${id}` };
}

export const TEST_TOPOLOGY: Topology = {
  regions: [region('eu-fra', 'DE', ['DE', 'EU', 'EEA']), region('eu-par', 'FR', ['FR', 'EU', 'EEA']), region('uk-lon', 'GB', ['GB'])],
  defaultRegion: 'eu-fra',
  latencyMs: new Map(),
  source: 'internal API tests',
};


/** A region's data in a real engine; residency checked with the real rules against the directory. */
const newVersionId = versionIdGenerator();

// ---- the deployment under test -------------------------------------------------------------

const SECRET = 'test-cluster-secret-0123456789abcdefXYZ';
const NODES = ['eu-fra', 'eu-par', 'uk-lon', 'control-plane'];
const OWNER = 'acct-1';

let fra: Harness;
let par: Harness;
let directory: SqliteBucketDirectory;
let localFra: LocalRegion;
let server: RunningServer;
let endpoint: string;
const closers: (() => unknown)[] = [];

function dirClient(nodeId = 'eu-fra', extra: Partial<ConstructorParameters<typeof HttpBucketDirectory>[0]> = {}): HttpBucketDirectory {
  const d = new HttpBucketDirectory({ endpoint, nodeId, clusterSecret: SECRET, ...extra });
  closers.push(() => d.close());
  return d;
}

function remote(regionId: string, nodeId: string, extra: Partial<ConstructorParameters<typeof RemoteRegion>[0]> = {}): RemoteRegion {
  const r = new RemoteRegion({ regionId, endpoint, nodeId, clusterSecret: SECRET, ...extra });
  closers.push(() => r.close());
  return r;
}

function entry(name: string, region: string, zones: string[], owner = OWNER): BucketEntry {
  return { name, region, owner, createdAt: new Date('2025-02-03T04:05:06.789Z'), residency: { zones, explicit: true } };
}

async function bucket(h: Harness, e: BucketEntry): Promise<void> {
  await directory.reserve(e);
  await h.engine.createBucket({ name: e.name, owner: e.owner, region: e.region });
  // Replicas keep their source's version id, which needs versioning at the destination.
  await h.engine.putBucketVersioning(e.name, 'Enabled');
}

async function putObject(engine: StorageEngine, b: string, key: string, data: Buffer, tags?: Record<string, string>) {
  return engine.putObject({
    bucket: b,
    key,
    owner: OWNER,
    body: Readable.from([data]),
    claims: { contentLength: data.length },
    headers: { contentType: 'text/plain', userMetadata: { colour: 'blue' } },
    ...(tags === undefined ? {} : { tags }),
  });
}

/** The error a promise rejects with; fails the test if it resolves or throws a non-AppError. */
async function appError(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return e;
    assert.fail(`expected an AppError, got ${String(e)}`);
  }
  assert.fail('expected a rejection');
}

function sameError(remoteErr: AppError, localErr: AppError): void {
  assert.deepEqual(
    { code: remoteErr.code, message: remoteErr.message, resource: remoteErr.resource, details: remoteErr.details, headers: remoteErr.headers },
    { code: localErr.code, message: localErr.message, resource: localErr.resource, details: localErr.details, headers: localErr.headers },
  );
}

interface RawAnswer {
  status: number;
  body: { code?: ErrorCode; message?: string } & Record<string, unknown>;
}

/** One request exactly as given (no keep-alive), answer parsed as JSON. */
function raw(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<RawAnswer> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text === '' ? {} : JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function signAs(creds: { accessKeyId: string; secretAccessKey: string }, region: string, service = INTERNAL_SERVICE): SigV4Signer {
  return new SigV4Signer({ credentials: creds, region, service });
}

function host(): string {
  return new URL(endpoint).host;
}

before(async () => {
  fra = await openHarness();
  par = await openHarness();
  directory = new SqliteBucketDirectory(':memory:');
  localFra = new LocalRegion({ regionId: 'eu-fra', engine: fra.engine, topology: TEST_TOPOLOGY, directory });
  const api = createInternalApi({
    clusterSecret: SECRET,
    knownNodes: NODES,
    directory,
    regions: new Map<string, RegionAccess>([
      ['eu-fra', localFra],
      ['eu-par', new LocalRegion({ regionId: 'eu-par', engine: par.engine, topology: TEST_TOPOLOGY, directory })],
    ]),
  });
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    handler: async (req) => (api.matches(req.rawPath) ? api.handle(req) : { status: 404, headers: {}, body: 'not internal' }),
  });
  endpoint = server.url;
  await bucket(fra, entry('de-only', 'eu-fra', ['DE']));
  await bucket(fra, entry('eu-src', 'eu-fra', ['EU']));
  await bucket(par, entry('eu-dst', 'eu-par', ['EU']));
  await bucket(par, entry('fr-dst', 'eu-par', ['FR']));
  // Known to the directory only: no engine here serves uk-lon.
  await directory.reserve(entry('lon-dst', 'uk-lon', ['GB']));
});

after(async () => {
  for (const c of closers) await c();
  await server?.close(1000);
  await fra?.dispose();
  await par?.dispose();
});

// ---- directory ----------------------------------------------------------------------------

describe('directory routes', () => {
  test('every directory operation round-trips, dates as Dates, errors as the directory raised them', async () => {
    const dir = dirClient('eu-fra', { cacheTtlMs: 0 });
    const e = entry('round-trip', 'eu-fra', ['DE', 'EU']);
    await dir.reserve(e);
    const got = await dir.lookup('round-trip');
    assert.ok(got?.createdAt instanceof Date);
    assert.deepEqual(got, e);
    assert.equal(await dir.lookup('no-such-name'), undefined);

    await dir.reserve(entry('round-trip-other', 'eu-par', ['FR'], 'acct-2'));
    assert.deepEqual(await dir.list(), await directory.list());
    assert.deepEqual((await dir.list('acct-2')).map((b) => b.name), ['round-trip-other']);
    assert.deepEqual(await dir.list('acct-nobody'), []);

    const local = await appError(directory.reserve(e));
    sameError(await appError(dir.reserve(e)), local);
    assert.equal(local.code, 'BucketAlreadyOwnedByYou');
    const taken = await appError(dir.reserve({ ...e, owner: 'acct-3' }));
    assert.equal(taken.code, 'BucketAlreadyExists');

    const wider: ResidencyPolicy = { zones: ['EEA', 'EU'], explicit: true };
    await dir.setResidency('round-trip', wider);
    assert.deepEqual((await dir.lookup('round-trip'))?.residency, wider);
    sameError(await appError(dir.setResidency('no-such-name', wider)), await appError(directory.setResidency('no-such-name', wider)));

    assert.equal(await dir.getAccountResidency(OWNER), undefined);
    await dir.setAccountResidency(OWNER, ['DE', 'EU']);
    assert.deepEqual(await dir.getAccountResidency(OWNER), ['DE', 'EU']);
    assert.deepEqual(await directory.getAccountResidency(OWNER), ['DE', 'EU']);
    await dir.setAccountResidency(OWNER, undefined);
    assert.equal(await dir.getAccountResidency(OWNER), undefined);

    await dir.release('round-trip', 'eu-par');
    assert.ok(await directory.lookup('round-trip'), 'a release naming another region has no effect');
    await dir.release('round-trip', 'eu-fra');
    assert.equal(await dir.lookup('round-trip'), undefined);
    assert.equal(await directory.lookup('round-trip'), undefined);
  });

  test('lookups are cached; own writes invalidate, lookupFresh bypasses, misses are not cached', async () => {
    const mine = dirClient('eu-fra', { cacheTtlMs: 3_600_000 });
    const other = dirClient('eu-par', { cacheTtlMs: 0 });
    assert.equal(await mine.lookup('cached'), undefined);
    await other.reserve(entry('cached', 'eu-fra', ['DE']));
    assert.equal((await mine.lookup('cached'))?.name, 'cached', 'a miss is not cached');

    await other.setResidency('cached', { zones: ['EU'], explicit: true });
    assert.deepEqual((await mine.lookup('cached'))?.residency.zones, ['DE'], 'served from the cache');
    assert.deepEqual((await mine.lookupFresh('cached'))?.residency.zones, ['EU']);
    assert.deepEqual((await mine.lookup('cached'))?.residency.zones, ['EU'], 'the fresh answer refreshed the cache');

    await mine.setResidency('cached', { zones: ['DE'], explicit: true });
    assert.deepEqual((await mine.lookup('cached'))?.residency.zones, ['DE'], 'own write invalidated the entry');
    await mine.release('cached', 'eu-fra');
    assert.equal(await mine.lookup('cached'), undefined);
  });
});

// ---- regions ------------------------------------------------------------------------------

describe('region routes', () => {
  const copyInput = (source: { bucket: string; key: string; versionId?: string }, dest: string, extra: Partial<ReadForCopyInput> = {}): ReadForCopyInput => ({
    source,
    dest: { bucket: dest },
    requester: { accountId: OWNER },
    action: 'CopyObject',
    ...extra,
  });

  test('read-for-copy returns the same info, tags and bytes as the local region, whole and ranged', async () => {
    const data = Buffer.from('0123456789 the quick brown fox');
    await putObject(fra.engine, 'eu-src', 'dir/ä key+ (1).txt', data, { team: 'blue', 'k e y': 'v/a=l' });
    const fraRemote = remote('eu-fra', 'eu-par');
    const src = { bucket: 'eu-src', key: 'dir/ä key+ (1).txt' };

    const local = await localFra.readForCopy(copyInput(src, 'eu-dst'));
    await bytesOf(local.body);
    const got = await fraRemote.readForCopy(copyInput(src, 'eu-dst'));
    assert.ok(got.info.lastModified instanceof Date);
    assert.deepEqual(got.info, local.info);
    assert.deepEqual(got.tags, { team: 'blue', 'k e y': 'v/a=l' });
    assert.deepEqual(await bytesOf(got.body), data);

    const ranged = await fraRemote.readForCopy(copyInput(src, 'eu-dst', { range: { start: 2, end: 5 } }));
    assert.deepEqual(ranged.range, { start: 2, end: 5 });
    assert.equal((await bytesOf(ranged.body)).toString(), '2345');

    const failed = await appError(fraRemote.readForCopy(copyInput(src, 'eu-dst', { conditions: { ifMatch: '"nope"' } })));
    assert.equal(failed.code, 'PreconditionFailed');
    sameError(failed, await appError(localFra.readForCopy(copyInput(src, 'eu-dst', { conditions: { ifMatch: '"nope"' } }))));
    // Copy-source conditions answer 412, never 304 (x-amz-copy-source-if-modified-since).
    const future = { ifModifiedSince: new Date(Date.now() + 86_400_000 * 365 * 10) };
    const notModified = await appError(fraRemote.readForCopy(copyInput(src, 'eu-dst', { conditions: future })));
    assert.equal(notModified.code, 'PreconditionFailed');
    sameError(notModified, await appError(localFra.readForCopy(copyInput(src, 'eu-dst', { conditions: future }))));
    // Any route's 304 (which cannot carry a body) would travel in a header instead.
    const res304 = errorToResponse(new AppError('NotModified', 'Not Modified'), 'req-1');
    assert.equal(res304.status, 304);
    assert.equal(res304.body, undefined);
    assert.ok(typeof res304.headers['x-sovra-error'] === 'string');
  });

  test('refusals raised in the remote region arrive as the same AppError', async () => {
    await putObject(fra.engine, 'de-only', 'secret.txt', Buffer.from('DE only'));
    const fraRemote = remote('eu-fra', 'eu-par');
    const cases: ReadForCopyInput[] = [
      copyInput({ bucket: 'de-only', key: 'secret.txt' }, 'fr-dst'),
      copyInput({ bucket: 'eu-src', key: 'x' }, 'lon-dst'),
      copyInput({ bucket: 'eu-src', key: 'missing-key' }, 'eu-dst'),
      copyInput({ bucket: 'no-such-bucket', key: 'k' }, 'eu-dst'),
      copyInput({ bucket: 'eu-src', key: 'dir/ä key+ (1).txt', versionId: 'no-such-version' }, 'eu-dst'),
    ];
    const codes: string[] = [];
    for (const input of cases) {
      const remoteErr = await appError(fraRemote.readForCopy(input));
      sameError(remoteErr, await appError(localFra.readForCopy(input)));
      codes.push(remoteErr.code);
    }
    assert.deepEqual(codes.slice(0, 4), ['ResidencyViolation', 'ResidencyViolation', 'NoSuchKey', 'NoSuchBucket']);
    assert.match((await appError(fraRemote.readForCopy(cases[0]!))).message, /CopyObject refused: bucket 'de-only' may live only in \[DE\]/);

    // The status on the wire is the S3 status of the code.
    const body = Buffer.from(JSON.stringify(cases[0]));
    const s = signAs(nodeCredentials(SECRET, 'eu-par'), 'eu-par').sign({ method: 'POST', host: host(), path: `${INTERNAL_PREFIX}regions/eu-fra/read-for-copy`, payloadHash: sha256Hex(body) });
    const answer = await raw('POST', s.path, s.headers, body);
    assert.deepEqual([answer.status, answer.body.code], [403, 'ResidencyViolation']);
  });

  test('replicas: a version with metadata and tags, then a delete marker', async () => {
    const parRemote = remote('eu-par', 'eu-fra');
    const data = Buffer.from('replicated bytes');
    const checksum = (await putObject(fra.engine, 'eu-src', 'rep.txt', data)).checksum;
    await parRemote.putReplica({
      sourceBucket: 'eu-src',
      destBucket: 'eu-dst',
      key: 'rep.txt',
      versionId: newVersionId(new Date()),
      lastModified: new Date(),
      deleteMarker: false,
      headers: { contentType: 'text/x-replica', userMetadata: { colour: 'green' } },
      tags: { replicated: 'yes' },
      size: data.length,
      ...(checksum === undefined ? {} : { checksum }),
      body: Readable.from([data]),
    });
    const stored = await par.engine.getObject({ bucket: 'eu-dst', key: 'rep.txt' });
    assert.deepEqual(await bytesOf(stored.body), data);
    assert.equal(stored.info.headers.contentType, 'text/x-replica');
    assert.deepEqual(stored.info.headers.userMetadata, { colour: 'green' });
    assert.deepEqual(stored.info.checksum, checksum);
    assert.deepEqual((await par.engine.getObjectTagging({ bucket: 'eu-dst', key: 'rep.txt' })).tags, { replicated: 'yes' });

    await parRemote.putReplica({ sourceBucket: 'eu-src', destBucket: 'eu-dst', key: 'rep.txt', versionId: newVersionId(new Date()), lastModified: new Date(), deleteMarker: true });
    assert.equal((await appError(par.engine.getObject({ bucket: 'eu-dst', key: 'rep.txt' }))).code, 'NoSuchKey');

    const refused = await appError(
      parRemote.putReplica({ sourceBucket: 'de-only', destBucket: 'eu-dst', key: 'k', versionId: newVersionId(new Date()), lastModified: new Date(), deleteMarker: false, size: 4, body: Readable.from([Buffer.from('data')]) }),
    );
    assert.equal(refused.code, 'ResidencyViolation');
    assert.match(refused.message, /Replication refused: bucket 'de-only' may live only in \[DE\]/);
    assert.equal((await appError(par.engine.getObject({ bucket: 'eu-dst', key: 'k' }))).code, 'NoSuchKey');
  });

  test('20 MiB streams from one region through read-for-copy into another region through replicas, checksum verified', async () => {
    const size = 20 * 1024 * 1024;
    const data = pattern(size, 7);
    const written = await fra.engine.putObject({
      bucket: 'eu-src',
      key: 'big.bin',
      owner: OWNER,
      body: Readable.from((function* () {
        for (let i = 0; i < size; i += 1 << 20) yield data.subarray(i, i + (1 << 20));
      })()),
      claims: { contentLength: size },
      headers: { userMetadata: {} },
    });
    assert.ok(written.checksum, 'the engine stores a checksum');
    const src = await remote('eu-fra', 'eu-par').readForCopy(copyInput({ bucket: 'eu-src', key: 'big.bin' }, 'eu-dst'));
    assert.equal(src.info.size, size);
    await remote('eu-par', 'eu-fra').putReplica({
      sourceBucket: 'eu-src',
      destBucket: 'eu-dst',
      key: 'big.bin',
      versionId: src.info.versionId,
      lastModified: src.info.lastModified,
      deleteMarker: false,
      headers: src.info.headers,
      tags: src.tags,
      etag: src.info.etag,
      size: src.info.size,
      ...(src.info.checksum === undefined ? {} : { checksum: src.info.checksum }),
      body: src.body,
    });
    const stored = await par.engine.getObject({ bucket: 'eu-dst', key: 'big.bin' });
    const hash = createHash('sha256');
    for await (const chunk of stored.body) hash.update(chunk as Buffer);
    assert.equal(hash.digest('hex'), sha256Hex(data));
    assert.deepEqual(stored.info.checksum, written.checksum);
    assert.equal(stored.info.etag, written.etag);

    // A body that does not match the checksum it claims is refused by the receiver; nothing is stored.
    const again = await remote('eu-fra', 'eu-par').readForCopy(copyInput({ bucket: 'eu-src', key: 'big.bin' }, 'eu-dst'));
    const corrupt = await appError(
      remote('eu-par', 'eu-fra').putReplica({
        sourceBucket: 'eu-src',
        destBucket: 'eu-dst',
        key: 'big-corrupt.bin',
        versionId: newVersionId(new Date()),
        lastModified: new Date(),
        deleteMarker: false,
        size,
        checksum: { ...written.checksum, value: (await putObject(fra.engine, 'eu-src', 'other', Buffer.from('other'))).checksum!.value },
        body: again.body,
      }),
    );
    assert.equal(corrupt.code, 'BadDigest');
    assert.equal((await appError(par.engine.getObject({ bucket: 'eu-dst', key: 'big-corrupt.bin' }))).code, 'NoSuchKey');
  });

  test('aborting a read-for-copy cuts the stream', async () => {
    const ac = new AbortController();
    const got = await remote('eu-fra', 'eu-par').readForCopy(copyInput({ bucket: 'eu-src', key: 'big.bin' }, 'eu-dst', { signal: ac.signal }));
    const it = got.body[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    ac.abort();
    await assert.rejects(async () => {
      for (let r = await it.next(); !r.done; r = await it.next());
    });
  });

  test('a region this node does not serve is a 404 naming it, surfacing as Unavailable', async () => {
    const err = await appError(remote('uk-lon', 'eu-fra').readForCopy(copyInput({ bucket: 'eu-src', key: 'x' }, 'eu-dst')));
    assert.equal(err.code, 'Unavailable');
    assert.match(err.message, /does not serve region 'uk-lon'/);
    const body = Buffer.from('{}');
    const s = signAs(nodeCredentials(SECRET, 'eu-fra'), 'eu-fra').sign({ method: 'POST', host: host(), path: `${INTERNAL_PREFIX}regions/uk-lon/read-for-copy`, payloadHash: sha256Hex(body) });
    assert.equal((await raw('POST', s.path, s.headers, body)).status, 404);
  });

  test('usage crosses as totals only; the router sums every region and names the ones it cannot ask', async () => {
    await bucket(fra, entry('usage-fra', 'eu-fra', ['EU'], 'acct-usage'));
    await bucket(par, entry('usage-par', 'eu-par', ['EU'], 'acct-usage'));
    await putObject(fra.engine, 'usage-fra', 'a', Buffer.from('12345'));
    await putObject(par.engine, 'usage-par', 'b', Buffer.from('1234567'));
    await putObject(par.engine, 'usage-par', 'b', Buffer.from('12'));
    await fra.engine.putObject({ bucket: 'usage-fra', key: 'c', owner: 'acct-usage', body: Readable.from([Buffer.from('x')]), claims: {}, headers: { userMetadata: {} } });

    const parRemote = remote('eu-par', 'eu-fra');
    assert.deepEqual(await parRemote.usageByOwner('acct-usage'), { bytes: 9, objects: 2, buckets: 1 });
    assert.deepEqual(await parRemote.usageByOwner('acct-usage'), await par.engine.usageByOwner('acct-usage'));
    assert.deepEqual(await parRemote.usageByOwner('nobody'), { bytes: 0, objects: 0, buckets: 0 });

    // The answer is exactly the three totals: no bucket names, no keys.
    const s = signAs(nodeCredentials(SECRET, 'eu-fra'), 'eu-fra').sign({ method: 'GET', host: host(), path: `${INTERNAL_PREFIX}regions/eu-par/usage`, query: { owner: 'acct-usage' }, payloadHash: EMPTY_SHA256 });
    const answer = await raw('GET', s.path, s.headers);
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body, { bytes: 9, objects: 2, buckets: 1 });
    const noOwner = signAs(nodeCredentials(SECRET, 'eu-fra'), 'eu-fra').sign({ method: 'GET', host: host(), path: `${INTERNAL_PREFIX}regions/eu-par/usage`, payloadHash: EMPTY_SHA256 });
    assert.equal((await raw('GET', noOwner.path, noOwner.headers)).body.code, 'InvalidArgument');

    // A node serving eu-fra: its own engine directly, eu-par over HTTP, uk-lon unreachable (not served there).
    const router = createRegionalStorage({
      topology: TEST_TOPOLOGY,
      directory,
      engines: new Map([['eu-fra', fra.engine]]),
      regions: new Map<string, RegionAccess>([['eu-fra', localFra], ['eu-par', parRemote], ['uk-lon', remote('uk-lon', 'eu-fra')]]),
      defaultRegion: 'eu-fra',
    });
    assert.deepEqual(await router.usageByOwner('acct-usage'), { bytes: 5 + 1 + 9, objects: 4, buckets: 2, unreachableRegions: ['uk-lon'] });
    assert.deepEqual(await router.bucketUsage('usage-fra'), { bytes: 6, objects: 2 });
  });

  test('a replica sent over HTTP keeps its ACL', async () => {
    const data = Buffer.from('public replica');
    const parRemote = remote('eu-par', 'eu-fra');
    for (const acl of ['public-read', 'private'] as const) {
      const versionId = newVersionId(new Date());
      await parRemote.putReplica({
        sourceBucket: 'eu-src', destBucket: 'eu-dst', key: `acl-${acl}`, versionId, lastModified: new Date(), deleteMarker: false,
        size: data.length, etag: `"${createHash('md5').update(data).digest('hex')}"`, acl, body: Readable.from([data]),
      });
      assert.equal((await par.engine.getObjectAcl({ bucket: 'eu-dst', key: `acl-${acl}` })).acl, acl);
    }
  });
});

// ---- authentication -----------------------------------------------------------------------

describe('authentication', () => {
  const entryJson = () => Buffer.from(JSON.stringify(entry('auth-probe', 'eu-fra', ['DE'])));
  const reservePath = `${INTERNAL_PREFIX}directory/buckets`;

  async function refused(status: number, code: ErrorCode, signed: { path: string; headers: Record<string, string> }, body?: Buffer, method = 'POST'): Promise<void> {
    const answer = await raw(method, signed.path, signed.headers, body);
    assert.deepEqual({ status: answer.status, code: answer.body.code }, { status, code });
    assert.equal(typeof answer.body.message, 'string');
    assert.equal(await directory.lookup('auth-probe'), undefined, 'nothing happened');
  }

  test('a correctly signed request is accepted (the baseline the refusals differ from)', async () => {
    const body = entryJson();
    const s = signAs(nodeCredentials(SECRET, 'eu-fra'), 'eu-fra').sign({ method: 'POST', host: host(), path: reservePath, payloadHash: sha256Hex(body), headers: { 'content-type': 'application/json' } });
    assert.equal((await raw('POST', s.path, s.headers, body)).status, 204);
    assert.ok(await directory.lookup('auth-probe'));
    await directory.release('auth-probe', 'eu-fra');
  });

  test('an unsigned request is 403', async () => {
    await refused(403, 'AccessDenied', { path: reservePath, headers: { 'content-type': 'application/json' } }, entryJson());
    await refused(403, 'AccessDenied', { path: `${INTERNAL_PREFIX}directory/buckets/de-only`, headers: {} }, undefined, 'GET');
  });

  test('a key derived from another cluster secret is 403', async () => {
    const stranger = new HttpBucketDirectory({ endpoint, nodeId: 'eu-fra', clusterSecret: SECRET.replace('test', 'TEST') });
    closers.push(() => stranger.close());
    assert.equal((await appError(stranger.lookup('de-only'))).code, 'SignatureDoesNotMatch');
    assert.equal((await dirClient('eu-fra').lookup('de-only'))?.region, 'eu-fra', 'the right secret is accepted');
    const body = entryJson();
    await refused(403, 'SignatureDoesNotMatch', signAs(nodeCredentials(SECRET + '-other', 'eu-fra'), 'eu-fra').sign({ method: 'POST', host: host(), path: reservePath, payloadHash: sha256Hex(body) }), body);
  });

  test("another node's id with this node's key, an unknown node, or a scope naming another node is 403", async () => {
    const body = entryJson();
    const fraKey = nodeCredentials(SECRET, 'eu-fra');
    const sign = (creds: { accessKeyId: string; secretAccessKey: string }, region: string) =>
      signAs(creds, region).sign({ method: 'POST', host: host(), path: reservePath, payloadHash: sha256Hex(body) });
    await refused(403, 'SignatureDoesNotMatch', sign({ accessKeyId: 'SOVRANODE-eu-par', secretAccessKey: fraKey.secretAccessKey }, 'eu-par'), body);
    await refused(403, 'InvalidAccessKeyId', sign(nodeCredentials(SECRET, 'ap-sin'), 'ap-sin'), body);
    await refused(403, 'AccessDenied', sign(fraKey, 'eu-par'), body);
    // A signature for the S3 service is not a node signature.
    await refused(400, 'AuthorizationHeaderMalformed', signAs(fraKey, 'eu-fra', 's3').sign({ method: 'POST', host: host(), path: reservePath, payloadHash: sha256Hex(body) }), body);
  });

  test('a request signed too far in the past or future is 403 (the replay window)', async () => {
    for (const offset of [-3_600_000, 3_600_000]) {
      const d = new HttpBucketDirectory({ endpoint, nodeId: 'eu-fra', clusterSecret: SECRET, now: () => new Date(Date.now() + offset) });
      closers.push(() => d.close());
      assert.equal((await appError(d.lookup('de-only'))).code, 'RequestTimeTooSkewed');
    }
    const body = entryJson();
    await refused(403, 'RequestTimeTooSkewed', signAs(nodeCredentials(SECRET, 'eu-fra'), 'eu-fra').sign({ method: 'POST', host: host(), path: reservePath, payloadHash: sha256Hex(body), date: new Date(Date.now() - 600_000) }), body);
  });

  test('a tampered body, or an unsigned JSON body, is 403', async () => {
    const body = entryJson();
    const fraKey = nodeCredentials(SECRET, 'eu-fra');
    const signed = signAs(fraKey, 'eu-fra').sign({ method: 'POST', host: host(), path: reservePath, payloadHash: sha256Hex(body) });
    const tampered = Buffer.from(body.toString().replace('"DE"', '"FR"'));
    assert.equal(tampered.length, body.length);
    await refused(403, 'SignatureDoesNotMatch', signed, tampered);
    await refused(403, 'AccessDenied', signAs(fraKey, 'eu-fra').sign({ method: 'POST', host: host(), path: reservePath, payloadHash: UNSIGNED_PAYLOAD }), body);
  });

  test('replica metadata must be signed', async () => {
    const fraKey = nodeCredentials(SECRET, 'eu-par');
    const meta = encodeHeaderJson({ sourceBucket: 'eu-src', destBucket: 'eu-dst', key: 'forged', versionId: newVersionId(new Date()), lastModified: new Date(), deleteMarker: true });
    const s = signAs(fraKey, 'eu-par').sign({ method: 'PUT', host: host(), path: `${INTERNAL_PREFIX}regions/eu-par/replicas`, payloadHash: EMPTY_SHA256 });
    const answer = await raw('PUT', s.path, { ...s.headers, [REPLICA_HEADER]: meta });
    assert.deepEqual([answer.status, answer.body.code], [403, 'AccessDenied']);
    const ok = signAs(fraKey, 'eu-par').sign({ method: 'PUT', host: host(), path: `${INTERNAL_PREFIX}regions/eu-par/replicas`, payloadHash: EMPTY_SHA256, headers: { [REPLICA_HEADER]: meta } });
    assert.equal((await raw('PUT', ok.path, ok.headers)).status, 204);
  });
});

// ---- peers that cannot be reached ---------------------------------------------------------

test('a peer that is down is Unavailable, naming the peer', async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const down = `http://127.0.0.1:${port}`;
  const region = new RemoteRegion({ regionId: 'eu-fra', endpoint: down, nodeId: 'eu-par', clusterSecret: SECRET });
  const dir = new HttpBucketDirectory({ endpoint: down, nodeId: 'eu-par', clusterSecret: SECRET });
  const e1 = await appError(region.readForCopy({ source: { bucket: 'b', key: 'k' }, dest: { bucket: 'd' }, requester: { accountId: OWNER }, action: 'CopyObject' }));
  assert.equal(e1.code, 'Unavailable');
  assert.match(e1.message, new RegExp(`region eu-fra \\(http://127\\.0\\.0\\.1:${port}\\) is unavailable: ECONNREFUSED`));
  const e2 = await appError(dir.lookup('b'));
  assert.equal(e2.code, 'Unavailable');
  assert.match(e2.message, /^control plane \(/);
  const e3 = await appError(region.putReplica({ sourceBucket: 'a', destBucket: 'b', key: 'k', versionId: newVersionId(new Date()), lastModified: new Date(), deleteMarker: false, size: 3, body: Readable.from([Buffer.from('abc')]) }));
  assert.equal(e3.code, 'Unavailable');
  region.close();
  await dir.close();
});

test('a peer that is not the internal API (a plain HTTP answer) is Unavailable', async () => {
  const plain = http.createServer((_req, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>nope</h1>'));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  const dir = new HttpBucketDirectory({ endpoint: `http://127.0.0.1:${(plain.address() as net.AddressInfo).port}`, nodeId: 'eu-par', clusterSecret: SECRET });
  const err = await appError(dir.lookup('b'));
  assert.equal(err.code, 'Unavailable');
  assert.match(err.message, /unexpected HTTP 404/);
  await dir.close();
  plain.closeAllConnections();
  await new Promise<void>((r) => plain.close(() => r()));
});
