/**
 * aws-cli `s3api`: one call per S3 operation, checking the fields each answer must carry.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Ctx } from './context.js';
import { check, eq, mustJson, must, run, sameFile, writeRandomFile, type Suite } from './harness.js';

const MiB = 1024 * 1024;

export async function awsS3apiSteps(s: Suite, c: Ctx): Promise<void> {
  const api = (op: string, ...a: string[]) => mustJson(c.aws, ['--endpoint-url', c.ep.url, '--output', 'json', 's3api', op, ...a], c.awsEnv);
  const apiRaw = (op: string, ...a: string[]) => run(c.aws, ['--endpoint-url', c.ep.url, '--output', 'json', 's3api', op, ...a], c.awsEnv);
  const b = `cli-api-${c.tag}`;
  const dir = path.join(c.work, 'aws-s3api');
  const file = path.join(dir, 'obj.bin');
  writeRandomFile(file, 200_000);
  const data = readFileSync(file);

  const made = await s.step('s3api create-bucket + head-bucket', () => {
    api('create-bucket', '--bucket', b);
    must(c.aws, ['--endpoint-url', c.ep.url, 's3api', 'head-bucket', '--bucket', b], c.awsEnv);
  });
  const needs = (name: string, fn: () => unknown) => (made ? s.step(name, fn) : s.blocked(name, 's3api create-bucket failed'));

  await needs('s3api put-object with metadata + content-type, head-object', () => {
    const put = api('put-object', '--bucket', b, '--key', 'meta/obj.bin', '--body', file,
      '--metadata', 'color=blue,owner-team=data', '--content-type', 'application/x-sovra-test');
    const md5 = createHash('md5').update(data).digest('hex');
    eq(put.ETag, `"${md5}"`, 'PutObject ETag is the quoted MD5', put);
    const h = api('head-object', '--bucket', b, '--key', 'meta/obj.bin');
    eq(h.ContentLength, data.length, 'HEAD ContentLength', h);
    eq(h.ContentType, 'application/x-sovra-test', 'HEAD ContentType', h);
    eq(h.Metadata, { color: 'blue', 'owner-team': 'data' }, 'HEAD user metadata', h);
    eq(h.ETag, put.ETag, 'HEAD ETag equals PUT ETag', h);
  });

  await needs('s3api get-object --range', () => {
    const out = path.join(dir, 'range.out');
    const g = api('get-object', '--bucket', b, '--key', 'meta/obj.bin', '--range', 'bytes=1000-9999', out);
    eq(g.ContentLength, 9000, 'ranged GET ContentLength', g);
    eq(g.ContentRange, `bytes 1000-9999/${data.length}`, 'ContentRange', g);
    check(readFileSync(out).equals(data.subarray(1000, 10000)), 'ranged bytes equal the slice 1000..9999');
    const tail = path.join(dir, 'suffix.out');
    api('get-object', '--bucket', b, '--key', 'meta/obj.bin', '--range', 'bytes=-500', tail);
    check(readFileSync(tail).equals(data.subarray(data.length - 500)), 'suffix range bytes=-500 equals the last 500 bytes');
  });

  await needs('s3api copy-object (COPY and REPLACE metadata)', () => {
    const cp = api('copy-object', '--bucket', b, '--key', 'copy/one.bin', '--copy-source', `${b}/meta/obj.bin`);
    check(cp.CopyObjectResult?.ETag, 'CopyObjectResult has an ETag', cp);
    const h = api('head-object', '--bucket', b, '--key', 'copy/one.bin');
    eq(h.Metadata, { color: 'blue', 'owner-team': 'data' }, 'copied object keeps metadata', h);
    eq(h.ContentType, 'application/x-sovra-test', 'copied object keeps content-type', h);
    const out = path.join(dir, 'copy.out');
    api('get-object', '--bucket', b, '--key', 'copy/one.bin', out);
    sameFile(file, out, 'copied object content');
    api('copy-object', '--bucket', b, '--key', 'copy/two.bin', '--copy-source', `${b}/meta/obj.bin`,
      '--metadata-directive', 'REPLACE', '--metadata', 'fresh=yes', '--content-type', 'text/plain');
    const h2 = api('head-object', '--bucket', b, '--key', 'copy/two.bin');
    eq(h2.Metadata, { fresh: 'yes' }, 'REPLACE sets only the new metadata', h2);
    eq(h2.ContentType, 'text/plain', 'REPLACE sets the new content-type', h2);
  });

  await needs('s3api list-objects-v2 prefix/delimiter and pagination', () => {
    const keys = ['ls/a/1', 'ls/a/2', 'ls/b/sub/3', 'ls/top1', 'ls/top2'];
    for (let i = 0; i < 23; i++) keys.push(`ls/page/k${String(i).padStart(3, '0')}`);
    // One `aws s3 cp --recursive` instead of 28 put-object calls: each aws start costs ~1 s.
    const tree = path.join(dir, 'ls-tree');
    for (const k of keys) {
      mkdirSync(path.dirname(path.join(tree, k)), { recursive: true });
      writeFileSync(path.join(tree, k), 'x');
    }
    must(c.aws, ['--endpoint-url', c.ep.url, 's3', 'cp', '--recursive', '--only-show-errors', path.join(tree, 'ls'), `s3://${b}/ls`], c.awsEnv);
    const d = api('list-objects-v2', '--bucket', b, '--prefix', 'ls/', '--delimiter', '/');
    eq((d.CommonPrefixes ?? []).map((p: any) => p.Prefix), ['ls/a/', 'ls/b/', 'ls/page/'], 'CommonPrefixes under ls/', d);
    eq((d.Contents ?? []).map((o: any) => o.Key), ['ls/top1', 'ls/top2'], 'Contents under ls/ with delimiter', d);
    const sub = api('list-objects-v2', '--bucket', b, '--prefix', 'ls/b/', '--delimiter', '/');
    eq((sub.CommonPrefixes ?? []).map((p: any) => p.Prefix), ['ls/b/sub/'], 'CommonPrefixes under ls/b/', sub);
    // Server-side pagination, one request per page: IsTruncated + NextContinuationToken.
    const pageKeys = keys.filter((k) => k.startsWith('ls/page/'));
    const seen: string[] = [];
    let token: string | undefined;
    for (let i = 0; i < 10; i++) {
      const p = api('list-objects-v2', '--no-paginate', '--bucket', b, '--prefix', 'ls/page/', '--max-keys', '7',
        ...(token ? ['--continuation-token', token] : []));
      seen.push(...(p.Contents ?? []).map((o: any) => o.Key));
      check(p.KeyCount === (p.Contents ?? []).length, 'KeyCount equals the number of Contents', p);
      if (!p.IsTruncated) break;
      check(p.NextContinuationToken, 'a truncated page has NextContinuationToken', p);
      token = p.NextContinuationToken;
    }
    eq(seen, pageKeys, 'keys across max-keys=7 pages', seen);
    // The CLI's own paginator: --page-size per request, --max-items per call with a resumable NextToken.
    const all = api('list-objects-v2', '--bucket', b, '--prefix', 'ls/page/', '--page-size', '5');
    eq((all.Contents ?? []).map((o: any) => o.Key), pageKeys, 'all keys with --page-size 5', all);
    const cli: string[] = [];
    let next: string | undefined;
    for (let i = 0; i < 10; i++) {
      const p = api('list-objects-v2', '--bucket', b, '--prefix', 'ls/page/', '--max-items', '10', '--page-size', '4',
        ...(next ? ['--starting-token', next] : []));
      cli.push(...(p.Contents ?? []).map((o: any) => o.Key));
      next = p.NextToken;
      if (!next) break;
    }
    eq(cli, pageKeys, 'keys across --max-items 10 calls', cli);
  });

  await needs('s3api put/get-object-tagging', () => {
    const tags = { TagSet: [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'data eng' }] };
    api('put-object-tagging', '--bucket', b, '--key', 'meta/obj.bin', '--tagging', JSON.stringify(tags));
    const g = api('get-object-tagging', '--bucket', b, '--key', 'meta/obj.bin');
    const sort = (t: any[]) => [...t].sort((x, y) => String(x.Key).localeCompare(String(y.Key)));
    eq(sort(g.TagSet ?? []), tags.TagSet, 'tag set read back', g);
  });

  await needs('s3api delete-objects', () => {
    const del = { Objects: [{ Key: 'ls/top1' }, { Key: 'ls/top2' }, { Key: 'ls/never-existed' }], Quiet: false };
    const r = api('delete-objects', '--bucket', b, '--delete', JSON.stringify(del));
    eq((r.Deleted ?? []).map((d: any) => d.Key).sort(), ['ls/never-existed', 'ls/top1', 'ls/top2'], 'Deleted keys (a missing key counts as deleted)', r);
    check(!(r.Errors ?? []).length, 'no Errors', r);
    const l = api('list-objects-v2', '--bucket', b, '--prefix', 'ls/top');
    check(!(l.Contents ?? []).length, 'deleted keys are gone from the listing', l);
  });

  await needs('s3api multipart upload by hand (create/upload-part/list-parts/complete)', () => {
    const parts = [5 * MiB, 5 * MiB, MiB + 123].map((n, i) => {
      const f = path.join(dir, `part${i + 1}`);
      writeRandomFile(f, n);
      return f;
    });
    const cr = api('create-multipart-upload', '--bucket', b, '--key', 'mpu/by-hand.bin', '--content-type', 'application/x-mpu');
    check(cr.UploadId, 'CreateMultipartUpload returns an UploadId', cr);
    const done = parts.map((f, i) => {
      const up = api('upload-part', '--bucket', b, '--key', 'mpu/by-hand.bin', '--upload-id', cr.UploadId,
        '--part-number', String(i + 1), '--body', f);
      eq(up.ETag, `"${createHash('md5').update(readFileSync(f)).digest('hex')}"`, `part ${i + 1} ETag`, up);
      return { ETag: up.ETag as string, PartNumber: i + 1 };
    });
    const lp = api('list-parts', '--bucket', b, '--key', 'mpu/by-hand.bin', '--upload-id', cr.UploadId);
    eq((lp.Parts ?? []).map((p: any) => p.Size), [5 * MiB, 5 * MiB, MiB + 123], 'ListParts sizes', lp);
    const cmp = api('complete-multipart-upload', '--bucket', b, '--key', 'mpu/by-hand.bin', '--upload-id', cr.UploadId,
      '--multipart-upload', JSON.stringify({ Parts: done }));
    const md5s = Buffer.concat(parts.map((f) => createHash('md5').update(readFileSync(f)).digest()));
    eq(cmp.ETag, `"${createHash('md5').update(md5s).digest('hex')}-3"`, 'multipart ETag = md5(part md5s)-3', cmp);
    const whole = path.join(dir, 'mpu.whole');
    writeFileSync(whole, Buffer.concat(parts.map((f) => readFileSync(f))));
    const out = path.join(dir, 'mpu.out');
    const g = api('get-object', '--bucket', b, '--key', 'mpu/by-hand.bin', out);
    eq(g.ContentType, 'application/x-mpu', 'content-type given at create', g);
    sameFile(whole, out, 'completed multipart object');
    const ups = api('list-multipart-uploads', '--bucket', b);
    check(!(ups.Uploads ?? []).some((u: any) => u.UploadId === cr.UploadId), 'completed upload no longer listed', ups);
  });

  await needs('s3api abort-multipart-upload', () => {
    const cr = api('create-multipart-upload', '--bucket', b, '--key', 'mpu/aborted.bin');
    api('upload-part', '--bucket', b, '--key', 'mpu/aborted.bin', '--upload-id', cr.UploadId, '--part-number', '1', '--body', file);
    const ups = api('list-multipart-uploads', '--bucket', b);
    check((ups.Uploads ?? []).some((u: any) => u.UploadId === cr.UploadId && u.Key === 'mpu/aborted.bin'), 'upload is listed before abort', ups);
    api('abort-multipart-upload', '--bucket', b, '--key', 'mpu/aborted.bin', '--upload-id', cr.UploadId);
    const after = api('list-multipart-uploads', '--bucket', b);
    check(!(after.Uploads ?? []).some((u: any) => u.UploadId === cr.UploadId), 'aborted upload is not listed', after);
    const lp = apiRaw('list-parts', '--bucket', b, '--key', 'mpu/aborted.bin', '--upload-id', cr.UploadId);
    check(lp.code !== 0 && /NoSuchUpload/.test(lp.stderr), 'list-parts of an aborted upload says NoSuchUpload', lp);
    const h = apiRaw('head-object', '--bucket', b, '--key', 'mpu/aborted.bin');
    check(h.code !== 0 && /404|Not Found/.test(h.stderr), 'aborted upload left no object', h);
  });

  await needs('s3api checksums CRC32 + SHA256 (put --checksum-algorithm, get --checksum-mode)', () => {
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(data) >>> 0);
    const want = { CRC32: crc.toString('base64'), SHA256: createHash('sha256').update(data).digest('base64') };
    for (const [algo, value] of Object.entries(want)) {
      const key = `sum/${algo}.bin`;
      const put = api('put-object', '--bucket', b, '--key', key, '--body', file, '--checksum-algorithm', algo);
      eq(put[`Checksum${algo}`], value, `PutObject Checksum${algo}`, put);
      const out = path.join(dir, `sum-${algo}.out`);
      const g = api('get-object', '--bucket', b, '--key', key, '--checksum-mode', 'ENABLED', out);
      eq(g[`Checksum${algo}`], value, `GetObject Checksum${algo} with --checksum-mode ENABLED`, g);
      sameFile(file, out, `object stored with ${algo}`);
      const h = api('head-object', '--bucket', b, '--key', key, '--checksum-mode', 'ENABLED');
      eq(h[`Checksum${algo}`], value, `HeadObject Checksum${algo}`, h);
    }
  });

  await needs('s3api put-bucket-versioning + list-object-versions', () => {
    const vb = `cli-ver-${c.tag}`;
    api('create-bucket', '--bucket', vb);
    api('put-bucket-versioning', '--bucket', vb, '--versioning-configuration', 'Status=Enabled');
    eq(api('get-bucket-versioning', '--bucket', vb).Status, 'Enabled', 'get-bucket-versioning Status');
    const v1 = path.join(dir, 'v1'), v2 = path.join(dir, 'v2');
    writeFileSync(v1, 'version one');
    writeFileSync(v2, 'version two, longer');
    const p1 = api('put-object', '--bucket', vb, '--key', 'doc.txt', '--body', v1);
    const p2 = api('put-object', '--bucket', vb, '--key', 'doc.txt', '--body', v2);
    check(p1.VersionId && p2.VersionId && p1.VersionId !== p2.VersionId, 'each PUT returns a distinct VersionId', [p1, p2]);
    const lv = api('list-object-versions', '--bucket', vb, '--prefix', 'doc.txt');
    const vs = (lv.Versions ?? []).map((v: any) => [v.VersionId, v.IsLatest, v.Size]);
    eq(vs, [[p2.VersionId, true, 19], [p1.VersionId, false, 11]], 'versions newest first, latest flagged', lv);
    const out = path.join(dir, 'v1.out');
    api('get-object', '--bucket', vb, '--key', 'doc.txt', '--version-id', p1.VersionId, out);
    sameFile(v1, out, 'GET of the older version');
    const del = api('delete-object', '--bucket', vb, '--key', 'doc.txt');
    check(del.DeleteMarker === true, 'DELETE in a versioned bucket creates a delete marker', del);
    const lv2 = api('list-object-versions', '--bucket', vb, '--prefix', 'doc.txt');
    check((lv2.DeleteMarkers ?? []).length === 1 && (lv2.Versions ?? []).length === 2, 'one delete marker and both versions listed', lv2);
    // Clean up every version so the bucket can go.
    for (const v of [...(lv2.Versions ?? []), ...(lv2.DeleteMarkers ?? [])])
      api('delete-object', '--bucket', vb, '--key', v.Key, '--version-id', v.VersionId);
    must(c.aws, ['--endpoint-url', c.ep.url, 's3api', 'delete-bucket', '--bucket', vb], c.awsEnv);
  });
}
