/**
 * Wildcards and policy variables, as IAM uses them in Action, Resource and string
 * condition values: `*` matches any run of characters (including '/' and none),
 * `?` exactly one; `${key}` is replaced by the request's value of a condition key,
 * `${key, 'default'}` falls back to a default, and `${*}` `${?}` `${$}` stand for
 * the literal characters. A variable that cannot be resolved makes the element
 * not match (the callers get `undefined`).
 */

/** Resolves a variable name (lower-cased, e.g. 'aws:username') to its value. */
export type Resolver = (name: string) => string | undefined;

const STAR = -1;
const ONE = -2;

/** A compiled pattern: UTF-16 code units, STAR and ONE. */
export type Compiled = readonly number[];

interface Sink {
  literal(text: string): void;
  wildcard(kind: typeof STAR | typeof ONE): void;
}

/**
 * Walks `pattern`, feeding literals and wildcards to `sink`. Variables are expanded
 * only when `resolve` is given (policy version 2012-10-17); wildcards are reported
 * only when `wildcards` is set (else '*' and '?' are literal). False when a variable
 * is malformed or has no value.
 */
function walk(pattern: string, resolve: Resolver | undefined, wildcards: boolean, sink: Sink): boolean {
  let i = 0;
  let run = '';
  const flush = (): void => {
    if (run !== '') sink.literal(run);
    run = '';
  };
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (resolve && c === '$' && pattern[i + 1] === '{') {
      const close = pattern.indexOf('}', i + 2);
      if (close < 0) return false;
      const body = pattern.slice(i + 2, close);
      const value = body === '*' || body === '?' || body === '$' ? body : variable(body, resolve);
      if (value === undefined) return false;
      run += value;
      i = close + 1;
      continue;
    }
    if (wildcards && (c === '*' || c === '?')) {
      flush();
      sink.wildcard(c === '*' ? STAR : ONE);
    } else {
      run += c;
    }
    i++;
  }
  flush();
  return true;
}

/** `name` or `name, 'default'` (a quote inside the default is written twice). */
function variable(body: string, resolve: Resolver): string | undefined {
  const comma = body.indexOf(',');
  const name = (comma < 0 ? body : body.slice(0, comma)).trim().toLowerCase();
  if (!/^[a-z0-9:_\/.-]+$/.test(name)) return undefined;
  const value = resolve(name);
  if (value !== undefined || comma < 0) return value;
  const def = body.slice(comma + 1).trim();
  if (def.length < 2 || !def.startsWith("'") || !def.endsWith("'")) return undefined;
  const inner = def.slice(1, -1);
  if (/'(?!')/.test(inner.replace(/''/g, ''))) return undefined;
  return inner.replace(/''/g, "'");
}

/** Compiles a wildcard pattern; undefined when a variable cannot be resolved. */
export function compile(pattern: string, resolve?: Resolver): Compiled | undefined {
  const out: number[] = [];
  const ok = walk(pattern, resolve, true, {
    literal(text) {
      for (let i = 0; i < text.length; i++) out.push(text.charCodeAt(i));
    },
    wildcard(kind) {
      // Runs of '*' are one '*'; keeps the matcher's backtracking linear.
      if (kind === STAR && out[out.length - 1] === STAR) return;
      out.push(kind);
    },
  });
  return ok ? out : undefined;
}

/** Expands variables and escapes, leaving '*' and '?' literal (for StringEquals and friends). */
export function substitute(value: string, resolve?: Resolver): string | undefined {
  let out = '';
  const ok = walk(value, resolve, false, {
    literal(text) {
      out += text;
    },
    wildcard() {
      /* not reported when wildcards are off */
    },
  });
  return ok ? out : undefined;
}

/** Whether `value` matches the compiled pattern as a whole. */
export function matches(p: Compiled, value: string): boolean {
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < value.length) {
    if (pi < p.length) {
      const u = p[pi];
      if (u === STAR) {
        starP = pi++;
        starS = si;
        continue;
      }
      if (u === ONE || u === value.charCodeAt(si)) {
        pi++;
        si++;
        continue;
      }
    }
    if (starP < 0) return false;
    // Let the last '*' swallow one more character and retry from there.
    pi = starP + 1;
    si = ++starS;
  }
  while (pi < p.length && p[pi] === STAR) pi++;
  return pi === p.length;
}

/** Whether some string starting with `prefix` matches the compiled pattern. */
export function canMatchPrefix(p: Compiled, prefix: string): boolean {
  let states = closure(p, new Set([0]));
  for (let si = 0; si < prefix.length && states.size > 0; si++) {
    const c = prefix.charCodeAt(si);
    const next = new Set<number>();
    for (const pi of states) {
      const u = p[pi];
      if (u === STAR) next.add(pi);
      else if (u !== undefined && (u === ONE || u === c)) next.add(pi + 1);
    }
    states = closure(p, next);
  }
  return states.size > 0;
}

function closure(p: Compiled, states: Set<number>): Set<number> {
  for (const pi of states) if (p[pi] === STAR) states.add(pi + 1);
  return states;
}

/** One-shot match of a pattern (wildcards, no variables) against a value. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const p = compile(ignoreCase ? pattern.toLowerCase() : pattern);
  return p !== undefined && matches(p, ignoreCase ? value.toLowerCase() : value);
}
