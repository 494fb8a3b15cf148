/**
 * aws-cli `s3` (the high-level commands people actually type) and presigned URLs fetched with curl.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Ctx } from './context.js';
import { check, must, run, sameFile, sameTree, makeTree, writeRandomFile, type Suite } from './harness.js';

export async function awsS3Steps(s: Suite, c: Ctx): Promise<void> {
  const aws = (...a: string[]) => must(c.aws, ['--endpoint-url', c.ep.url, ...a], c.awsEnv);
  const bucket = `cli-s3-${c.tag}`;
  const dir = path.join(c.work, 'aws-s3');
  const small = path.join(dir, 'small.bin');
  const big = path.join(dir, 'big-100m.bin');
  writeRandomFile(small, 12_345);

  const made = await s.step('aws s3 mb', () => {
    aws('s3', 'mb', `s3://${bucket}`);
    const r = aws('s3', 'ls');
    check(r.stdout.split('\n').some((l) => l.trim().endsWith(` ${bucket}`)), `bucket ${bucket} listed by aws s3 ls`, r);
  });
  const needs = (name: string, fn: () => unknown) => (made ? s.step(name, fn) : s.blocked(name, 'aws s3 mb failed'));

  await needs('aws s3 cp small file up and down', () => {
    aws('s3', 'cp', small, `s3://${bucket}/dir/small.bin`);
    aws('s3', 'cp', `s3://${bucket}/dir/small.bin`, `${small}.down`);
    sameFile(small, `${small}.down`, 'downloaded small file');
  });

  await needs('aws s3 cp 100 MB file up and down (multipart)', () => {
    writeRandomFile(big, 100 * 1024 * 1024);
    aws('s3', 'cp', big, `s3://${bucket}/big/big-100m.bin`);
    const head = JSON.parse(aws('s3api', 'head-object', '--bucket', bucket, '--key', 'big/big-100m.bin').stdout);
    check(head.ContentLength === 100 * 1024 * 1024, 'HEAD ContentLength is 100 MiB', head);
    // aws-cli uploads in 8 MiB parts above 8 MiB: the ETag of a multipart object is "<md5>-<parts>".
    check(/-13"$/.test(head.ETag), `multipart ETag ends in -13 (13 parts of 8 MiB): ${head.ETag}`, head);
    aws('s3', 'cp', `s3://${bucket}/big/big-100m.bin`, `${big}.down`);
    sameFile(big, `${big}.down`, 'downloaded 100 MB file');
    rmSync(`${big}.down`);
  });

  await needs('aws s3 ls (bucket, prefix, recursive)', () => {
    const top = aws('s3', 'ls', `s3://${bucket}/`);
    check(/PRE big\//.test(top.stdout) && /PRE dir\//.test(top.stdout), 'top-level listing shows PRE big/ and PRE dir/', top);
    const rec = aws('s3', 'ls', '--recursive', `s3://${bucket}`);
    check(/\b12345 dir\/small\.bin$/m.test(rec.stdout), 'recursive listing shows dir/small.bin with 12345 bytes', rec);
    check(/\b104857600 big\/big-100m\.bin$/m.test(rec.stdout), 'recursive listing shows big/big-100m.bin with 104857600 bytes', rec);
  });

  await needs('aws s3 sync folder tree up and down', () => {
    const src = path.join(dir, 'tree'), back = path.join(dir, 'tree-back');
    makeTree(src, 3 * 1024 * 1024);
    aws('s3', 'sync', src, `s3://${bucket}/tree`);
    aws('s3', 'sync', `s3://${bucket}/tree`, back);
    sameTree(src, back, 'tree after sync up and down');
    // A second sync must find nothing to do: sizes and times match, so nothing is re-sent.
    const again = aws('s3', 'sync', src, `s3://${bucket}/tree`);
    check(!/upload:/.test(again.stdout), 'second sync uploads nothing', again);
    // Delete locally and sync with --delete: the remote copy must disappear too.
    rmSync(path.join(src, 'top.txt'));
    writeFileSync(path.join(src, 'mid/medium.bin'), 'changed size');
    aws('s3', 'sync', '--delete', src, `s3://${bucket}/tree`);
    aws('s3', 'sync', '--delete', `s3://${bucket}/tree`, back);
    sameTree(src, back, 'tree after sync --delete both ways');
  });

  await needs('aws s3 presign GET fetched with curl', () => {
    const url = aws('s3', 'presign', `s3://${bucket}/dir/small.bin`, '--expires-in', '300').stdout.trim();
    check(url.startsWith(c.ep.url + '/'), `presigned URL points at the endpoint: ${url}`);
    const out = path.join(dir, 'presigned.bin');
    const r = run('curl', ['-sS', '-o', out, '-w', '%{http_code}', url]);
    check(r.stdout === '200', `curl of a presigned URL returns 200 (got ${r.stdout})`, r);
    sameFile(small, out, 'presigned download');
  });

  await needs('aws s3 presign: expired URL is refused', async () => {
    const url = aws('s3', 'presign', `s3://${bucket}/dir/small.bin`, '--expires-in', '1').stdout.trim();
    await new Promise((r) => setTimeout(r, 2500));
    const out = path.join(dir, 'expired.txt');
    const r = run('curl', ['-sS', '-o', out, '-w', '%{http_code}', url]);
    check(r.stdout === '403', `an expired presigned URL is refused with 403 (got ${r.stdout})`, r);
    const body = run('cat', [out]);
    check(/AccessDenied/.test(body.stdout), 'error body is an S3 AccessDenied document', body);
  });

  await needs('aws s3 rm --recursive', () => {
    aws('s3', 'rm', '--recursive', `s3://${bucket}`);
    const r = run(c.aws, ['--endpoint-url', c.ep.url, 's3', 'ls', '--recursive', `s3://${bucket}`], c.awsEnv);
    check(r.stdout.trim() === '', 'bucket is empty after rm --recursive', r);
  });

  await needs('aws s3 rb', () => {
    aws('s3', 'rb', `s3://${bucket}`);
    const r = aws('s3', 'ls');
    check(!r.stdout.split('\n').some((l) => l.trim().endsWith(` ${bucket}`)), 'bucket no longer listed', r);
    const gone = run(c.aws, ['--endpoint-url', c.ep.url, 's3api', 'head-bucket', '--bucket', bucket], c.awsEnv);
    check(gone.code !== 0 && /404|Not Found|NoSuchBucket/.test(gone.stderr), 'head-bucket on the removed bucket says 404', gone);
  });
  rmSync(big, { force: true });
}
