import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { nonFiniteAsStrings, quoteNonFinite, quoteNonFiniteInFile } from './json-nonfinite.js';

describe('analytics: non-finite numbers in JSON lines', () => {
  it('quotes bare NaN, Infinity and -Infinity, in objects and lists, and leaves strings alone', () => {
    const line = '{"a":NaN,"b":Infinity,"c":-Infinity,"d":1.5,"l":[1.0,NaN,-Infinity],"s":"NaN or \\"Infinity\\" -Infinity","NaN":2}';
    const out = quoteNonFinite(line);
    assert.equal(out, '{"a":"NaN","b":"Infinity","c":"-Infinity","d":1.5,"l":[1.0,"NaN","-Infinity"],"s":"NaN or \\"Infinity\\" -Infinity","NaN":2}');
    assert.deepEqual(JSON.parse(out).l, [1, 'NaN', '-Infinity']);
    assert.equal(quoteNonFinite('{"x":1}'), '{"x":1}');
  });

  it('streams: lines split anywhere across chunks, multi-byte characters included', async () => {
    const input = '{"é":NaN,"k":"ü"}\n{"v":-Infinity}\n{"w":[Infinity]}';
    const bytes = Buffer.from(input);
    const chunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    const out = await text(Readable.from(chunks).pipe(nonFiniteAsStrings()));
    assert.deepEqual(out.split('\n').map((l) => JSON.parse(l)), [{ é: 'NaN', k: 'ü' }, { v: '-Infinity' }, { w: ['Infinity'] }]);
  });

  it('rewrites a result file in place only when it needs it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sovra-nonfinite-'));
    try {
      const plain = join(dir, 'plain.json');
      await writeFile(plain, '{"a":1}\n');
      await quoteNonFiniteInFile(plain);
      assert.equal(await readFile(plain, 'utf8'), '{"a":1}\n');
      const odd = join(dir, 'odd.json');
      await writeFile(odd, '{"a":NaN}\n{"a":2}\n');
      await quoteNonFiniteInFile(odd);
      assert.equal(await readFile(odd, 'utf8'), '{"a":"NaN"}\n{"a":2}\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
