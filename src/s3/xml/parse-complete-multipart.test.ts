import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeEtag, parseCompleteMultipartUpload } from './parse-complete-multipart.js';

test('parses the AWS example; ETags quoted or not come back quoted', () => {
  const body = `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
   <Part>
      <PartNumber>1</PartNumber>
      <ETag>"a54357aff0632cce46d942af68356b38"</ETag>
   </Part>
   <Part>
      <ETag>&quot;0c78aef83f66abc1fa1e8477f296d394&quot;</ETag>
      <PartNumber> 2 </PartNumber>
   </Part>
   <Part>
      <PartNumber>3</PartNumber>
      <ETag>acbd18db4cc2f85cedef654fccc4a4d8</ETag>
      <ChecksumCRC32>AAAAAA==</ChecksumCRC32>
      <ChecksumSHA256> c2hh </ChecksumSHA256>
   </Part>
</CompleteMultipartUpload>`;
  assert.deepEqual(parseCompleteMultipartUpload(body), {
    parts: [
      { partNumber: 1, etag: '"a54357aff0632cce46d942af68356b38"' },
      { partNumber: 2, etag: '"0c78aef83f66abc1fa1e8477f296d394"' },
      { partNumber: 3, etag: '"acbd18db4cc2f85cedef654fccc4a4d8"', checksums: { CRC32: 'AAAAAA==', SHA256: 'c2hh' } },
    ],
  });
});

test('normalizeEtag', () => {
  assert.equal(normalizeEtag('abc'), '"abc"');
  assert.equal(normalizeEtag(' "abc-2" '), '"abc-2"');
  assert.equal(normalizeEtag('"'), '"""');
});

test('part numbers must be strictly ascending', () => {
  const body = (nums: number[]) =>
    '<CompleteMultipartUpload>' + nums.map((n) => `<Part><PartNumber>${n}</PartNumber><ETag>e</ETag></Part>`).join('') + '</CompleteMultipartUpload>';
  assert.deepEqual(parseCompleteMultipartUpload(body([1, 3, 7])).parts.map((p) => p.partNumber), [1, 3, 7]);
  assert.throws(() => parseCompleteMultipartUpload(body([2, 1])), { code: 'InvalidPartOrder' });
  assert.throws(() => parseCompleteMultipartUpload(body([1, 1])), { code: 'InvalidPartOrder' });
});

test('part numbers outside 1..10000 are InvalidArgument; non-numbers are MalformedXML', () => {
  const one = (n: string) => `<CompleteMultipartUpload><Part><PartNumber>${n}</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>`;
  assert.equal(parseCompleteMultipartUpload(one('10000')).parts[0]?.partNumber, 10000);
  assert.throws(() => parseCompleteMultipartUpload(one('0')), { code: 'InvalidArgument', details: { ArgumentName: 'PartNumber', ArgumentValue: '0' } });
  assert.throws(() => parseCompleteMultipartUpload(one('10001')), { code: 'InvalidArgument' });
  for (const n of ['', 'one', '1.5', '-1', '1e3', '0x10']) {
    assert.throws(() => parseCompleteMultipartUpload(one(n)), { code: 'MalformedXML' }, n);
  }
});

test('10000 parts parse within the default limit', () => {
  let body = '<CompleteMultipartUpload>\n';
  for (let i = 1; i <= 10000; i++) {
    body += `  <Part>\n    <PartNumber>${i}</PartNumber>\n    <ETag>&quot;d41d8cd98f00b204e9800998ecf8427e&quot;</ETag>\n    <ChecksumSHA256>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</ChecksumSHA256>\n  </Part>\n`;
  }
  body += '</CompleteMultipartUpload>';
  const parts = parseCompleteMultipartUpload(body).parts;
  assert.equal(parts.length, 10000);
  assert.equal(parts[9999]?.partNumber, 10000);
});

test('schema violations are MalformedXML', () => {
  const bad = [
    '<CompleteMultipartUpload/>',
    '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>',
    '<CompleteMultipartUpload><Part><ETag>e</ETag></Part></CompleteMultipartUpload>',
    '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><PartNumber>2</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>',
    '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag><Size>5</Size></Part></CompleteMultipartUpload>',
    '<CompleteMultipartUpload><Parts/></CompleteMultipartUpload>',
    '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>',
  ];
  for (const b of bad) assert.throws(() => parseCompleteMultipartUpload(b), { code: 'MalformedXML' }, b);
});
