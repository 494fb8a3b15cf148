/**
 * rclone and s3cmd: the two most common non-AWS S3 tools, each with its own signing,
 * key encoding and multipart quirks.
 */
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Ctx } from './context.js';
import { check, eq, makeTree, must, run, sameFile, sameTree, treeDigest, writeRandomFile, type Suite } from './harness.js';

const MiB = 1024 * 1024;

export async function rcloneSteps(s: Suite, c: Ctx): Promise<void> {
  // One try per operation: a retry would hide a server error behind a later success.
  const rc = (...a: string[]) => must('rclone', ['--retries', '1', '--low-level-retries', '1', ...a], c.rcloneEnv, 600_000);
  const remote = `sovra:rclone-${c.tag}/tree`;
  const src = path.join(c.work, 'rclone', 'src');
  const back = path.join(c.work, 'rclone', 'back');
  makeTree(src, 20 * MiB);

  const synced = await s.step('rclone sync tree (nested, odd names, 0-byte, 20 MB) + check', () => {
    rc('sync', src, remote);
    rc('check', src, remote);
  });
  const needs = (name: string, fn: () => unknown) => (synced ? s.step(name, fn) : s.blocked(name, 'rclone sync failed'));

  await needs('rclone sync back down, byte-identical', () => {
    rc('sync', remote, back);
    sameTree(src, back, 'tree downloaded by rclone');
  });

  await needs('rclone modify/delete, sync again + check', () => {
    appendFileSync(path.join(src, 'with space.txt'), 'appended line\n');
    writeFileSync(path.join(src, 'top.txt'), 'new content of the same file, another size');
    rmSync(path.join(src, 'hash#tag.txt'));
    rmSync(path.join(src, 'nested/a/b/c/deep file.txt'));
    writeRandomFile(path.join(src, 'nested/new dir/added+1.bin'), 4321);
    rc('sync', src, remote);
    rc('check', src, remote);
    rc('sync', remote, back);
    sameTree(src, back, 'tree after the second rclone sync');
  });

  await needs('rclone lsjson matches the local tree', () => {
    const r = rc('lsjson', '-R', '--files-only', remote);
    const listed = (JSON.parse(r.stdout) as { Path: string; Size: number }[])
      .map((e) => `${e.Path} ${e.Size}`).sort();
    const local = Object.entries(treeDigest(src)).map(([p, v]) => `${p} ${v.split(' ')[0]}`).sort();
    eq(listed, local, 'lsjson paths and sizes', r);
  });

  await needs('rclone purge', () => {
    rc('purge', `sovra:rclone-${c.tag}`);
    const r = run('rclone', ['lsjson', `sovra:rclone-${c.tag}`], c.rcloneEnv);
    check(r.code !== 0 || r.stdout.trim() === '[]', 'bucket gone or empty after purge', r);
  });
}

export async function s3cmdSteps(s: Suite, c: Ctx): Promise<void> {
  const s3 = (...a: string[]) => must('s3cmd', ['-c', c.s3cmdConfig, '--no-progress', ...a], c.awsEnv, 600_000);
  const b = `s3://cmd-${c.tag}`;
  const dir = path.join(c.work, 's3cmd');
  const file = path.join(dir, 'file.bin');
  writeRandomFile(file, 77_777);

  const made = await s.step('s3cmd mb + ls', () => {
    s3('mb', b);
    const r = s3('ls');
    check(r.stdout.includes(b), `s3cmd ls lists ${b}`, r);
  });
  const needs = (name: string, fn: () => unknown) => (made ? s.step(name, fn) : s.blocked(name, 's3cmd mb failed'));

  await needs('s3cmd put, get, ls, info', () => {
    s3('put', '--mime-type=application/x-s3cmd', file, `${b}/one/file.bin`);
    s3('get', '--force', `${b}/one/file.bin`, `${file}.down`);
    sameFile(file, `${file}.down`, 's3cmd download');
    const ls = s3('ls', `${b}/one/`);
    check(/\s77777\s+s3:\/\/.*\/one\/file\.bin/.test(ls.stdout), 's3cmd ls shows the object with its size', ls);
    const info = s3('info', `${b}/one/file.bin`);
    check(/File size:\s*77777/.test(info.stdout), 'info File size', info);
    check(/MIME type:\s*application\/x-s3cmd/.test(info.stdout), 'info MIME type', info);
    const md5 = run('md5sum', [file]).stdout.split(' ')[0] ?? '';
    check(info.stdout.includes(md5), `info MD5 sum ${md5}`, info);
  });

  await needs('s3cmd sync up and down', () => {
    const src = path.join(dir, 'tree'), down = path.join(dir, 'tree-down');
    makeTree(src);
    s3('sync', `${src}/`, `${b}/tree/`);
    s3('sync', `${b}/tree/`, `${down}/`);
    sameTree(src, down, 'tree after s3cmd sync up and down');
  });

  await needs('s3cmd multipart put of 30 MB (--multipart-chunk-size-mb=5)', () => {
    const big = path.join(dir, 'big30.bin');
    writeRandomFile(big, 30 * MiB);
    s3('put', '--multipart-chunk-size-mb=5', big, `${b}/big30.bin`);
    // s3cmd prints no part count without a progress meter: the ETag says how many parts arrived.
    const head = must(c.aws, ['--endpoint-url', c.ep.url, 's3api', 'head-object', '--bucket', b.slice(5), '--key', 'big30.bin'], c.awsEnv);
    check(/-6\\?"/.test(head.stdout), 'object ETag ends in -6 (six 5 MiB parts)', head);
    s3('get', '--force', `${b}/big30.bin`, `${big}.down`);
    sameFile(big, `${big}.down`, 's3cmd multipart object');
    const info = s3('info', `${b}/big30.bin`);
    check(/File size:\s*31457280/.test(info.stdout), 'info File size of the multipart object', info);
    rmSync(`${big}.down`);
  });

  await needs('s3cmd del + rb', () => {
    s3('del', `${b}/one/file.bin`);
    const ls = s3('ls', `${b}/one/`);
    eq(ls.stdout.trim(), '', 'nothing left under one/ after del', ls);
    s3('del', '--recursive', '--force', `${b}/`);
    s3('rb', b);
    const after = s3('ls');
    check(!after.stdout.includes(b), 'bucket gone after rb', after);
  });
}
