/**
 * The S3 Select SQL dialect, parsed into a small AST. Only the subset Sovra
 * runs is accepted; everything else is refused with the code AWS answers with
 * (ParseUnsupportedCase, ParseMalformedJoin, UnsupportedFunction, ...).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-select-sql-reference-select.html
 *
 *   SELECT * | item [, item]... FROM S3Object[[*]][.path] [[AS] alias] [WHERE cond] [LIMIT n]
 *
 * The AST is translated to DuckDB SQL (translate.ts); nothing here evaluates.
 */
import { fail, type ErrorCode } from '../../core/errors.js';

type TokKind = 'ident' | 'qident' | 'str' | 'num' | 'op' | 'eof';
interface Token {
  kind: TokKind;
  text: string;
  pos: number;
}

/** A step of a path: a field name (quoted ones match case-sensitively), an array index, or [*] / .* */
export type PathStep = { name: string; quoted: boolean } | { index: number } | { wildcard: true };

export type CastType = 'BOOL' | 'INT' | 'FLOAT' | 'DECIMAL' | 'STRING' | 'TIMESTAMP';

export type Expr =
  | { k: 'num'; text: string }
  | { k: 'str'; value: string }
  | { k: 'bool'; value: boolean }
  | { k: 'null' }
  | { k: 'ref'; path: PathStep[] }
  | { k: 'neg'; e: Expr }
  | { k: 'not'; e: Expr }
  | { k: 'bin'; op: BinOp; l: Expr; r: Expr }
  | { k: 'like'; e: Expr; pattern: Expr; escape?: Expr; not: boolean }
  | { k: 'between'; e: Expr; lo: Expr; hi: Expr; not: boolean }
  | { k: 'in'; e: Expr; list: Expr[]; not: boolean }
  | { k: 'isnull'; e: Expr; not: boolean }
  | { k: 'cast'; e: Expr; type: CastType }
  | { k: 'call'; name: string; args: Expr[]; star: boolean }
  | { k: 'trim'; e: Expr; where: 'BOTH' | 'LEADING' | 'TRAILING'; chars?: Expr };

export type BinOp = '+' | '-' | '*' | '/' | '%' | '||' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'AND' | 'OR';

export interface SelectItem {
  e: Expr;
  alias?: string;
}

export interface SelectQuery {
  /** '*' or the listed items. */
  items: '*' | SelectItem[];
  /** Path after S3Object (empty: the records themselves). */
  fromPath: PathStep[];
  alias?: string;
  where?: Expr;
  limit?: number;
}

export const AGGREGATES = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);
/** Functions and their accepted argument counts. */
export const FUNCTIONS: ReadonlyMap<string, readonly [min: number, max: number]> = new Map([
  ['COUNT', [1, 1]], ['SUM', [1, 1]], ['AVG', [1, 1]], ['MIN', [1, 1]], ['MAX', [1, 1]],
  ['LOWER', [1, 1]], ['UPPER', [1, 1]], ['CHAR_LENGTH', [1, 1]], ['CHARACTER_LENGTH', [1, 1]],
  ['COALESCE', [1, 64]], ['NULLIF', [2, 2]], ['SUBSTRING', [2, 3]], ['TRIM', [1, 1]],
] as const);
/** S3 Select functions Sovra does not translate (yet): UnsupportedFunction rather than a guess. */
const KNOWN_UNSUPPORTED = new Set(['DATE_ADD', 'DATE_DIFF', 'EXTRACT', 'TO_STRING', 'TO_TIMESTAMP', 'UTCNOW']);

const CAST_TYPES: ReadonlyMap<string, CastType> = new Map([
  ['BOOL', 'BOOL'], ['BOOLEAN', 'BOOL'], ['INT', 'INT'], ['INTEGER', 'INT'], ['BIGINT', 'INT'], ['SMALLINT', 'INT'],
  ['FLOAT', 'FLOAT'], ['REAL', 'FLOAT'], ['DOUBLE', 'FLOAT'], ['DECIMAL', 'DECIMAL'], ['NUMERIC', 'DECIMAL'],
  ['STRING', 'STRING'], ['VARCHAR', 'STRING'], ['CHAR', 'STRING'], ['TIMESTAMP', 'TIMESTAMP'],
] as const);

/** Words that end an expression or a select item, so they are never taken as an alias. */
const RESERVED = new Set([
  'SELECT', 'FROM', 'WHERE', 'AS', 'AND', 'OR', 'NOT', 'LIKE', 'ESCAPE', 'BETWEEN', 'IN', 'IS', 'NULL', 'MISSING',
  'TRUE', 'FALSE', 'CAST', 'LIMIT', 'GROUP', 'ORDER', 'BY', 'HAVING', 'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'OUTER',
  'CROSS', 'ON', 'UNION', 'INTERSECT', 'EXCEPT', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'DISTINCT', 'OFFSET', 'WITH', 'VALUES',
]);

function err(code: ErrorCode, message: string, pos?: number): never {
  throw fail(code, pos === undefined ? message : `${message} (at character ${pos + 1})`);
}

function lex(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const two = new Set(['<=', '>=', '!=', '<>', '||']);
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    // A quoted string or identifier: the quote doubled stands for itself.
    const quoted = (q: string, what: string): string => {
      let v = '';
      for (i++; ; i++) {
        if (i >= sql.length) err('LexerInvalidLiteral', `The SQL expression contains an unterminated ${what}`, start);
        if (sql[i] !== q) {
          v += sql[i];
        } else if (sql[i + 1] === q) {
          v += q;
          i++;
        } else {
          i++;
          return v;
        }
      }
    };
    if (c === "'") {
      out.push({ kind: 'str', text: quoted("'", 'string literal'), pos: start });
    } else if (c === '"') {
      const v = quoted('"', 'quoted identifier');
      if (v === '') err('ParseInvalidPathComponent', 'The SQL expression contains an empty quoted identifier', start);
      out.push({ kind: 'qident', text: v, pos: start });
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(sql.slice(i))!;
      i += m[0].length;
      if (/[A-Za-z_]/.test(sql[i] ?? '')) err('LexerInvalidLiteral', 'The SQL expression contains a literal that is not valid', start);
      out.push({ kind: 'num', text: m[0], pos: start });
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i))!;
      i += m[0].length;
      out.push({ kind: 'ident', text: m[0], pos: start });
    } else if (two.has(sql.slice(i, i + 2))) {
      const t = sql.slice(i, i + 2);
      out.push({ kind: 'op', text: t === '<>' ? '!=' : t, pos: start });
      i += 2;
    } else if ('(),.[]*+-/%=<>'.includes(c)) {
      out.push({ kind: 'op', text: c, pos: start });
      i++;
    } else if (c === ';' && sql.slice(i + 1).trim() === '') {
      i = sql.length; // a trailing semicolon is harmless
    } else if ('!|&^~@:?{}`$#'.includes(c)) {
      err('LexerInvalidOperator', `The SQL expression contains an operator that is not valid: ${c}`, start);
    } else {
      err('LexerInvalidChar', `The SQL expression contains a character that is not valid: ${JSON.stringify(c)}`, start);
    }
  }
  out.push({ kind: 'eof', text: '', pos: sql.length });
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(o = 0): Token {
    return this.toks[Math.min(this.i + o, this.toks.length - 1)]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private isKw(word: string, o = 0): boolean {
    const t = this.peek(o);
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }
  private acceptKw(word: string): boolean {
    if (!this.isKw(word)) return false;
    this.i++;
    return true;
  }
  private isOp(op: string, o = 0): boolean {
    const t = this.peek(o);
    return t.kind === 'op' && t.text === op;
  }
  private acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.i++;
    return true;
  }
  private expectOp(op: string, code: ErrorCode = 'ParseUnexpectedToken'): void {
    if (!this.acceptOp(op)) this.unexpected(code, `expected "${op}"`);
  }
  private unexpected(code: ErrorCode = 'ParseUnexpectedToken', what?: string): never {
    const t = this.peek();
    const found = t.kind === 'eof' ? 'the end of the expression' : `"${t.kind === 'str' ? `'${t.text}'` : t.text}"`;
    err(code, `The SQL expression contains an unexpected token: ${found}${what ? `, ${what}` : ''}`, t.pos);
  }

  /** Refuses the constructs S3 Select lacks, with its codes. */
  private refuseClause(): void {
    const t = this.peek();
    if (t.kind !== 'ident') return;
    const w = t.text.toUpperCase();
    if (w === 'GROUP') err('ParseExpectedIdentForGroupName', 'GROUP is not supported in the SQL expression', t.pos);
    if (w === 'JOIN' || w === 'INNER' || w === 'LEFT' || w === 'RIGHT' || w === 'FULL' || w === 'CROSS') err('ParseMalformedJoin', 'JOIN is not supported in the SQL expression', t.pos);
    if (w === 'ORDER' || w === 'HAVING' || w === 'UNION' || w === 'INTERSECT' || w === 'EXCEPT' || w === 'OFFSET') {
      err('UnsupportedSqlOperation', `S3 Select does not support ${w}`, t.pos);
    }
  }

  parseQuery(): SelectQuery {
    if (this.isKw('WITH')) err('UnsupportedSqlOperation', 'S3 Select does not support WITH', this.peek().pos);
    if (!this.acceptKw('SELECT')) this.unexpected('ParseUnexpectedToken', 'expected SELECT');
    if (this.isKw('DISTINCT')) err('ParseUnsupportedSyntax', 'The SQL expression contains unsupported syntax: DISTINCT', this.peek().pos);
    if (this.isKw('FROM') || this.peek().kind === 'eof') err('ParseEmptySelect', 'The SQL expression contains an empty SELECT clause', this.peek().pos);
    let items: '*' | SelectItem[];
    if (this.isOp('*')) {
      const star = this.next();
      if (this.isOp(',')) err('ParseAsteriskIsNotAloneInSelectList', 'Other expressions are not allowed in the SELECT list when * is used', star.pos);
      items = '*';
    } else {
      items = [];
      do {
        if (this.isOp('*')) err('ParseAsteriskIsNotAloneInSelectList', 'Other expressions are not allowed in the SELECT list when * is used', this.peek().pos);
        items.push(this.selectItem());
      } while (this.acceptOp(','));
    }
    this.refuseClause();
    if (!this.acceptKw('FROM')) {
      if (this.peek().kind === 'eof') err('ParseSelectMissingFrom', 'The SQL expression contains a missing FROM after the SELECT list', this.peek().pos);
      this.unexpected();
    }
    const q: SelectQuery = { items, fromPath: this.source() };
    const alias = this.alias();
    if (alias !== undefined) q.alias = alias;
    this.refuseClause();
    if (this.isOp(',')) err('ParseMalformedJoin', 'JOIN is not supported in the SQL expression', this.peek().pos);
    if (this.acceptKw('WHERE')) q.where = this.expr();
    this.refuseClause();
    if (this.acceptKw('LIMIT')) {
      const neg = this.acceptOp('-');
      const t = this.next();
      if (t.kind !== 'num' || !/^[0-9]+$/.test(t.text)) err('ParseExpectedNumber', 'LIMIT must be followed by a whole number', t.pos);
      if (neg) err('EvaluatorNegativeLimit', 'LIMIT must not be negative', t.pos);
      q.limit = Number(t.text);
    }
    this.refuseClause();
    if (this.peek().kind !== 'eof') this.unexpected();
    return q;
  }

  private alias(): string | undefined {
    const as = this.acceptKw('AS');
    const t = this.peek();
    if (t.kind === 'qident' || (t.kind === 'ident' && !RESERVED.has(t.text.toUpperCase()))) {
      this.i++;
      return t.text;
    }
    if (as) err('ParseExpectedIdentForAlias', 'The expected identifier for the alias in the SQL expression was not found', t.pos);
    return undefined;
  }

  private selectItem(): SelectItem {
    const e = this.expr();
    const alias = this.alias();
    return alias === undefined ? { e } : { e, alias };
  }

  private source(): PathStep[] {
    const t = this.next();
    if (t.kind === 'op' && t.text === '(') {
      if (this.isKw('SELECT')) err('ParseUnsupportedSelect', 'The SQL expression contains an unsupported use of SELECT', t.pos);
      err('ParseUnexpectedToken', 'The SQL expression contains an unexpected token: "("', t.pos);
    }
    if (t.kind !== 'ident' || t.text.toUpperCase() !== 'S3OBJECT') {
      err('UnsupportedSqlStructure', 'The FROM clause must name S3Object', t.pos);
    }
    return this.pathTail();
  }

  /** .name, ."name", [n], ['name'], [*] and .* steps after a first component. */
  private pathTail(): PathStep[] {
    const steps: PathStep[] = [];
    for (;;) {
      if (this.isOp('.')) {
        this.i++;
        const t = this.next();
        if (t.kind === 'ident') steps.push({ name: t.text, quoted: false });
        else if (t.kind === 'qident') steps.push({ name: t.text, quoted: true });
        else if (t.kind === 'op' && t.text === '*') steps.push({ wildcard: true });
        else err('ParseInvalidPathComponent', 'The SQL expression contains a path component that is not valid', t.pos);
      } else if (this.isOp('[')) {
        this.i++;
        const t = this.next();
        if (t.kind === 'op' && t.text === '*') steps.push({ wildcard: true });
        else if (t.kind === 'num' && /^[0-9]+$/.test(t.text)) steps.push({ index: Number(t.text) });
        else if (t.kind === 'str') steps.push({ name: t.text, quoted: true });
        else err('ParseInvalidPathComponent', 'The SQL expression contains a path component that is not valid', t.pos);
        this.expectOp(']', 'ParseInvalidPathComponent');
      } else return steps;
    }
  }

  expr(): Expr {
    let l = this.and();
    while (this.acceptKw('OR')) l = { k: 'bin', op: 'OR', l, r: this.and() };
    return l;
  }
  private and(): Expr {
    let l = this.not();
    while (this.acceptKw('AND')) l = { k: 'bin', op: 'AND', l, r: this.not() };
    return l;
  }
  private not(): Expr {
    if (this.acceptKw('NOT')) return { k: 'not', e: this.not() };
    return this.predicate();
  }
  private predicate(): Expr {
    const e = this.concat();
    const t = this.peek();
    if (t.kind === 'op' && ['=', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      this.i++;
      return { k: 'bin', op: t.text as BinOp, l: e, r: this.concat() };
    }
    if (this.acceptKw('IS')) {
      const not = this.acceptKw('NOT');
      if (this.acceptKw('NULL') || this.acceptKw('MISSING')) return { k: 'isnull', e, not };
      this.unexpected('ParseUnexpectedToken', 'expected NULL or MISSING');
    }
    const not = this.isKw('NOT') && (this.isKw('LIKE', 1) || this.isKw('BETWEEN', 1) || this.isKw('IN', 1));
    if (not) this.i++;
    if (this.acceptKw('LIKE')) {
      const like: Expr = { k: 'like', e, pattern: this.concat(), not };
      if (this.acceptKw('ESCAPE')) like.escape = this.concat();
      return like;
    }
    if (this.acceptKw('BETWEEN')) {
      const lo = this.concat();
      if (!this.acceptKw('AND')) this.unexpected('ParseUnexpectedToken', 'expected AND in BETWEEN');
      return { k: 'between', e, lo, hi: this.concat(), not };
    }
    if (this.acceptKw('IN')) {
      this.expectOp('(');
      if (this.isKw('SELECT')) err('ParseUnsupportedSelect', 'The SQL expression contains an unsupported use of SELECT', this.peek().pos);
      const list: Expr[] = [];
      do list.push(this.concat());
      while (this.acceptOp(','));
      this.expectOp(')');
      return { k: 'in', e, list, not };
    }
    return e;
  }
  private concat(): Expr {
    let l = this.additive();
    while (this.acceptOp('||')) l = { k: 'bin', op: '||', l, r: this.additive() };
    return l;
  }
  private additive(): Expr {
    let l = this.mult();
    for (;;) {
      if (this.acceptOp('+')) l = { k: 'bin', op: '+', l, r: this.mult() };
      else if (this.acceptOp('-')) l = { k: 'bin', op: '-', l, r: this.mult() };
      else return l;
    }
  }
  private mult(): Expr {
    let l = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && (t.text === '*' || t.text === '/' || t.text === '%')) {
        this.i++;
        l = { k: 'bin', op: t.text, l, r: this.unary() };
      } else return l;
    }
  }
  private unary(): Expr {
    if (this.acceptOp('-')) return { k: 'neg', e: this.unary() };
    if (this.acceptOp('+')) return this.unary();
    return this.primary();
  }
  private primary(): Expr {
    const t = this.peek();
    if (t.kind === 'num') {
      this.i++;
      return { k: 'num', text: t.text };
    }
    if (t.kind === 'str') {
      this.i++;
      return { k: 'str', value: t.text };
    }
    if (t.kind === 'op' && t.text === '(') {
      this.i++;
      if (this.isKw('SELECT')) err('ParseUnsupportedSelect', 'The SQL expression contains an unsupported use of SELECT', this.peek().pos);
      const e = this.expr();
      this.expectOp(')');
      return e;
    }
    if (t.kind === 'qident') {
      this.i++;
      return { k: 'ref', path: [{ name: t.text, quoted: true }, ...this.pathTail()] };
    }
    if (t.kind !== 'ident') this.unexpected('ParseExpectedExpression', 'expected an expression');
    const word = t.text.toUpperCase();
    if (word === 'NULL' || word === 'MISSING') {
      this.i++;
      return { k: 'null' };
    }
    if (word === 'TRUE' || word === 'FALSE') {
      this.i++;
      return { k: 'bool', value: word === 'TRUE' };
    }
    if (word === 'CASE') err('ParseUnsupportedCase', 'The SQL expression contains an unsupported use of CASE', t.pos);
    if (word === 'SELECT') err('ParseUnsupportedSelect', 'The SQL expression contains an unsupported use of SELECT', t.pos);
    if (word === 'CAST') {
      this.i++;
      this.expectOp('(', 'ParseExpectedLeftParenAfterCast');
      const e = this.expr();
      if (!this.acceptKw('AS')) this.unexpected('ParseUnexpectedToken', 'expected AS in CAST');
      const tt = this.next();
      const type = tt.kind === 'ident' ? CAST_TYPES.get(tt.text.toUpperCase()) : undefined;
      if (type === undefined) err('ParseExpectedTypeName', 'The expected type name in the SQL expression was not found', tt.pos);
      // DECIMAL(p, s) and VARCHAR(n): the parameters do not change S3 Select's result.
      if (this.acceptOp('(')) {
        while (!this.isOp(')') && this.peek().kind !== 'eof') this.i++;
        this.expectOp(')');
      }
      this.expectOp(')');
      return { k: 'cast', e, type };
    }
    if (this.isOp('(', 1)) return this.call();
    if (RESERVED.has(word)) {
      this.refuseClause();
      err('ParseUnExpectedKeyword', `The SQL expression contains an unexpected keyword: ${t.text}`, t.pos);
    }
    this.i++;
    return { k: 'ref', path: [{ name: t.text, quoted: false }, ...this.pathTail()] };
  }

  private call(): Expr {
    const nameTok = this.next();
    const name = nameTok.text.toUpperCase();
    this.i++; // (
    const arity = FUNCTIONS.get(name);
    if (arity === undefined) {
      err('UnsupportedFunction', `${KNOWN_UNSUPPORTED.has(name) ? 'Sovra does not support the S3 Select function' : 'S3 encountered an unsupported SQL function:'} ${nameTok.text}`, nameTok.pos);
    }
    if (this.isKw('DISTINCT')) err('ParseUnsupportedSyntax', 'The SQL expression contains unsupported syntax: DISTINCT', this.peek().pos);
    if (name === 'TRIM') return this.trim();
    if (this.isOp('*')) {
      const star = this.next();
      if (name !== 'COUNT') err('ParseUnsupportedCallWithStar', 'Only COUNT with (*) as a parameter is supported in the SQL expression', star.pos);
      this.expectOp(')');
      return { k: 'call', name, args: [], star: true };
    }
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      args.push(this.expr());
      if (name === 'SUBSTRING' && this.acceptKw('FROM')) {
        args.push(this.expr());
        if (this.acceptKw('FOR')) args.push(this.expr());
      } else {
        while (this.acceptOp(',')) args.push(this.expr());
      }
    }
    this.expectOp(')');
    if (AGGREGATES.has(name) && args.length > 1) {
      err('ParseNonUnaryAgregateFunctionCall', 'Only one argument is supported for aggregate functions in the SQL expression', nameTok.pos);
    }
    if (args.length < arity[0] || args.length > arity[1]) {
      err('EvaluatorInvalidArguments', `There is an incorrect number of arguments in the function call to ${nameTok.text}`, nameTok.pos);
    }
    return { k: 'call', name, args, star: false };
  }

  /** TRIM([[LEADING|TRAILING|BOTH] [chars] FROM] s) */
  private trim(): Expr {
    let where: 'BOTH' | 'LEADING' | 'TRAILING' = 'BOTH';
    let spec = false;
    for (const w of ['BOTH', 'LEADING', 'TRAILING'] as const) {
      if (this.acceptKw(w)) {
        where = w;
        spec = true;
        break;
      }
    }
    let chars: Expr | undefined;
    if (spec && this.acceptKw('FROM')) {
      // TRIM(LEADING FROM s)
    } else {
      const first = this.expr();
      if (this.acceptKw('FROM')) chars = first;
      else if (spec) this.unexpected('ParseUnexpectedToken', 'expected FROM in TRIM');
      else {
        this.expectOp(')');
        return { k: 'trim', e: first, where };
      }
    }
    const e = this.expr();
    this.expectOp(')');
    return chars === undefined ? { k: 'trim', e, where } : { k: 'trim', e, where, chars };
  }
}

export function parseSelectSql(sql: string): SelectQuery {
  return new Parser(lex(sql)).parseQuery();
}
