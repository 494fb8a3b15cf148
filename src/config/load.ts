/**
 * Parse the configuration once: defaults, then environment, then flags.
 * The result is frozen and passed down as typed slices; nothing reads
 * process.env at import time.
 */
import { readFileSync } from 'node:fs';
import { fail } from '../core/errors.js';
import { CONFIG_FIELDS, type Config, type FieldSpec } from './schema.js';

function convert(spec: FieldSpec, raw: string, source: string): Config[keyof Config] {
  switch (spec.kind) {
    case 'string':
      return raw;
    case 'int': {
      if (!/^\d+$/.test(raw)) throw fail('InvalidArgument', `${source} must be a non-negative integer, got "${raw}"`);
      return Number(raw);
    }
    case 'bool': {
      const v = raw.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw fail('InvalidArgument', `${source} must be true or false, got "${raw}"`);
    }
    case 'list':
      return raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  }
}

/** `args` are the flags after the sub-command, e.g. ['--port', '9001']. */
export function loadConfig(args: readonly string[], env: NodeJS.ProcessEnv): Readonly<Config> {
  const out: Record<string, unknown> = {};
  for (const spec of CONFIG_FIELDS) {
    let value = spec.default(env);
    const fromEnv = env[spec.env];
    const fileVar = spec.secret ? env[`${spec.env}_FILE`] : undefined;
    if (fromEnv !== undefined && fromEnv !== '') value = convert(spec, fromEnv, spec.env);
    else if (fileVar) value = convert(spec, readFileSync(fileVar, 'utf8').trim(), `${spec.env}_FILE`);
    out[spec.key] = value;
  }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const noFlag = flag.startsWith('--no-') ? `--${flag.slice(5)}` : undefined;
    const spec = CONFIG_FIELDS.find((f) => f.flag === flag || (noFlag !== undefined && f.flag === noFlag && f.kind === 'bool'));
    if (!spec) throw fail('InvalidArgument', `Unknown option ${flag}. See --help.`);
    if (spec.kind === 'bool' && inline === undefined) {
      out[spec.key] = noFlag === undefined;
      continue;
    }
    const raw = inline ?? args[++i];
    if (raw === undefined) throw fail('InvalidArgument', `Option ${flag} needs a value.`);
    out[spec.key] = convert(spec, raw, flag);
  }
  const config = out as unknown as Config;
  if ((config.rootAccessKey === undefined) !== (config.rootSecretKey === undefined)) {
    throw fail('InvalidArgument', 'Set both SOVRA_ROOT_ACCESS_KEY and SOVRA_ROOT_SECRET_KEY, or neither.');
  }
  if (config.rootSecretKey !== undefined && config.rootSecretKey.length < 8) {
    throw fail('InvalidArgument', 'SOVRA_ROOT_SECRET_KEY must be at least 8 characters.');
  }
  if (config.port > 65535) throw fail('InvalidArgument', `--port must be at most 65535, got ${config.port}`);
  return Object.freeze({ ...config, domains: Object.freeze([...config.domains]) });
}

export function configHelp(): string {
  const rows = CONFIG_FIELDS.map((f) => {
    const flag = f.kind === 'bool' ? `${f.flag} / --no-${f.flag.slice(2)}` : `${f.flag} <${f.kind === 'int' ? 'n' : 'value'}>`;
    const def = f.default({});
    const shown = Array.isArray(def) ? def.join(',') : def === undefined ? '' : String(def);
    return `  ${flag.padEnd(34)} ${f.doc}\n  ${''.padEnd(34)} env ${f.env}${f.secret ? ` (or ${f.env}_FILE)` : ''}${shown ? `; default ${shown}` : ''}`;
  });
  return rows.join('\n');
}
