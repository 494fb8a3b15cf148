import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderCorsConfiguration, renderTagging, renderVersioningConfiguration } from './render-config.js';

test('Tagging', () => {
  assert.equal(
    renderTagging({ tags: [{ key: 'env', value: 'prod' }, { key: 'owner', value: 'a&b' }, { key: 'empty', value: '' }] }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>' +
      '<Tag><Key>env</Key><Value>prod</Value></Tag>' +
      '<Tag><Key>owner</Key><Value>a&amp;b</Value></Tag>' +
      '<Tag><Key>empty</Key><Value></Value></Tag>' +
      '</TagSet></Tagging>',
  );
});

test('Tagging with no tags keeps the TagSet', () => {
  assert.equal(
    renderTagging({ tags: [] }),
    '<?xml version="1.0" encoding="UTF-8"?>\n<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet></TagSet></Tagging>',
  );
});

test('VersioningConfiguration: Status omitted when never set', () => {
  assert.equal(
    renderVersioningConfiguration({}),
    '<?xml version="1.0" encoding="UTF-8"?>\n<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>',
  );
  assert.equal(
    renderVersioningConfiguration({ status: 'Enabled' }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>',
  );
  assert.equal(
    renderVersioningConfiguration({ status: 'Suspended' }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Suspended</Status></VersioningConfiguration>',
  );
});

test('CORSConfiguration', () => {
  assert.equal(
    renderCorsConfiguration({
      rules: [
        {
          id: 'rule-1',
          allowedOrigins: ['http://www.example.com'],
          allowedMethods: ['PUT', 'POST', 'DELETE'],
          allowedHeaders: ['*'],
          exposeHeaders: ['x-amz-server-side-encryption', 'ETag'],
          maxAgeSeconds: 3000,
        },
        { allowedOrigins: ['*'], allowedMethods: ['GET'], allowedHeaders: [], exposeHeaders: [] },
      ],
    }),
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<CORSRule><ID>rule-1</ID><AllowedHeader>*</AllowedHeader>' +
      '<AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod><AllowedMethod>DELETE</AllowedMethod>' +
      '<AllowedOrigin>http://www.example.com</AllowedOrigin>' +
      '<ExposeHeader>x-amz-server-side-encryption</ExposeHeader><ExposeHeader>ETag</ExposeHeader>' +
      '<MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>' +
      '<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule>' +
      '</CORSConfiguration>',
  );
});
