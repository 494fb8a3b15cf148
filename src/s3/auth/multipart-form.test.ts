/** parseMultipartForm over bodies encoded by undici's FormData (what fetch and browsers send). */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { test } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { parseMultipartForm, verifyPostPolicy } from './index.js';
import { CREDS, lookup } from './sigv4-fixtures.js';

interface Encoded {
  body: Buffer;
  contentType: string;
}

async function encode(parts: [string, string | { data: Buffer; filename: string; type: string }][]): Promise<Encoded> {
  const form = new FormData();
  for (const [name, value] of parts) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, new Blob([new Uint8Array(value.data)], { type: value.type }), value.filename);
  }
  const res = new Response(form);
  return { body: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type')! };
}

function pieces(body: Buffer, size: number): Readable {
  const out: Buffer[] = [];
  for (let i = 0; i < body.length; i += size) out.push(body.subarray(i, i + size));
  return Readable.from(out);
}

test('fields before the file are returned, the file streams, later fields are ignored', async () => {
  const data = randomBytes(3 * 1024 * 1024 + 7);
  const { body, contentType } = await encode([
    ['key', 'photos/${filename}'],
    ['Content-Type', 'image/jpeg'],
    ['x-amz-meta-ключ', 'значение'],
    ['file', { data, filename: 'C:\\fakepath\\holiday photo.jpg', type: 'image/jpeg' }],
    ['after', 'ignored'],
  ]);
  for (const size of [body.length, 65536, 1021]) {
    const form = await parseMultipartForm(pieces(body, size), { contentType });
    assert.deepEqual(form.fields, { key: 'photos/${filename}', 'content-type': 'image/jpeg', 'x-amz-meta-ключ': 'значение' });
    assert.equal(form.file.fieldName, 'file');
    assert.equal(form.file.filename, 'holiday photo.jpg');
    assert.equal(form.file.contentType, 'image/jpeg');
    const got = await buffer(form.file.stream);
    assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(data).digest('hex'));
    await form.done;
  }
});

test('a field named __proto__ is plain data', async () => {
  const { body, contentType } = await encode([['__proto__', 'x'], ['file', 'f']]);
  const form = await parseMultipartForm(Readable.from([body]), { contentType });
  assert.ok(Object.hasOwn(form.fields, '__proto__'));
  assert.equal(Object.getPrototypeOf(form.fields), Object.prototype);
  form.file.stream.resume();
  await form.done;
});

test('a "file" part without a filename is still the file', async () => {
  const { body, contentType } = await encode([['key', 'k'], ['File', 'inline content']]);
  const form = await parseMultipartForm(Readable.from([body]), { contentType });
  assert.equal(form.file.fieldName, 'File');
  assert.equal((await buffer(form.file.stream)).toString(), 'inline content');
  await form.done;
});

test('limits on fields before the file: count, total size, single field size', async () => {
  const file = { data: Buffer.from('x'), filename: 'f', type: 'text/plain' };
  const many = await encode([...Array.from({ length: 5 }, (_, i): [string, string] => [`f${i}`, 'v']), ['file', file]]);
  await assert.rejects(parseMultipartForm(Readable.from([many.body]), { contentType: many.contentType, maxFields: 4 }), {
    code: 'MalformedPOSTRequest',
  });
  await parseMultipartForm(Readable.from([many.body]), { contentType: many.contentType, maxFields: 5 }).then((f) => f.file.stream.resume());

  const big = await encode([['a', 'x'.repeat(600)], ['b', 'y'.repeat(600)], ['file', file]]);
  await assert.rejects(parseMultipartForm(Readable.from([big.body]), { contentType: big.contentType, maxFieldsBytes: 1000 }), {
    code: 'MalformedPOSTRequest',
  });
  const huge = await encode([['policy', 'p'.repeat(30 * 1024)], ['file', file]]);
  await assert.rejects(parseMultipartForm(Readable.from([huge.body]), { contentType: huge.contentType }), {
    code: 'MalformedPOSTRequest',
  });
});

test('malformed, truncated, duplicate-field and file-less forms are refused', async () => {
  const noFile = await encode([['key', 'k']]);
  await assert.rejects(parseMultipartForm(Readable.from([noFile.body]), { contentType: noFile.contentType }), {
    code: 'InvalidArgument',
    message: 'POST requires exactly one file upload per request.',
  });
  const dup = await encode([['key', 'a'], ['KEY', 'b'], ['file', 'x']]);
  await assert.rejects(parseMultipartForm(Readable.from([dup.body]), { contentType: dup.contentType }), { code: 'InvalidArgument' });
  await assert.rejects(parseMultipartForm(Readable.from([Buffer.from('a=b')]), { contentType: 'application/x-www-form-urlencoded' }), {
    code: 'MalformedPOSTRequest',
  });
  await assert.rejects(parseMultipartForm(Readable.from([Buffer.from('not a form')]), { contentType: 'multipart/form-data; boundary=zzz' }), {
    code: 'IncompleteBody',
  });
  await assert.rejects(parseMultipartForm(Readable.from([Buffer.from('x')]), { contentType: 'multipart/form-data' }), {
    code: 'MalformedPOSTRequest',
  });

  // Cut inside the file: the file stream fails, and so does `done`.
  const whole = await encode([['key', 'k'], ['file', { data: randomBytes(100_000), filename: 'f', type: 'application/octet-stream' }]]);
  const form = await parseMultipartForm(pieces(whole.body.subarray(0, 50_000), 4096), { contentType: whole.contentType });
  await assert.rejects(buffer(form.file.stream), { code: 'IncompleteBody' });
  await assert.rejects(form.done, { code: 'IncompleteBody' });

  // A body stream that fails mid-way (client gone) fails the file too.
  const failing = new Readable({ read() {} });
  const pending = parseMultipartForm(failing, { contentType: whole.contentType });
  failing.push(whole.body.subarray(0, 1000));
  const started = await pending;
  failing.destroy(new Error('socket hang up'));
  await assert.rejects(buffer(started.file.stream), { code: 'IncompleteBody' });
});

test('end to end: SDK createPresignedPost → browser-style form → parse → verify → size check', async () => {
  const client = new S3Client({ region: 'eu-west-3', credentials: CREDS, endpoint: 'http://127.0.0.1:9', forcePathStyle: true });
  const { fields } = await createPresignedPost(client as unknown as Parameters<typeof createPresignedPost>[0], {
    Bucket: 'uploads',
    Key: 'in/${filename}',
    Conditions: [['content-length-range', 1, 64 * 1024]],
    Expires: 300,
  });
  client.destroy();
  const data = randomBytes(50_000);
  const { body, contentType } = await encode([
    ...Object.entries(fields),
    ['file', { data, filename: 'report.pdf', type: 'application/pdf' }],
  ]);
  const form = await parseMultipartForm(pieces(body, 16384), { contentType });
  const verified = await verifyPostPolicy(form.fields, { lookup, bucket: 'uploads' });
  const received = await buffer(form.file.stream);
  verified.conditions.checkContentLength(received.length);
  await form.done;
  assert.ok(received.equals(data));
  assert.equal(form.fields.key, 'in/${filename}');
});
