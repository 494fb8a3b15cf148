import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderVersioningConfiguration } from './render-config.js';
import { parseVersioningConfiguration } from './parse-versioning.js';

test('Enabled and Suspended, with or without namespace and whitespace', () => {
  assert.deepEqual(
    parseVersioningConfiguration('<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>'),
    { status: 'Enabled' },
  );
  assert.deepEqual(parseVersioningConfiguration('<VersioningConfiguration>\n  <Status>\n    Suspended\n  </Status>\n</VersioningConfiguration>'), {
    status: 'Suspended',
  });
});

test('round trip through the renderer', () => {
  for (const status of ['Enabled', 'Suspended'] as const) {
    assert.deepEqual(parseVersioningConfiguration(renderVersioningConfiguration({ status })), { status });
  }
  assert.deepEqual(parseVersioningConfiguration(renderVersioningConfiguration({})), {});
});

test('MfaDelete Disabled is ignored; Enabled is NotImplemented', () => {
  assert.deepEqual(
    parseVersioningConfiguration('<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>'),
    { status: 'Enabled' },
  );
  assert.throws(
    () => parseVersioningConfiguration('<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>'),
    { code: 'NotImplemented' },
  );
});

test('bad values and shapes are MalformedXML', () => {
  const bad = [
    '<VersioningConfiguration><Status>enabled</Status></VersioningConfiguration>',
    '<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>',
    '<VersioningConfiguration><Status>Enabled</Status><Status>Enabled</Status></VersioningConfiguration>',
    '<VersioningConfiguration><MfaDelete>Maybe</MfaDelete></VersioningConfiguration>',
    '<VersioningConfiguration><Other/></VersioningConfiguration>',
    '<Versioning><Status>Enabled</Status></Versioning>',
    '',
  ];
  for (const b of bad) assert.throws(() => parseVersioningConfiguration(b), { code: 'MalformedXML' }, b);
});
