/**
 * Regions and residency in the embedded deployment (one process serves every region of
 * the demo topology): placement, the ?residency sub-resource, and refusal of every path
 * that would move bytes across a bucket's border (CopyObject, UploadPartCopy, presigned
 * copies), with the S3 error a client sees.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  ListBucketsCommand,
  PutObjectCommand,
  UploadPartCopyCommand,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { bodyText, failure, startTestServer, uniqueBucket, type TestServer } from './harness.js';
import { parseXmlError, rawRequest, signedRequest } from './raw-http.js';

async function residency(s: TestServer, bucket: string): Promise<{ status: number; text: string }> {
  const r = await signedRequest(s.url, { method: 'GET', path: `/${bucket}`, query: { residency: '' } });
  return { status: r.status, text: r.text };
}

async function putResidency(s: TestServer, bucket: string, zones: string[]): Promise<{ status: number; text: string }> {
  const body = `<ResidencyPolicy>${zones.map((z) => `<Zone>${z}</Zone>`).join('')}</ResidencyPolicy>`;
  const r = await signedRequest(s.url, { method: 'PUT', path: `/${bucket}`, query: { residency: '' }, body });
  return { status: r.status, text: r.text };
}

function zonesOf(xml: string, tag = 'Zone'): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1] ?? '');
}

describe('regions and residency (embedded)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    await s.stop();
  });

  async function create(region: string | undefined, zones?: string): Promise<string> {
    const name = uniqueBucket(region ?? 'auto');
    const cmd = new CreateBucketCommand({ Bucket: name, ...(region ? { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } } : {}) });
    if (zones !== undefined) {
      cmd.middlewareStack.add((next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-sovra-residency'] = zones;
        return next(args);
      }, { step: 'build' });
    }
    await s.client.send(cmd);
    return name;
  }

  it('places buckets in each region of the demo topology, each in its own data directory', async () => {
    for (const region of ['eu-fra', 'eu-lon', 'eu-par', 'ap-bom', 'cn-hgh']) {
      const name = await create(region);
      const loc = await s.client.send(new GetBucketLocationCommand({ Bucket: name }));
      assert.equal(loc.LocationConstraint, region);
      const head = await s.client.send(new HeadBucketCommand({ Bucket: name }));
      assert.equal(head.BucketRegion, region);
      await s.client.send(new PutObjectCommand({ Bucket: name, Key: 'k', Body: 'hello' }));
    }
    const { existsSync } = await import('node:fs');
    for (const region of ['eu-fra', 'eu-lon', 'eu-par', 'ap-bom', 'cn-hgh']) assert.ok(existsSync(`${s.dataDir}/regions/${region}/meta.db`), region);
    const list = await s.client.send(new ListBucketsCommand({}));
    assert.ok((list.Buckets ?? []).length >= 5);
    assert.ok((list.Buckets ?? []).every((b) => typeof b.BucketRegion === 'string'));
  });

  it('defaults a bucket to its primary region\'s country (fail closed)', async () => {
    const name = await create('eu-par');
    const r = await residency(s, name);
    assert.equal(r.status, 200);
    assert.deepEqual(zonesOf(r.text), ['FR']);
    assert.deepEqual(zonesOf(r.text, 'AllowedRegion'), ['eu-par']);
    assert.match(r.text, /<Explicit>false<\/Explicit>/);
  });

  it('chooses a region the policy allows when the request names none', async () => {
    // Raw requests: the SDK fills LocationConstraint from its own region.
    const inIndia = uniqueBucket('in');
    assert.equal((await signedRequest(s.url, { method: 'PUT', path: `/${inIndia}`, headers: { 'x-sovra-residency': 'IN' } })).status, 200);
    assert.equal((await s.client.send(new GetBucketLocationCommand({ Bucket: inIndia }))).LocationConstraint, 'ap-bom');
    const plain = uniqueBucket('plain');
    assert.equal((await signedRequest(s.url, { method: 'PUT', path: `/${plain}` })).status, 200);
    assert.equal((await s.client.send(new GetBucketLocationCommand({ Bucket: plain }))).LocationConstraint, 'eu-fra');
  });

  it('refuses a bucket in a region outside its policy, naming the policy and regions', async () => {
    const name = uniqueBucket('bad');
    const cmd = new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: 'eu-lon' as BucketLocationConstraint } });
    cmd.middlewareStack.add((next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-sovra-residency'] = 'EU';
      return next(args);
    }, { step: 'build' });
    const f = await failure(s.client.send(cmd));
    assert.equal(f.code, 'AccessDenied');
    assert.equal(f.status, 403);
    const raw = await signedRequest(s.url, {
      method: 'PUT', path: `/${name}`, headers: { 'x-sovra-residency': 'EU' },
      body: '<CreateBucketConfiguration><LocationConstraint>eu-lon</LocationConstraint></CreateBucketConfiguration>',
    });
    assert.equal(raw.status, 403);
    const err = parseXmlError(raw.text);
    assert.match(err.message ?? '', /\[EU\]/);
    assert.match(err.message ?? '', /eu-lon/);
    assert.match(err.message ?? '', /eu-fra \(DE\), eu-par \(FR\)/);
    assert.equal((await failure(s.client.send(new HeadBucketCommand({ Bucket: name })))).status, 404, 'nothing half-created');
  });

  it('refuses unknown zones and unknown regions with clear errors', async () => {
    const r = await signedRequest(s.url, { method: 'PUT', path: `/${uniqueBucket('z')}`, headers: { 'x-sovra-residency': 'MARS' } });
    assert.equal(r.status, 400);
    assert.equal(parseXmlError(r.text).code, 'InvalidArgument');
    assert.match(parseXmlError(r.text).message ?? '', /Unknown zone MARS/);
    const f = await failure(s.client.send(new CreateBucketCommand({ Bucket: uniqueBucket('r'), CreateBucketConfiguration: { LocationConstraint: 'us-west-9' as BucketLocationConstraint } })));
    assert.equal(f.code, 'InvalidLocationConstraint');
    const b = await create('eu-fra');
    const bad = await putResidency(s, b, ['DE', 'ATLANTIS']);
    assert.equal(bad.status, 400);
    assert.match(parseXmlError(bad.text).message ?? '', /ATLANTIS/);
    const malformed = await signedRequest(s.url, { method: 'PUT', path: `/${b}`, query: { residency: '' }, body: '<ResidencyPolicy></ResidencyPolicy>' });
    assert.equal(parseXmlError(malformed.text).code, 'MalformedXML');
    assert.deepEqual(zonesOf((await residency(s, b)).text), ['DE'], 'unchanged');
  });

  it('widens a policy only by an explicit act, and refuses one that excludes the primary region', async () => {
    const b = await create('eu-fra');
    const w = await putResidency(s, b, ['eu']);
    assert.equal(w.status, 200, w.text);
    const r = await residency(s, b);
    assert.deepEqual(zonesOf(r.text), ['EU']);
    assert.deepEqual(zonesOf(r.text, 'AllowedRegion'), ['eu-fra', 'eu-par']);
    const narrow = await putResidency(s, b, ['FR']);
    assert.equal(narrow.status, 403);
    assert.match(parseXmlError(narrow.text).message ?? '', /does not allow region eu-fra/);
    const reset = await signedRequest(s.url, { method: 'DELETE', path: `/${b}`, query: { residency: '' } });
    assert.equal(reset.status, 204);
    assert.deepEqual(zonesOf((await residency(s, b)).text), ['DE']);
  });

  describe('copies across the border', () => {
    let deOnly: string;
    let euInFra: string;
    let frInPar: string;
    let euInPar: string;
    const content = 'residency-content-' + 'x'.repeat(100);
    before(async () => {
      deOnly = await create('eu-fra');
      euInFra = await create('eu-fra', 'EU');
      frInPar = await create('eu-par');
      euInPar = await create('eu-par', 'EU');
      for (const b of [deOnly, euInFra]) await s.client.send(new PutObjectCommand({ Bucket: b, Key: 'doc.txt', Body: content, Metadata: { origin: 'fra' }, Tagging: 'class=secret' }));
    });

    it('refuses CopyObject from a DE-only bucket into another country', async () => {
      const f = await failure(s.client.send(new CopyObjectCommand({ Bucket: frInPar, Key: 'copy', CopySource: `${deOnly}/doc.txt` })));
      assert.equal(f.code, 'AccessDenied');
      assert.equal(f.status, 403);
      assert.equal((await failure(s.client.send(new GetObjectCommand({ Bucket: frInPar, Key: 'copy' })))).code, 'NoSuchKey');
    });

    it('refuses CopyObject from a DE-only bucket into a same-region bucket whose policy reaches further', async () => {
      const f = await failure(s.client.send(new CopyObjectCommand({ Bucket: euInFra, Key: 'copy', CopySource: `${deOnly}/doc.txt` })));
      assert.equal(f.code, 'AccessDenied');
      const raw = await signedRequest(s.url, { method: 'PUT', path: `/${euInFra}/copy2`, headers: { 'x-amz-copy-source': `/${deOnly}/doc.txt` } });
      assert.match(parseXmlError(raw.text).message ?? '', /CopyObject refused: bucket .* may live only in \[DE\]/);
    });

    it('copies across regions inside the border, bytes, metadata and tags intact', async () => {
      const r = await s.client.send(new CopyObjectCommand({ Bucket: euInPar, Key: 'copied', CopySource: `${euInFra}/doc.txt` }));
      assert.ok(r.CopyObjectResult?.ETag);
      const got = await s.client.send(new GetObjectCommand({ Bucket: euInPar, Key: 'copied' }));
      assert.equal(await bodyText(got.Body), content);
      assert.equal(got.Metadata?.origin, 'fra');
      assert.equal(got.TagCount, 1);
      // FR-only destination is inside the EU source policy, too.
      await s.client.send(new CopyObjectCommand({ Bucket: frInPar, Key: 'copied', CopySource: `${euInFra}/doc.txt`, MetadataDirective: 'REPLACE', ContentType: 'text/plain' }));
      const fr = await s.client.send(new GetObjectCommand({ Bucket: frInPar, Key: 'copied' }));
      assert.equal(await bodyText(fr.Body), content);
      assert.equal(fr.ContentType, 'text/plain');
      assert.equal(fr.Metadata?.origin, undefined);
    });

    it('refuses UploadPartCopy across the border and allows it inside', async () => {
      const up = await s.client.send(new CreateMultipartUploadCommand({ Bucket: frInPar, Key: 'mp' }));
      const f = await failure(s.client.send(new UploadPartCopyCommand({ Bucket: frInPar, Key: 'mp', UploadId: up.UploadId, PartNumber: 1, CopySource: `${deOnly}/doc.txt` })));
      assert.equal(f.code, 'AccessDenied');
      const ok = await s.client.send(new UploadPartCopyCommand({
        Bucket: frInPar, Key: 'mp', UploadId: up.UploadId, PartNumber: 1, CopySource: `${euInFra}/doc.txt`, CopySourceRange: 'bytes=0-9',
      }));
      assert.ok(ok.CopyPartResult?.ETag);
      const bad = await failure(s.client.send(new UploadPartCopyCommand({
        Bucket: frInPar, Key: 'mp', UploadId: up.UploadId, PartNumber: 2, CopySource: `${euInFra}/doc.txt`, CopySourceRange: 'bytes=0-999999',
      })));
      assert.equal(bad.code, 'InvalidArgument');
    });

    it('refuses UploadPartCopy into a same-region bucket whose policy reaches further', async () => {
      const up = await s.client.send(new CreateMultipartUploadCommand({ Bucket: euInFra, Key: 'mp-same-region' }));
      const f = await failure(s.client.send(new UploadPartCopyCommand({ Bucket: euInFra, Key: 'mp-same-region', UploadId: up.UploadId, PartNumber: 1, CopySource: `${deOnly}/doc.txt` })));
      assert.equal(f.code, 'AccessDenied');
    });

    it('refuses replication rules that would carry data out, and policy changes that would strand a rule', async () => {
      for (const b of [deOnly, euInFra, frInPar, euInPar]) {
        await s.client.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: 'Enabled' } }));
      }
      const rule = (source: string, dest: string) => new PutBucketReplicationCommand({
        Bucket: source,
        ReplicationConfiguration: { Role: 'arn:aws:iam::123456789012:role/r', Rules: [{ ID: 'r', Priority: 1, Status: 'Enabled', Filter: { Prefix: '' }, DeleteMarkerReplication: { Status: 'Disabled' }, Destination: { Bucket: `arn:aws:s3:::${dest}` } }] },
      });
      assert.equal((await failure(s.client.send(rule(deOnly, frInPar)))).code, 'AccessDenied');
      assert.equal((await failure(s.client.send(rule(deOnly, euInPar)))).code, 'AccessDenied');
      await s.client.send(rule(euInFra, frInPar));
      const narrow = await putResidency(s, euInFra, ['DE']);
      assert.equal(narrow.status, 403);
      assert.match(parseXmlError(narrow.text).message ?? '', /replication rule (&apos;|')r(&apos;|')/);
      assert.deepEqual(zonesOf((await residency(s, euInFra)).text), ['EU'], 'unchanged');
    });

    it('fails replication at send time when the destination\'s policy was widened beyond the source\'s', async () => {
      // euInFra [EU] replicates to frInPar [FR] (previous test). Widening frInPar to EU+GB
      // would let a replica move to London: the sending region refuses every later send.
      assert.equal((await putResidency(s, frInPar, ['EU', 'GB'])).status, 200);
      await s.client.send(new PutObjectCommand({ Bucket: euInFra, Key: 'after-widening', Body: 'x' }));
      let status: string | undefined;
      for (let i = 0; i < 300 && status !== 'FAILED'; i++) {
        status = (await s.client.send(new HeadObjectCommand({ Bucket: euInFra, Key: 'after-widening' }))).ReplicationStatus;
        if (status !== 'FAILED') await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(status, 'FAILED');
      assert.equal((await failure(s.client.send(new HeadObjectCommand({ Bucket: frInPar, Key: 'after-widening' })))).status, 404);
    });

    it('refuses a presigned cross-border copy exactly like a signed one', async () => {
      const url = await getSignedUrl(s.client, new CopyObjectCommand({ Bucket: frInPar, Key: 'presigned-copy', CopySource: `${deOnly}/doc.txt` }), {
        expiresIn: 300,
        unhoistableHeaders: new Set(['x-amz-copy-source']),
      });
      const u = new URL(url);
      const r = await rawRequest(s.url, { method: 'PUT', path: u.pathname + u.search, headers: { 'x-amz-copy-source': `${deOnly}/doc.txt` } });
      assert.equal(r.status, 403, r.text);
      assert.equal(parseXmlError(r.text).code, 'AccessDenied');
      assert.match(parseXmlError(r.text).message ?? '', /refused/);
    });
  });
});

describe('mandatory residency from config', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ env: { SOVRA_MANDATORY_RESIDENCY: 'EU' } });
  });
  after(async () => {
    await s.stop();
  });

  it('keeps every bucket inside the mandatory zones', async () => {
    const f = await failure(s.client.send(new CreateBucketCommand({ Bucket: uniqueBucket('gb'), CreateBucketConfiguration: { LocationConstraint: 'eu-lon' as BucketLocationConstraint } })));
    assert.equal(f.code, 'AccessDenied');
    const name = uniqueBucket('eu');
    await s.client.send(new CreateBucketCommand({ Bucket: name }));
    const widen = await putResidency(s, name, ['EU', 'GB']);
    assert.equal(widen.status, 403);
    assert.match(parseXmlError(widen.text).message ?? '', /mandatory policy \[EU\]/);
    assert.equal((await putResidency(s, name, ['EU'])).status, 200);
    const r = await residency(s, name);
    assert.deepEqual(zonesOf(r.text, 'MandatoryZone'), ['EU']);
  });
});

describe('topology changes', () => {
  it('refuses a data directory in the single-region layout of session 1 and touches nothing', async () => {
    const { mkdtempSync, rmSync, writeFileSync, readdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dataDir = mkdtempSync(join(tmpdir(), 'sovra-legacy-'));
    try {
      writeFileSync(join(dataDir, 'meta.db'), 'old metadata');
      await assert.rejects(startTestServer({ dataDir }), /holds a single-region data directory \(meta\.db at its top level\)/);
      assert.deepEqual(readdirSync(dataDir), ['meta.db']);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start on a topology that would strand buckets, and loses nothing', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { demoTopology } = await import('../../src/topology/index.js');
    const dataDir = mkdtempSync(join(tmpdir(), 'sovra-topo-change-'));
    try {
      let s = await startTestServer({ dataDir });
      const name = uniqueBucket('gb');
      await s.client.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: 'eu-lon' as BucketLocationConstraint } }));
      await s.client.send(new PutObjectCommand({ Bucket: name, Key: 'keep.txt', Body: 'still here' }));
      await s.stop();

      const demo = demoTopology();
      const withoutLondon = { ...demo, regions: demo.regions.filter((r) => r.id !== 'eu-lon'), source: 'edited topology' };
      await assert.rejects(startTestServer({ dataDir, topology: withoutLondon }), (e: Error) => {
        assert.match(e.message, new RegExp(`bucket '${name}' is in region eu-lon, which edited topology no longer lists`));
        return true;
      });
      // London's zones edited by mistake: the GB-only bucket's policy names a zone that is gone.
      const londonInEu = { ...demo, regions: demo.regions.map((r) => (r.id === 'eu-lon' ? { ...r, zones: ['EU'] } : r)), source: 'edited topology' };
      await assert.rejects(startTestServer({ dataDir, topology: londonInEu }), /policy naming zone\(s\) GB, which no region of edited topology is in/);

      s = await startTestServer({ dataDir });
      const got = await s.client.send(new GetObjectCommand({ Bucket: name, Key: 'keep.txt' }));
      assert.equal(await bodyText(got.Body), 'still here');
      await s.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
