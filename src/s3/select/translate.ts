/**
 * S3 Select AST → one DuckDB query over the object. The object's columns (as
 * DuckDB reads them: `DESCRIBE` of source.ts's relation) resolve references
 * the way S3 does: `_N` by position (CSV), unquoted names case-insensitively,
 * quoted names exactly. CSV fields are strings, as in S3; where S3 compares or
 * adds a field to a number, the field is converted (TRY_CAST: a value that is
 * not a number matches nothing rather than failing the scan).
 */
import { fail } from '../../core/errors.js';
import type { InputFormat } from './request.js';
import { AGGREGATES, type CastType, type Expr, type PathStep, type SelectQuery } from './sql.js';

export interface Column {
  name: string;
  /** DuckDB's type name, e.g. VARCHAR, BIGINT, STRUCT(a INTEGER). */
  type: string;
}

export interface Translation {
  /** Selects one column per output field, named c1..cN. */
  sql: string;
  /** The field names S3 gives the output (JSON keys). */
  names: string[];
}

type Kind = 'num' | 'str' | 'bool' | 'other';

export const quoteIdent = (s: string): string => `"${s.replaceAll('"', '""')}"`;
export const quoteString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)\b/;

function kindOfType(type: string): Kind {
  if (NUMERIC_TYPE.test(type)) return 'num';
  if (type === 'VARCHAR') return 'str';
  if (type === 'BOOLEAN') return 'bool';
  return 'other';
}

const CASTS: Record<CastType, string> = {
  BOOL: 'BOOLEAN', INT: 'BIGINT', FLOAT: 'DOUBLE', DECIMAL: 'DOUBLE', STRING: 'VARCHAR', TIMESTAMP: 'TIMESTAMP',
};

interface Typed {
  sql: string;
  kind: Kind;
  agg: boolean;
  /** The S3 output name of a bare reference. */
  name?: string;
}

const ALIAS = '"s"';

class Translator {
  constructor(
    private readonly input: InputFormat,
    private readonly columns: readonly Column[],
    private readonly userAlias: string | undefined,
  ) {}

  private positional(): boolean {
    return this.input.format === 'CSV';
  }

  /** A CSV field is never NULL in S3: an empty or absent field is the empty string. */
  private field(col: Column): string {
    const sql = `${ALIAS}.${quoteIdent(col.name)}`;
    return this.input.format === 'CSV' ? `coalesce(${sql}, '')` : sql;
  }

  private resolveColumn(step: { name: string; quoted: boolean }): { sql: string; kind: Kind; name: string } | undefined {
    const pos = /^_([0-9]+)$/.exec(step.name);
    const exact = this.columns.filter((c) => c.name === step.name);
    if (pos && this.positional() && exact.length === 0) {
      const n = Number(pos[1]);
      const col = this.columns[n - 1];
      if (n < 1 || col === undefined) throw fail('InvalidColumnIndex', `The column index in the SQL expression is not valid: ${step.name}`);
      return { sql: this.field(col), kind: kindOfType(col.type), name: step.name };
    }
    if (this.input.format === 'CSV' && this.input.fileHeaderInfo !== 'USE') {
      throw fail('EvaluatorBindingDoesNotExist', `Column ${step.name} does not exist: without FileHeaderInfo USE, columns are named by position (_1, _2, ...)`);
    }
    const matches = step.quoted ? exact : this.columns.filter((c) => c.name.toLowerCase() === step.name.toLowerCase());
    if (matches.length > 1) throw fail('AmbiguousFieldName', `The field name ${step.name} matches more than one field in the object`);
    const col = matches[0];
    if (col === undefined) return undefined;
    return { sql: this.field(col), kind: kindOfType(col.type), name: col.name };
  }

  private ref(path: readonly PathStep[]): Typed {
    let steps = path;
    const first = steps[0];
    // s.col / S3Object.col: the first step names the record itself.
    if (steps.length > 1 && first !== undefined && 'name' in first) {
      const isAlias = this.userAlias !== undefined
        ? first.name.toLowerCase() === this.userAlias.toLowerCase()
        : first.name.toLowerCase() === 's3object';
      if (isAlias) steps = steps.slice(1);
    }
    const head = steps[0]!;
    if ('wildcard' in head) throw fail('ParseInvalidContextForWildcardInSelectList', 'The use of * in the SELECT list in the SQL expression is not valid');
    if ('index' in head) throw fail('ParseInvalidPathComponent', 'A path must start with a field name, not an index');
    const col = this.resolveColumn(head);
    if (col === undefined) {
      // A JSON record without the field: S3's MISSING, which Sovra reads as NULL.
      if (this.input.format === 'JSON') return { sql: 'NULL', kind: 'other', agg: false, name: head.name };
      throw fail('EvaluatorBindingDoesNotExist', `A column name or a path provided does not exist in the SQL expression: ${head.name}`);
    }
    let sql = col.sql;
    let kind = col.kind;
    let name: string | undefined = col.name;
    for (const step of steps.slice(1)) {
      kind = 'other';
      if ('wildcard' in step) throw fail('ParseInvalidPathComponent', 'A wildcard path step is only allowed in the FROM clause');
      if ('index' in step) {
        sql = `${sql}[${step.index + 1}]`;
        name = undefined;
      } else {
        sql = `${sql}.${quoteIdent(step.name)}`;
        name = step.name;
      }
    }
    return name === undefined ? { sql, kind, agg: false } : { sql, kind, agg: false, name };
  }

  /** A CSV string used where S3 wants a number. */
  private numeric(t: Typed): string {
    return t.kind === 'str' ? `TRY_CAST(${t.sql} AS DOUBLE)` : t.sql;
  }

  private noAgg(t: Typed, where: string): Typed {
    if (t.agg) throw fail('UnsupportedSqlOperation', `Aggregate functions are not allowed ${where}`);
    return t;
  }

  expr(e: Expr, inAgg = false): Typed {
    const sub = (x: Expr) => this.expr(x, inAgg);
    switch (e.k) {
      case 'num':
        return { sql: e.text, kind: 'num', agg: false };
      case 'str':
        return { sql: quoteString(e.value), kind: 'str', agg: false };
      case 'bool':
        return { sql: e.value ? 'TRUE' : 'FALSE', kind: 'bool', agg: false };
      case 'null':
        return { sql: 'NULL', kind: 'other', agg: false };
      case 'ref':
        return this.ref(e.path);
      case 'neg': {
        const a = sub(e.e);
        return { sql: `(- ${this.numeric(a)})`, kind: 'num', agg: a.agg };
      }
      case 'not': {
        const a = sub(e.e);
        return { sql: `(NOT ${a.sql})`, kind: 'bool', agg: a.agg };
      }
      case 'bin': {
        const l = sub(e.l);
        const r = sub(e.r);
        const agg = l.agg || r.agg;
        if (e.op === 'AND' || e.op === 'OR') return { sql: `(${l.sql} ${e.op} ${r.sql})`, kind: 'bool', agg };
        if (e.op === '||') return { sql: `(CAST(${l.sql} AS VARCHAR) || CAST(${r.sql} AS VARCHAR))`, kind: 'str', agg };
        if (e.op === '+' || e.op === '-' || e.op === '*' || e.op === '/' || e.op === '%') {
          return { sql: `(${this.numeric(l)} ${e.op} ${this.numeric(r)})`, kind: 'num', agg };
        }
        const numericSide = l.kind === 'num' || r.kind === 'num';
        const ls = numericSide ? this.numeric(l) : l.sql;
        const rs = numericSide ? this.numeric(r) : r.sql;
        return { sql: `(${ls} ${e.op === '!=' ? '<>' : e.op} ${rs})`, kind: 'bool', agg };
      }
      case 'like': {
        const a = sub(e.e);
        const p = sub(e.pattern);
        let sql = `(CAST(${a.sql} AS VARCHAR) ${e.not ? 'NOT ' : ''}LIKE ${p.sql}`;
        if (e.escape) {
          if (e.escape.k !== 'str' || [...e.escape.value].length !== 1) {
            throw fail('EvaluatorLikePatternInvalidEscapeSequence', 'The ESCAPE of a LIKE must be a single-character string');
          }
          sql += ` ESCAPE ${quoteString(e.escape.value)}`;
        }
        return { sql: `${sql})`, kind: 'bool', agg: a.agg || p.agg };
      }
      case 'between': {
        const a = sub(e.e);
        const lo = sub(e.lo);
        const hi = sub(e.hi);
        const n = a.kind === 'num' || lo.kind === 'num' || hi.kind === 'num';
        const f = (t: Typed) => (n ? this.numeric(t) : t.sql);
        return { sql: `(${f(a)} ${e.not ? 'NOT ' : ''}BETWEEN ${f(lo)} AND ${f(hi)})`, kind: 'bool', agg: a.agg || lo.agg || hi.agg };
      }
      case 'in': {
        const a = sub(e.e);
        const list = e.list.map(sub);
        const n = a.kind === 'num' || list.some((t) => t.kind === 'num');
        const f = (t: Typed) => (n ? this.numeric(t) : t.sql);
        return { sql: `(${f(a)} ${e.not ? 'NOT ' : ''}IN (${list.map(f).join(', ')}))`, kind: 'bool', agg: a.agg || list.some((t) => t.agg) };
      }
      case 'isnull': {
        const a = sub(e.e);
        return { sql: `(${a.sql} IS ${e.not ? 'NOT ' : ''}NULL)`, kind: 'bool', agg: a.agg };
      }
      case 'cast': {
        const a = sub(e.e);
        const target = CASTS[e.type];
        return { sql: `CAST(${a.sql} AS ${target})`, kind: e.type === 'STRING' ? 'str' : e.type === 'BOOL' ? 'bool' : e.type === 'TIMESTAMP' ? 'other' : 'num', agg: a.agg };
      }
      case 'trim': {
        const a = sub(e.e);
        const fn = e.where === 'LEADING' ? 'ltrim' : e.where === 'TRAILING' ? 'rtrim' : 'trim';
        const chars = e.chars ? `, ${sub(e.chars).sql}` : '';
        return { sql: `${fn}(CAST(${a.sql} AS VARCHAR)${chars})`, kind: 'str', agg: a.agg };
      }
      case 'call':
        return this.call(e.name, e.args, e.star, inAgg);
    }
  }

  private call(name: string, args: readonly Expr[], star: boolean, inAgg: boolean): Typed {
    if (AGGREGATES.has(name)) {
      if (inAgg) throw fail('UnsupportedSqlOperation', 'Aggregate functions cannot be nested');
      if (star) return { sql: 'count(*)', kind: 'num', agg: true };
      const a = this.expr(args[0]!, true);
      if (name === 'COUNT') return { sql: `count(${a.sql})`, kind: 'num', agg: true };
      if (name === 'SUM' || name === 'AVG') return { sql: `${name.toLowerCase()}(${this.numeric(a)})`, kind: 'num', agg: true };
      return { sql: `${name.toLowerCase()}(${a.sql})`, kind: a.kind, agg: true };
    }
    const t = args.map((x) => this.expr(x, inAgg));
    const agg = t.some((x) => x.agg);
    const str = (x: Typed) => `CAST(${x.sql} AS VARCHAR)`;
    switch (name) {
      case 'LOWER':
      case 'UPPER':
        return { sql: `${name.toLowerCase()}(${str(t[0]!)})`, kind: 'str', agg };
      case 'CHAR_LENGTH':
      case 'CHARACTER_LENGTH':
        return { sql: `length(${str(t[0]!)})`, kind: 'num', agg };
      case 'SUBSTRING': {
        const from = this.numeric(t[1]!);
        const rest = t[2] ? `, CAST(${this.numeric(t[2])} AS BIGINT)` : '';
        // S3 counts from 1 like SQL; a start before 1 shortens a FOR length the same way.
        return { sql: `substring(${str(t[0]!)}, CAST(${from} AS BIGINT)${rest})`, kind: 'str', agg };
      }
      case 'COALESCE':
        return { sql: `coalesce(${t.map((x) => x.sql).join(', ')})`, kind: t[0]!.kind, agg };
      case 'NULLIF':
        return { sql: `nullif(${t[0]!.sql}, ${t[1]!.sql})`, kind: t[0]!.kind, agg };
    }
    throw fail('UnsupportedFunction', `S3 encountered an unsupported SQL function: ${name}`);
  }

  translate(q: SelectQuery, source: string): Translation {
    const names: string[] = [];
    const parts: string[] = [];
    if (q.items === '*') {
      this.columns.forEach((c, i) => {
        parts.push(`${this.field(c)} AS c${i + 1}`);
        names.push(this.input.format === 'CSV' && this.input.fileHeaderInfo !== 'USE' ? `_${i + 1}` : c.name);
      });
    } else {
      const typed = q.items.map((it) => this.expr(it.e));
      const anyAgg = typed.some((t) => t.agg);
      typed.forEach((t, i) => {
        const item = (q.items as Exclude<SelectQuery['items'], '*'>)[i]!;
        if (anyAgg && !t.agg && refersToRecord(item.e)) {
          throw fail('UnsupportedSqlStructure', 'An aggregate query can select only aggregates and constants (S3 Select has no GROUP BY)');
        }
        parts.push(`${t.sql} AS c${i + 1}`);
        names.push(item.alias ?? t.name ?? `_${i + 1}`);
      });
    }
    let sql = `SELECT ${parts.join(', ')} FROM ${source} AS ${ALIAS}`;
    if (q.where) sql += ` WHERE ${this.noAgg(this.expr(q.where), 'in WHERE').sql}`;
    if (q.limit !== undefined) sql += ` LIMIT ${q.limit}`;
    return { sql, names };
  }
}

function refersToRecord(e: Expr): boolean {
  switch (e.k) {
    case 'ref':
      return true;
    case 'num': case 'str': case 'bool': case 'null':
      return false;
    case 'neg': case 'not': case 'isnull': case 'cast':
      return refersToRecord(e.e);
    case 'trim':
      return refersToRecord(e.e) || (e.chars !== undefined && refersToRecord(e.chars));
    case 'bin':
      return refersToRecord(e.l) || refersToRecord(e.r);
    case 'like':
      return refersToRecord(e.e) || refersToRecord(e.pattern);
    case 'between':
      return refersToRecord(e.e) || refersToRecord(e.lo) || refersToRecord(e.hi);
    case 'in':
      return refersToRecord(e.e) || e.list.some(refersToRecord);
    case 'call':
      return !AGGREGATES.has(e.name) && e.args.some(refersToRecord);
  }
}

/**
 * The DuckDB query for `q` over `source` (a relation expression, see source.ts)
 * whose columns are `columns`.
 */
export function translateSelect(q: SelectQuery, input: InputFormat, columns: readonly Column[], source: string): Translation {
  return new Translator(input, columns, q.alias).translate(q, source);
}
