/**
 * DuckDB's JSON writer puts a non-finite DOUBLE or FLOAT as a bare NaN, Infinity or
 * -Infinity, which is not JSON: a client's JSON.parse fails on the whole row. This rewrites
 * them, outside strings, as the strings "NaN", "Infinity" and "-Infinity" (the convention of
 * protobuf's JSON mapping and BigQuery's exports), so every line parses and no value is lost.
 * Works line by line: a JSON-lines row is one line (a newline inside a string is escaped).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';

const NON_FINITE = /NaN|Infinity/;

/** One JSON line with its bare non-finite numbers quoted; returned as is when it has none. */
export function quoteNonFinite(line: string): string {
  if (!NON_FINITE.test(line)) return line;
  let out = '';
  let from = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    let token: string | undefined;
    if (line.startsWith('NaN', i)) token = 'NaN';
    else if (line.startsWith('Infinity', i)) token = 'Infinity';
    else if (line.startsWith('-Infinity', i)) token = '-Infinity';
    if (token === undefined) continue;
    out += `${line.slice(from, i)}"${token}"`;
    i += token.length - 1;
    from = i + 1;
  }
  return out + line.slice(from);
}

/** A stream of JSON lines with the rewrite applied to each. */
export function nonFiniteAsStrings(): Transform {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      const text = carry + decoder.write(chunk);
      const end = text.lastIndexOf('\n') + 1;
      carry = text.slice(end);
      done(null, end === 0 ? undefined : rewrite(text.slice(0, end)));
    },
    flush(done: TransformCallback) {
      const rest = carry + decoder.end();
      done(null, rest === '' ? undefined : quoteNonFinite(rest));
    },
  });
}

function rewrite(lines: string): string {
  if (!NON_FINITE.test(lines)) return lines;
  return lines.split('\n').map(quoteNonFinite).join('\n');
}

/** Whether the file holds "NaN" or "Infinity" anywhere (in a string or not): a quick byte scan. */
async function mentionsNonFinite(file: string): Promise<boolean> {
  let tail: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(file)) {
    // A word may straddle two chunks: keep the last few bytes of each.
    const b = tail.length ? Buffer.concat([tail, chunk as Buffer]) : (chunk as Buffer);
    if (b.includes('NaN') || b.includes('Infinity')) return true;
    tail = b.subarray(Math.max(0, b.length - 8));
  }
  return false;
}

/** Rewrites a JSON-lines result file in place when it has bare non-finite numbers; most have none and are only read. */
export async function quoteNonFiniteInFile(file: string): Promise<void> {
  if (!(await mentionsNonFinite(file))) return;
  const next = `${file}.quoted`;
  await pipeline(createReadStream(file), nonFiniteAsStrings(), createWriteStream(next, { flags: 'wx' }));
  await rename(next, file);
}
