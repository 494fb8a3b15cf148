import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeXml } from './escape.js';
import { parseDelete } from './parse-delete.js';

test('parses the AWS example, with declaration and namespace', () => {
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Quiet>true</Quiet>
  <Object>
    <Key>sample1.txt</Key>
  </Object>
  <Object>
    <Key>sample2.txt</Key>
    <VersionId>OYcLXagmS.WaD..oyH4KRguB95_YhLs7</VersionId>
  </Object>
</Delete>`;
  assert.deepEqual(parseDelete(body), {
    quiet: true,
    objects: [{ key: 'sample1.txt' }, { key: 'sample2.txt', versionId: 'OYcLXagmS.WaD..oyH4KRguB95_YhLs7' }],
  });
});

test('Quiet defaults to false and accepts true/false/1/0', () => {
  assert.equal(parseDelete('<Delete><Object><Key>k</Key></Object></Delete>').quiet, false);
  assert.equal(parseDelete('<Delete><Quiet> False </Quiet><Object><Key>k</Key></Object></Delete>').quiet, false);
  assert.equal(parseDelete('<Delete><Quiet>1</Quiet><Object><Key>k</Key></Object></Delete>').quiet, true);
  assert.throws(() => parseDelete('<Delete><Quiet>yes</Quiet><Object><Key>k</Key></Object></Delete>'), { code: 'MalformedXML' });
});

test('keys are preserved exactly: whitespace, lookalike numbers, entities, CR', () => {
  const body =
    '<Delete>' +
    '<Object><Key> leading and trailing </Key></Object>' +
    '<Object><Key>0123</Key></Object>' +
    '<Object><Key>true</Key></Object>' +
    '<Object><Key>1e5</Key></Object>' +
    '<Object><Key>a&#13;b</Key></Object>' +
    '<Object><Key>tab\there\nnewline</Key></Object>' +
    '<Object><Key>&lt;x&gt; &amp; &quot;y&quot; &apos;z&apos;</Key></Object>' +
    '<Object><Key><![CDATA[<raw & stuff>]]></Key></Object>' +
    '<Object><Key>ünïcødé/😀</Key></Object>' +
    '</Delete>';
  assert.deepEqual(
    parseDelete(body).objects.map((o) => o.key),
    [' leading and trailing ', '0123', 'true', '1e5', 'a\rb', 'tab\there\nnewline', '<x> & "y" \'z\'', '<raw & stuff>', 'ünïcødé/😀'],
  );
});

test('round trip: every key escaped with escapeXml parses back unchanged', () => {
  const keys = [' a ', 'x\r\ny', '&amp;', '"q"', "'", 'a\u0001b\u001Fc', '\u0085', '0', '', '/', 'a/b/c.txt'];
  const body = '<Delete>' + keys.map((k) => `<Object><Key>${escapeXml(k)}</Key></Object>`).join('') + '</Delete>';
  assert.deepEqual(parseDelete(body).objects.map((o) => o.key), keys);
});

test('conditional-delete fields are parsed', () => {
  const body =
    '<Delete><Object><Key>k</Key><ETag>"abc"</ETag><LastModifiedTime>2024-01-02T03:04:05.000Z</LastModifiedTime><Size>42</Size></Object></Delete>';
  assert.deepEqual(parseDelete(body).objects[0], {
    key: 'k',
    etag: '"abc"',
    lastModifiedTime: new Date('2024-01-02T03:04:05.000Z'),
    size: 42,
  });
  assert.throws(() => parseDelete('<Delete><Object><Key>k</Key><Size>-1</Size></Object></Delete>'), { code: 'MalformedXML' });
  assert.throws(() => parseDelete('<Delete><Object><Key>k</Key><LastModifiedTime>soon</LastModifiedTime></Object></Delete>'), {
    code: 'MalformedXML',
  });
});

test('1000 objects are fine; 1001 is MalformedXML', () => {
  const body = (n: number) => '<Delete>' + '<Object><Key>k</Key></Object>'.repeat(n) + '</Delete>';
  assert.equal(parseDelete(body(1000)).objects.length, 1000);
  assert.throws(() => parseDelete(body(1001)), { code: 'MalformedXML', message: /at most 1000 <Object>/ });
});

test('1000 maximum-length keys fit in the default body limit', () => {
  const key = 'k'.repeat(1024);
  const body = '<Delete>' + `<Object><Key>${key}</Key><VersionId>3sL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY</VersionId></Object>`.repeat(1000) + '</Delete>';
  assert.equal(parseDelete(body).objects.length, 1000);
  assert.throws(() => parseDelete(body, { maxBytes: 1 << 20 }), { code: 'MalformedXML', message: /allowed/ });
});

test('schema violations are MalformedXML', () => {
  const bad = [
    '<Delete></Delete>',
    '<Delete><Quiet>true</Quiet></Delete>',
    '<Delete><Object></Object></Delete>',
    '<Delete><Object><VersionId>v</VersionId></Object></Delete>',
    '<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>',
    '<Delete><Object><Key>a</Key><Unknown/></Object></Delete>',
    '<Delete><Object><Key>a<B/></Key></Object></Delete>',
    '<Delete><Object><Key>a</Key></Object><Extra/></Delete>',
    '<Delete>text<Object><Key>a</Key></Object></Delete>',
    '<Delete>\u00A0<Object><Key>a</Key></Object></Delete>',
    '<Delete><Quiet>true</Quiet><Quiet>true</Quiet><Object><Key>a</Key></Object></Delete>',
    '<Objects><Object><Key>a</Key></Object></Objects>',
  ];
  for (const b of bad) assert.throws(() => parseDelete(b), { code: 'MalformedXML' }, b);
});

test('an empty Key is passed through for the handler to report per key', () => {
  assert.deepEqual(parseDelete('<Delete><Object><Key></Key></Object><Object><Key/></Object></Delete>').objects, [{ key: '' }, { key: '' }]);
});
