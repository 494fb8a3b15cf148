import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ErrorCodes } from '../core/errors.js';
import { S3_ERRORS } from './errors.js';

describe('S3 error table', () => {
  it('maps every domain error code to an S3 code and an HTTP status', () => {
    for (const code of Object.values(ErrorCodes)) {
      const spec = S3_ERRORS[code];
      assert.ok(spec, `${code} has no S3 mapping`);
      assert.match(spec.s3Code, /^[A-Za-z0-9]+$/);
      assert.ok(spec.status >= 300 && spec.status < 600, `${code} has status ${spec.status}`);
    }
  });

  it('documents every code in docs/errors.md', () => {
    const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    for (const code of Object.values(ErrorCodes)) {
      assert.ok(doc.includes(`| \`${code}\` |`), `docs/errors.md lacks a row for ${code}`);
    }
  });
});
