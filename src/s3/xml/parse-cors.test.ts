import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderCorsConfiguration } from './render-config.js';
import { parseCorsConfiguration } from './parse-cors.js';

const rule = (inner: string) => `<CORSConfiguration><CORSRule>${inner}</CORSRule></CORSConfiguration>`;

test('parses the AWS example', () => {
  const body = `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
 <CORSRule>
   <ID>rule1</ID>
   <AllowedOrigin>http://www.example1.com</AllowedOrigin>
   <AllowedMethod>PUT</AllowedMethod>
   <AllowedMethod>POST</AllowedMethod>
   <AllowedMethod>DELETE</AllowedMethod>
   <AllowedHeader>*</AllowedHeader>
   <ExposeHeader>x-amz-server-side-encryption</ExposeHeader>
   <MaxAgeSeconds>3000</MaxAgeSeconds>
 </CORSRule>
 <CORSRule>
   <AllowedOrigin>*</AllowedOrigin>
   <AllowedMethod>GET</AllowedMethod>
 </CORSRule>
</CORSConfiguration>`;
  assert.deepEqual(parseCorsConfiguration(body), {
    rules: [
      {
        id: 'rule1',
        allowedOrigins: ['http://www.example1.com'],
        allowedMethods: ['PUT', 'POST', 'DELETE'],
        allowedHeaders: ['*'],
        exposeHeaders: ['x-amz-server-side-encryption'],
        maxAgeSeconds: 3000,
      },
      { allowedOrigins: ['*'], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: [] },
    ],
  });
});

test('round trip through the renderer', () => {
  const config = {
    rules: [
      {
        id: 'r',
        allowedOrigins: ['https://*.example.com', 'http://localhost:3000'],
        allowedMethods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'],
        allowedHeaders: ['x-amz-*', 'content-type'],
        exposeHeaders: ['ETag', 'x-amz-version-id'],
        maxAgeSeconds: 0,
      },
    ],
  };
  assert.deepEqual(parseCorsConfiguration(renderCorsConfiguration(config)), config);
});

test('only GET PUT POST DELETE HEAD are allowed methods (InvalidRequest)', () => {
  for (const m of ['PATCH', 'OPTIONS', 'get', '*']) {
    assert.throws(() => parseCorsConfiguration(rule(`<AllowedOrigin>*</AllowedOrigin><AllowedMethod>${m}</AllowedMethod>`)), {
      code: 'InvalidRequest',
      message: new RegExp(`Unsupported method is \\${m[0]}`),
    });
  }
});

test('at most one wildcard per origin and per allowed header', () => {
  assert.throws(() => parseCorsConfiguration(rule('<AllowedOrigin>http://*.*.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod>')), {
    code: 'InvalidRequest',
    message: /can not have more than one wildcard/,
  });
  assert.throws(
    () => parseCorsConfiguration(rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>x-*-*</AllowedHeader>')),
    { code: 'InvalidRequest' },
  );
});

test('1 to 100 rules', () => {
  const one = '<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>';
  assert.equal(parseCorsConfiguration(`<CORSConfiguration>${one.repeat(100)}</CORSConfiguration>`).rules.length, 100);
  assert.throws(() => parseCorsConfiguration(`<CORSConfiguration>${one.repeat(101)}</CORSConfiguration>`), {
    code: 'MalformedXML',
    message: /at most 100/,
  });
  assert.throws(() => parseCorsConfiguration('<CORSConfiguration/>'), { code: 'MalformedXML' });
});

test('schema violations are MalformedXML', () => {
  const bad = [
    rule('<AllowedMethod>GET</AllowedMethod>'),
    rule('<AllowedOrigin>*</AllowedOrigin>'),
    rule('<AllowedOrigin> </AllowedOrigin><AllowedMethod>GET</AllowedMethod>'),
    rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>-1</MaxAgeSeconds>'),
    rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>1</MaxAgeSeconds><MaxAgeSeconds>2</MaxAgeSeconds>'),
    rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><ID>' + 'x'.repeat(256) + '</ID>'),
    rule('<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><Unknown/>'),
    '<CORSConfiguration><Rule/></CORSConfiguration>',
  ];
  for (const b of bad) assert.throws(() => parseCorsConfiguration(b), { code: 'MalformedXML' }, b);
});
