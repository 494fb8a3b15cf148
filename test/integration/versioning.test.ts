/**
 * Bucket versioning through the real AWS SDK against a real in-process Sovra
 * server: enabling and suspending, version ids, delete markers, reading and
 * deleting specific versions, the 'null' version, and ListObjectVersions with
 * pagination.
 *
 * Expected behaviour follows the Amazon S3 API reference and user guide
 * (PutBucketVersioning, GetObject/HeadObject with versionId, DeleteObject,
 * ListObjectVersions, "Working with delete markers"):
 *  - GET/HEAD without a version when the current version is a delete marker: 404
 *    with x-amz-delete-marker: true;
 *  - GET/HEAD of a delete marker by version id: 405 Method Not Allowed;
 *  - a well-formed but unknown version id: 404 NoSuchVersion; a malformed one:
 *    400 InvalidArgument ("Invalid version id specified").
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  S3Client,
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type BucketVersioningStatus,
  type ListObjectVersionsCommandOutput,
} from '@aws-sdk/client-s3';
import { bodyText, errorStatus, startTestServer, uniqueBucket, type TestServer, failure } from './harness.js';

const md5hex = (s: string): string => createHash('md5').update(s).digest('hex');

/** Like errorStatus, plus the raw response headers of the failed call. */

interface Entry {
  key: string;
  versionId: string;
  marker: boolean;
  latest: boolean;
}

/** Versions and delete markers of one ListObjectVersions page (the SDK splits them into two lists). */
function entriesOf(out: ListObjectVersionsCommandOutput): { versions: Entry[]; markers: Entry[] } {
  return {
    versions: (out.Versions ?? []).map((v) => ({ key: v.Key ?? '', versionId: v.VersionId ?? '', marker: false, latest: v.IsLatest ?? false })),
    markers: (out.DeleteMarkers ?? []).map((m) => ({ key: m.Key ?? '', versionId: m.VersionId ?? '', marker: true, latest: m.IsLatest ?? false })),
  };
}

describe('versioning', () => {
  let server: TestServer;
  let s3: S3Client;

  before(async () => {
    server = await startTestServer();
    s3 = server.client;
  });

  after(async () => {
    await server?.stop();
  });

  const setVersioning = async (bucket: string, status: BucketVersioningStatus): Promise<void> => {
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: status } }));
  };
  const getText = async (bucket: string, key: string, versionId?: string): Promise<{ text: string; versionId: string | undefined }> => {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    return { text: await bodyText(out.Body), versionId: out.VersionId };
  };

  describe('the life of one key in a versioned bucket', () => {
    let bucket: string;
    const key = 'doc.txt';
    const ids: string[] = [];
    let marker = '';

    before(async () => {
      bucket = uniqueBucket('ver');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    });

    it('a new bucket has no versioning Status', async () => {
      const out = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.equal(out.Status, undefined);
      assert.equal(out.MFADelete, undefined);
    });

    it('an object written before versioning is listed as the null version', async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'pre', Body: 'before versioning' }));
      const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'pre' }));
      assert.deepEqual(entriesOf(out).versions, [{ key: 'pre', versionId: 'null', marker: false, latest: true }]);
    });

    it('enabling versioning is reported by GetBucketVersioning', async () => {
      await setVersioning(bucket, 'Enabled');
      const out = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
      assert.equal(out.Status, 'Enabled');
    });

    it('three PUTs of the same key return three distinct version ids', async () => {
      for (const body of ['v1', 'v2', 'v3']) {
        const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
        assert.ok(out.VersionId, 'PutObject returns x-amz-version-id');
        assert.notEqual(out.VersionId, 'null');
        assert.equal(out.ETag, `"${md5hex(body)}"`);
        ids.push(out.VersionId);
      }
      assert.equal(new Set(ids).size, 3);
    });

    it('GetObject and HeadObject with each VersionId return that version', async () => {
      for (const [i, id] of ids.entries()) {
        const got = await getText(bucket, key, id);
        assert.equal(got.text, `v${i + 1}`);
        assert.equal(got.versionId, id);
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: id }));
        assert.equal(head.VersionId, id);
        assert.equal(head.ETag, `"${md5hex(`v${i + 1}`)}"`);
      }
    });

    it('GetObject without a version returns the latest, with its version id', async () => {
      assert.deepEqual(await getText(bucket, key), { text: 'v3', versionId: ids[2] });
    });

    it('the pre-versioning object is still readable as versionId null', async () => {
      assert.equal((await getText(bucket, 'pre', 'null')).text, 'before versioning');
    });

    it('DeleteObject without a version creates a delete marker', async () => {
      const out = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(out.$metadata.httpStatusCode, 204);
      assert.equal(out.DeleteMarker, true);
      assert.ok(out.VersionId, 'the delete marker has a version id');
      assert.ok(!ids.includes(out.VersionId));
      marker = out.VersionId;
    });

    it('GetObject then answers 404 NoSuchKey with x-amz-delete-marker: true', async () => {
      const err = await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })));
      assert.deepEqual([err.code, err.status], ['NoSuchKey', 404]);
      assert.equal(err.headers['x-amz-delete-marker'], 'true');
    });

    it('HeadObject then answers 404 with x-amz-delete-marker: true', async () => {
      const err = await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
      assert.equal(err.status, 404);
      assert.equal(err.headers['x-amz-delete-marker'], 'true');
    });

    it('ListObjectsV2 no longer shows the key', async () => {
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      assert.deepEqual((out.Contents ?? []).map((c) => c.Key), ['pre']);
    });

    it('old versions stay readable by id', async () => {
      assert.equal((await getText(bucket, key, ids[1])).text, 'v2');
    });

    it('ListObjectVersions shows 3 versions newest first and 1 delete marker that is latest', async () => {
      const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.equal(out.IsTruncated, false);
      const { versions, markers } = entriesOf(out);
      assert.deepEqual(versions, [
        { key, versionId: ids[2], marker: false, latest: false },
        { key, versionId: ids[1], marker: false, latest: false },
        { key, versionId: ids[0], marker: false, latest: false },
      ]);
      assert.deepEqual(markers, [{ key, versionId: marker, marker: true, latest: true }]);
      const sizes = (out.Versions ?? []).map((v) => [v.Size, v.ETag]);
      assert.deepEqual(sizes, [
        [2, `"${md5hex('v3')}"`],
        [2, `"${md5hex('v2')}"`],
        [2, `"${md5hex('v1')}"`],
      ]);
      const dm = out.DeleteMarkers?.[0];
      const v3 = out.Versions?.[0];
      assert.ok(dm?.LastModified && v3?.LastModified && dm.LastModified.getTime() >= v3.LastModified.getTime(), 'the marker is not older than v3');
      assert.ok(dm?.Owner?.ID, 'delete marker owner');
    });

    it('HeadObject on the delete marker version → 405 with x-amz-delete-marker: true', async () => {
      const err = await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: marker })));
      assert.equal(err.status, 405);
      assert.equal(err.headers['x-amz-delete-marker'], 'true');
    });

    it('GetObject on the delete marker version → 405 MethodNotAllowed', async () => {
      const err = await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: marker })));
      assert.deepEqual([err.code, err.status], ['MethodNotAllowed', 405]);
      assert.equal(err.headers['x-amz-delete-marker'], 'true');
    });

    it('a versioned bucket holding only old versions and a delete marker is not empty', async () => {
      const other = uniqueBucket('ver-notempty');
      await s3.send(new CreateBucketCommand({ Bucket: other }));
      await setVersioning(other, 'Enabled');
      await s3.send(new PutObjectCommand({ Bucket: other, Key: 'k', Body: 'x' }));
      await s3.send(new DeleteObjectCommand({ Bucket: other, Key: 'k' }));
      assert.deepEqual(await errorStatus(s3.send(new DeleteBucketCommand({ Bucket: other }))), { code: 'BucketNotEmpty', status: 409 });
    });

    it('deleting the delete marker by version id makes the object visible again', async () => {
      const out = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: marker }));
      assert.equal(out.$metadata.httpStatusCode, 204);
      assert.equal(out.DeleteMarker, true, 'x-amz-delete-marker: true says a marker was removed');
      assert.equal(out.VersionId, marker);
      assert.deepEqual(await getText(bucket, key), { text: 'v3', versionId: ids[2] });
      const list = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
      assert.equal(list.DeleteMarkers, undefined);
      assert.equal(list.Versions?.[0]?.IsLatest, true);
    });

    it('deleting a specific version removes it permanently', async () => {
      const out = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: ids[1] }));
      assert.equal(out.$metadata.httpStatusCode, 204);
      assert.equal(out.VersionId, ids[1]);
      assert.notEqual(out.DeleteMarker, true);
      assert.deepEqual(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: ids[1] }))), { code: 'NoSuchVersion', status: 404 });
      const { versions } = entriesOf(await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key })));
      assert.deepEqual(versions.map((v) => [v.versionId, v.latest]), [
        [ids[2], true],
        [ids[0], false],
      ]);
      // The current version is unaffected.
      assert.equal((await getText(bucket, key)).text, 'v3');
    });

    it('a well-formed but unknown version id → 404 NoSuchVersion (GET), 404 (HEAD)', async () => {
      // ids[1] was issued by this server and then permanently deleted: well-formed, unknown.
      assert.deepEqual(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: ids[1] }))), { code: 'NoSuchVersion', status: 404 });
      assert.equal((await errorStatus(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: ids[1] })))).status, 404);
      // A version id of another key is not a version of this key.
      assert.deepEqual(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'pre', VersionId: ids[0] }))), { code: 'NoSuchVersion', status: 404 });
    });

    it('a malformed version id → 400 InvalidArgument', async () => {
      assert.deepEqual(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: 'this is not a version id!' }))), {
        code: 'InvalidArgument',
        status: 400,
      });
    });

    it('deleting the latest version by id promotes the previous one', async () => {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: ids[2] }));
      assert.deepEqual(await getText(bucket, key), { text: 'v1', versionId: ids[0] });
      const { versions } = entriesOf(await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key })));
      assert.deepEqual(versions, [{ key, versionId: ids[0], marker: false, latest: true }]);
    });

    it('Suspended: GetBucketVersioning reports it and PUTs write the null version', async () => {
      await setVersioning(bucket, 'Suspended');
      assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, 'Suspended');
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'null-a' }));
      let list = entriesOf(await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key })));
      assert.deepEqual(list.versions, [
        { key, versionId: 'null', marker: false, latest: true },
        { key, versionId: ids[0], marker: false, latest: false },
      ]);
      // A second PUT overwrites the null version instead of adding one.
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'null-b' }));
      list = entriesOf(await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key })));
      assert.deepEqual(list.versions, [
        { key, versionId: 'null', marker: false, latest: true },
        { key, versionId: ids[0], marker: false, latest: false },
      ]);
      assert.equal((await getText(bucket, key)).text, 'null-b');
      assert.equal((await getText(bucket, key, 'null')).text, 'null-b');
      assert.equal((await getText(bucket, key, ids[0])).text, 'v1');
    });

    it('Suspended: DeleteObject replaces the null version with a null delete marker', async () => {
      const out = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(out.DeleteMarker, true);
      assert.equal(out.VersionId, 'null');
      const list = entriesOf(await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key })));
      assert.deepEqual(list.markers, [{ key, versionId: 'null', marker: true, latest: true }]);
      assert.deepEqual(list.versions, [{ key, versionId: ids[0], marker: false, latest: false }]);
      assert.deepEqual(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))), { code: 'NoSuchKey', status: 404 });
    });

    it('re-enabling adds new versions on top of the history', async () => {
      await setVersioning(bucket, 'Enabled');
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'v-after' }));
      assert.ok(put.VersionId && put.VersionId !== 'null');
      const list = entriesOf(await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key })));
      assert.deepEqual(list.versions, [
        { key, versionId: put.VersionId, marker: false, latest: true },
        { key, versionId: ids[0], marker: false, latest: false },
      ]);
      assert.deepEqual(list.markers, [{ key, versionId: 'null', marker: true, latest: false }]);
    });
  });

  describe('ListObjectVersions pagination', () => {
    let bucket: string;
    /** Expected listing order: keys ascending, then newest first within a key. */
    const expected: Entry[] = [];

    before(async () => {
      bucket = uniqueBucket('ver-page');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await setVersioning(bucket, 'Enabled');
      const perKey: Record<string, Entry[]> = { p: [], q: [], r: [] };
      for (const [k, n] of [['p', 5], ['q', 2], ['r', 1]] as const) {
        for (let i = 0; i < n; i++) {
          const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: `${k}${i}` }));
          perKey[k]?.unshift({ key: k, versionId: out.VersionId ?? '', marker: false, latest: false });
        }
      }
      const dm = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'r' }));
      perKey.r?.unshift({ key: 'r', versionId: dm.VersionId ?? '', marker: true, latest: false });
      for (const k of ['p', 'q', 'r']) {
        const list = perKey[k] ?? [];
        if (list[0]) list[0].latest = true;
        expected.push(...list);
      }
    });

    it('without pagination lists everything in order', async () => {
      const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      assert.equal(out.IsTruncated, false);
      const { versions, markers } = entriesOf(out);
      assert.deepEqual(versions, expected.filter((e) => !e.marker));
      assert.deepEqual(markers, expected.filter((e) => e.marker));
    });

    it('MaxKeys=2 pages with NextKeyMarker / NextVersionIdMarker cover every entry once, in order', async () => {
      let keyMarker: string | undefined;
      let versionIdMarker: string | undefined;
      let page = 0;
      for (;;) {
        const out: ListObjectVersionsCommandOutput = await s3.send(
          new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 2, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
        );
        const slice = expected.slice(page * 2, page * 2 + 2);
        const { versions, markers } = entriesOf(out);
        assert.deepEqual(versions, slice.filter((e) => !e.marker), `versions of page ${page}`);
        assert.deepEqual(markers, slice.filter((e) => e.marker), `delete markers of page ${page}`);
        if (keyMarker !== undefined) {
          assert.equal(out.KeyMarker, keyMarker);
          assert.equal(out.VersionIdMarker, versionIdMarker);
        }
        page += 1;
        if (!out.IsTruncated) break;
        const last = slice[slice.length - 1];
        assert.equal(out.NextKeyMarker, last?.key, `NextKeyMarker of page ${page - 1}`);
        assert.equal(out.NextVersionIdMarker, last?.versionId, `NextVersionIdMarker of page ${page - 1}`);
        keyMarker = out.NextKeyMarker;
        versionIdMarker = out.NextVersionIdMarker;
        assert.ok(page <= 10, 'pagination does not terminate');
      }
      assert.equal(page, Math.ceil(expected.length / 2));
    });

    it('KeyMarker alone starts after all versions of that key', async () => {
      const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: 'p' }));
      const { versions, markers } = entriesOf(out);
      const rest = expected.filter((e) => e.key !== 'p');
      assert.deepEqual(versions, rest.filter((e) => !e.marker));
      assert.deepEqual(markers, rest.filter((e) => e.marker));
    });

    it('KeyMarker at the last key returns nothing, not truncated', async () => {
      const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: 'r' }));
      assert.equal(out.IsTruncated, false);
      assert.equal(out.Versions, undefined);
      assert.equal(out.DeleteMarkers, undefined);
    });

    it('VersionIdMarker without KeyMarker → 400 InvalidArgument', async () => {
      // AWS: "A version-id marker cannot be specified without a key marker."
      const someId = expected[0]?.versionId ?? '';
      assert.deepEqual(await errorStatus(s3.send(new ListObjectVersionsCommand({ Bucket: bucket, VersionIdMarker: someId }))), {
        code: 'InvalidArgument',
        status: 400,
      });
    });

    it('Prefix and Delimiter work on version listings', async () => {
      const b = uniqueBucket('ver-delim');
      await s3.send(new CreateBucketCommand({ Bucket: b }));
      await setVersioning(b, 'Enabled');
      for (const k of ['dir/a', 'dir/b', 'dir/sub/c', 'top']) await s3.send(new PutObjectCommand({ Bucket: b, Key: k, Body: k }));
      const out = await s3.send(new ListObjectVersionsCommand({ Bucket: b, Prefix: 'dir/', Delimiter: '/' }));
      assert.deepEqual((out.Versions ?? []).map((v) => v.Key), ['dir/a', 'dir/b']);
      assert.deepEqual((out.CommonPrefixes ?? []).map((p) => p.Prefix), ['dir/sub/']);
    });
  });

  describe('other versioning behaviour', () => {
    it('an unversioned bucket lists each object as the latest null version', async () => {
      const bucket = uniqueBucket('ver-none');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: 'a' }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: 'a2' }));
      const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      assert.deepEqual(entriesOf(out).versions, [{ key: 'a', versionId: 'null', marker: false, latest: true }]);
      assert.equal(out.DeleteMarkers, undefined);
    });

    it('DeleteObjects in a versioned bucket: plain keys get delete markers, versioned entries are removed', async () => {
      const bucket = uniqueBucket('ver-batch');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await setVersioning(bucket, 'Enabled');
      const a1 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: 'a1' }));
      const a2 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: 'a2' }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'b', Body: 'b1' }));
      const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'a', VersionId: a1.VersionId }, { Key: 'b' }] } }));
      assert.deepEqual(out.Errors ?? [], []);
      const byKey = new Map((out.Deleted ?? []).map((d) => [d.Key, d]));
      assert.equal(byKey.get('a')?.VersionId, a1.VersionId);
      assert.notEqual(byKey.get('a')?.DeleteMarker, true);
      assert.equal(byKey.get('b')?.DeleteMarker, true);
      assert.ok(byKey.get('b')?.DeleteMarkerVersionId, 'DeleteMarkerVersionId of the new marker');
      assert.deepEqual(await getText(bucket, 'a'), { text: 'a2', versionId: a2.VersionId });
      assert.deepEqual(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'a', VersionId: a1.VersionId }))), { code: 'NoSuchVersion', status: 404 });
      assert.deepEqual(await errorStatus(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'b' }))), { code: 'NoSuchKey', status: 404 });
      const list = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'b' }));
      assert.equal(list.DeleteMarkers?.[0]?.VersionId, byKey.get('b')?.DeleteMarkerVersionId);
    });

    it('CopyObject can copy a specific source version', async () => {
      const bucket = uniqueBucket('ver-copy');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await setVersioning(bucket, 'Enabled');
      const v1 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src', Body: 'old' }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'src', Body: 'new' }));
      const out = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst', CopySource: `${bucket}/src?versionId=${encodeURIComponent(v1.VersionId ?? '')}` }));
      assert.equal(out.CopySourceVersionId, v1.VersionId);
      assert.ok(out.VersionId && out.VersionId !== v1.VersionId, 'the copy is a new version of dst');
      assert.deepEqual(await getText(bucket, 'dst'), { text: 'old', versionId: out.VersionId });
    });

    it('GetBucketVersioning / PutBucketVersioning on a missing bucket → 404 NoSuchBucket', async () => {
      const missing = uniqueBucket('ver-missing');
      assert.deepEqual(await errorStatus(s3.send(new GetBucketVersioningCommand({ Bucket: missing }))), { code: 'NoSuchBucket', status: 404 });
      assert.deepEqual(
        await errorStatus(s3.send(new PutBucketVersioningCommand({ Bucket: missing, VersioningConfiguration: { Status: 'Enabled' } }))),
        { code: 'NoSuchBucket', status: 404 },
      );
    });

    it('an unknown versioning Status → 400 MalformedXML', async () => {
      const bucket = uniqueBucket('ver-bad');
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      assert.deepEqual(
        await errorStatus(s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Sometimes' as BucketVersioningStatus } }))),
        { code: 'MalformedXML', status: 400 },
      );
      assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, undefined);
    });
  });
});
