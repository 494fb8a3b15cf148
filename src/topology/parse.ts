/**
 * Reading a topology file: the text → plain-object step (JSON or YAML) is kept tiny, and
 * everything about what a valid topology is lives in validate.ts.
 *
 * YAML comes from the `yaml` package (eemeli/yaml, YAML 1.2: `NO` stays the string Norway
 * code, not `false`), loaded only when a YAML file is read: the demo topology and JSON files
 * do not need it, and the server's cluster primary stays small.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { TopologyError } from './error.js';
import type { Topology } from './types.js';
import { validateTopology } from './validate.js';

export type TopologyFormat = 'json' | 'yaml';

function formatOfPath(path: string): TopologyFormat | undefined {
  const ext = extname(path).toLowerCase();
  return ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : undefined;
}

/** JSON documents start with `{` (or `[`); anything else is read as YAML. */
function sniff(text: string): TopologyFormat {
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const pos = /at position (\d+)/.exec(message);
    const where = pos ? ` (${lineAndColumn(text, Number(pos[1]))})` : '';
    throw new TopologyError(source, [`${source}: invalid JSON${where}: ${message}`]);
  }
}

type ParseYaml = (text: string, options?: Record<string, unknown>) => unknown;
let parseYamlText: ParseYaml | undefined;

function parseYaml(text: string, source: string): unknown {
  parseYamlText ??= (createRequire(import.meta.url)('yaml') as { parse: ParseYaml }).parse;
  try {
    // uniqueKeys: a key given twice is an error, not a silent override.
    return parseYamlText(text, { uniqueKeys: true, logLevel: 'error', prettyErrors: true, maxAliasCount: 100 });
  } catch (e) {
    const first = ((e as Error).message ?? String(e)).split('\n')[0];
    throw new TopologyError(source, [`${source}: invalid YAML: ${first}`]);
  }
}

export function parseTopology(text: string, opts: { source: string; format?: TopologyFormat }): Topology {
  const body = text.replace(/^\uFEFF/, '');
  const format = opts.format ?? sniff(body);
  const doc = format === 'json' ? parseJson(body, opts.source) : parseYaml(body, opts.source);
  return validateTopology(doc, opts.source);
}

/** Format from the extension (.json, .yaml, .yml), else sniffed from the content. */
export function loadTopologyFile(path: string): Topology {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const reason = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.code === 'EACCES' ? 'permission denied' : err.message;
    throw new TopologyError(path, [`${path}: cannot read the topology file: ${reason}`]);
  }
  const format = formatOfPath(path);
  return parseTopology(text, format === undefined ? { source: path } : { source: path, format });
}
