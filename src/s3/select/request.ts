/**
 * The SelectObjectContentRequest document.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_SelectObjectContent.html
 *
 * Validation follows AWS's codes: MissingRequiredParameter for an absent
 * Expression/ExpressionType/serialization, InvalidExpressionType for anything
 * but SQL, ObjectSerializationConflict for two formats at once, and the
 * per-field Invalid* codes. What S3 accepts but Sovra cannot run (BZIP2, a
 * record delimiter DuckDB cannot split on) is NotImplemented.
 */
import { fail } from '../../core/errors.js';
import { bodyText, childGroups, optionalChild, optionalLeaf, parseXmlBoolean, parseXmlText, type XmlElement } from '../xml/parse-xml.js';

/** AWS's limit on the expression (ExpressionTooLong). */
export const MAX_EXPRESSION_BYTES = 256 * 1024;
export const SELECT_BODY_LIMIT = MAX_EXPRESSION_BYTES + 64 * 1024;

export type FileHeaderInfo = 'USE' | 'IGNORE' | 'NONE';

export interface CsvInput {
  format: 'CSV';
  fileHeaderInfo: FileHeaderInfo;
  fieldDelimiter: string;
  recordDelimiter: string;
  quoteCharacter: string;
  quoteEscapeCharacter: string;
  /** Lines starting with this character are skipped; undefined: none. */
  comments: string | undefined;
  allowQuotedRecordDelimiter: boolean;
}
export interface JsonInput {
  format: 'JSON';
  type: 'DOCUMENT' | 'LINES';
}
export interface ParquetInput {
  format: 'Parquet';
}
export type InputFormat = CsvInput | JsonInput | ParquetInput;

export interface CsvOutput {
  format: 'CSV';
  fieldDelimiter: string;
  recordDelimiter: string;
  quoteCharacter: string;
  quoteEscapeCharacter: string;
  quoteFields: 'ALWAYS' | 'ASNEEDED';
}
export interface JsonOutput {
  format: 'JSON';
  recordDelimiter: string;
}
export type OutputFormat = CsvOutput | JsonOutput;

export interface SelectRequest {
  expression: string;
  input: InputFormat;
  compression: 'NONE' | 'GZIP';
  output: OutputFormat;
  requestProgress: boolean;
  /** Inclusive byte offsets; end defaults to the object's last byte. */
  scanRange?: { start?: number; end?: number };
}

const missing = (what: string) => fail('MissingRequiredParameter', `The SelectRequest entity is missing a required parameter: ${what}.`);
const invalidParam = (msg: string) => fail('InvalidRequestParameter', msg);

function groups(el: XmlElement, allowed: readonly string[]) {
  return childGroups(el, allowed);
}

/** A one-character setting (delimiters, quote, escape, comment). Empty means "not set" where S3 allows that. */
function oneChar(value: string | undefined, def: string, what: string, allowEmpty = false): string {
  if (value === undefined) return def;
  if (value === '' && allowEmpty) return '';
  if ([...value].length !== 1) throw invalidParam(`${what} must be a single character.`);
  return value;
}

/** CR LF is the one two-character record delimiter clients send and DuckDB splits on. */
function recordDelimiter(value: string | undefined, what: string): string {
  if (value === undefined) return '\n';
  if (value === '\r\n' || value === '\n' || value === '\r') return value;
  if ([...value].length !== 1) throw invalidParam(`${what} must be a single character (or CR LF).`);
  return value;
}

function parseCsvInput(el: XmlElement): CsvInput {
  const g = groups(el, ['FileHeaderInfo', 'Comments', 'QuoteEscapeCharacter', 'RecordDelimiter', 'FieldDelimiter', 'QuoteCharacter', 'AllowQuotedRecordDelimiter']);
  const fhi = (optionalLeaf(g, 'FileHeaderInfo', el) ?? 'NONE').toUpperCase();
  if (fhi !== 'USE' && fhi !== 'IGNORE' && fhi !== 'NONE') {
    throw fail('InvalidFileHeaderInfo', 'The FileHeaderInfo value is not valid. Only NONE, USE, and IGNORE are supported.');
  }
  const rd = recordDelimiter(optionalLeaf(g, 'RecordDelimiter', el), 'InputSerialization RecordDelimiter');
  if (rd !== '\n' && rd !== '\r\n' && rd !== '\r') {
    throw fail('NotImplemented', 'Sovra reads CSV records delimited by LF, CR or CR LF only.');
  }
  const allowQ = optionalLeaf(g, 'AllowQuotedRecordDelimiter', el);
  const comments = optionalLeaf(g, 'Comments', el);
  const quote = oneChar(optionalLeaf(g, 'QuoteCharacter', el), '"', 'QuoteCharacter', true);
  return {
    format: 'CSV',
    fileHeaderInfo: fhi,
    fieldDelimiter: oneChar(optionalLeaf(g, 'FieldDelimiter', el), ',', 'FieldDelimiter'),
    recordDelimiter: rd,
    quoteCharacter: quote,
    quoteEscapeCharacter: oneChar(optionalLeaf(g, 'QuoteEscapeCharacter', el), quote === '' ? '' : quote, 'QuoteEscapeCharacter', true),
    comments: comments === undefined || comments === '' ? undefined : oneChar(comments, '#', 'Comments'),
    allowQuotedRecordDelimiter: allowQ === undefined ? false : parseXmlBoolean(allowQ, 'AllowQuotedRecordDelimiter'),
  };
}

function parseInput(el: XmlElement): { input: InputFormat; compression: 'NONE' | 'GZIP' } {
  const g = groups(el, ['CompressionType', 'CSV', 'JSON', 'Parquet']);
  const formats = ['CSV', 'JSON', 'Parquet'].filter((f) => g.has(f));
  if (formats.length > 1) {
    throw fail('ObjectSerializationConflict', 'InputSerialization specifies more than one format (CSV, JSON, or Parquet). Specify only one.');
  }
  if (formats.length === 0) throw missing('InputSerialization must name CSV, JSON or Parquet');
  const ct = (optionalLeaf(g, 'CompressionType', el) ?? 'NONE').toUpperCase();
  if (ct !== 'NONE' && ct !== 'GZIP' && ct !== 'BZIP2') {
    throw fail('InvalidCompressionFormat', 'The file is not in a supported compression format. Only GZIP and BZIP2 are supported.');
  }
  if (ct === 'BZIP2') throw fail('NotImplemented', 'Sovra reads GZIP-compressed or uncompressed objects; BZIP2 is not supported.');
  let input: InputFormat;
  if (g.has('CSV')) input = parseCsvInput(optionalChild(g, 'CSV', el)!);
  else if (g.has('JSON')) {
    const j = optionalChild(g, 'JSON', el)!;
    const type = (optionalLeaf(groups(j, ['Type']), 'Type', j) ?? 'DOCUMENT').toUpperCase();
    if (type !== 'DOCUMENT' && type !== 'LINES') throw fail('InvalidJsonType', 'The JsonType value is not valid. Only DOCUMENT and LINES are supported.');
    input = { format: 'JSON', type };
  } else {
    const p = optionalChild(g, 'Parquet', el)!;
    groups(p, []);
    if (ct !== 'NONE') throw invalidParam('Parquet objects are compressed internally; CompressionType must be NONE.');
    input = { format: 'Parquet' };
  }
  return { input, compression: ct };
}

function parseOutput(el: XmlElement): OutputFormat {
  const g = groups(el, ['CSV', 'JSON']);
  if (g.has('CSV') && g.has('JSON')) {
    throw fail('ObjectSerializationConflict', 'OutputSerialization specifies more than one format (CSV or JSON). Specify only one.');
  }
  const json = optionalChild(g, 'JSON', el);
  if (json !== undefined) {
    return { format: 'JSON', recordDelimiter: recordDelimiter(optionalLeaf(groups(json, ['RecordDelimiter']), 'RecordDelimiter', json), 'OutputSerialization RecordDelimiter') };
  }
  const csv = optionalChild(g, 'CSV', el);
  if (csv === undefined) throw missing('OutputSerialization must name CSV or JSON');
  const c = groups(csv, ['QuoteFields', 'QuoteEscapeCharacter', 'RecordDelimiter', 'FieldDelimiter', 'QuoteCharacter']);
  const qf = (optionalLeaf(c, 'QuoteFields', csv) ?? 'ASNEEDED').toUpperCase();
  if (qf !== 'ALWAYS' && qf !== 'ASNEEDED') throw fail('InvalidQuoteFields', 'The QuoteFields value is not valid. Only ALWAYS and ASNEEDED are supported.');
  const quote = oneChar(optionalLeaf(c, 'QuoteCharacter', csv), '"', 'QuoteCharacter');
  return {
    format: 'CSV',
    fieldDelimiter: oneChar(optionalLeaf(c, 'FieldDelimiter', csv), ',', 'FieldDelimiter'),
    recordDelimiter: recordDelimiter(optionalLeaf(c, 'RecordDelimiter', csv), 'OutputSerialization RecordDelimiter'),
    quoteCharacter: quote,
    quoteEscapeCharacter: oneChar(optionalLeaf(c, 'QuoteEscapeCharacter', csv), quote, 'QuoteEscapeCharacter'),
    quoteFields: qf,
  };
}

function offset(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (!/^[0-9]{1,15}$/.test(t)) throw fail('InvalidScanRange', `The provided scan range is not valid: ${what} must be a non-negative integer.`);
  return Number(t);
}

export function parseSelectRequest(body: Uint8Array): SelectRequest {
  const text = bodyText(body, SELECT_BODY_LIMIT);
  if (text === undefined) throw fail('EmptyRequestBody', 'The request body cannot be empty.');
  const root = parseXmlText(text, 'SelectObjectContentRequest');
  const g = groups(root, ['Expression', 'ExpressionType', 'RequestProgress', 'InputSerialization', 'OutputSerialization', 'ScanRange']);
  const expression = optionalLeaf(g, 'Expression', root);
  if (expression === undefined || expression.trim() === '') throw missing('Expression');
  if (Buffer.byteLength(expression, 'utf8') > MAX_EXPRESSION_BYTES) {
    throw fail('ExpressionTooLong', 'The SQL expression is too long. The maximum byte-length for an SQL expression is 256 KB.');
  }
  const et = optionalLeaf(g, 'ExpressionType', root);
  if (et === undefined) throw missing('ExpressionType');
  if (et.trim().toUpperCase() !== 'SQL') throw fail('InvalidExpressionType', 'The ExpressionType value is not valid. Only SQL expressions are supported.');
  const inEl = optionalChild(g, 'InputSerialization', root);
  if (inEl === undefined) throw missing('InputSerialization');
  const outEl = optionalChild(g, 'OutputSerialization', root);
  if (outEl === undefined) throw missing('OutputSerialization');
  const { input, compression } = parseInput(inEl);
  const req: SelectRequest = { expression, input, compression, output: parseOutput(outEl), requestProgress: false };
  const rp = optionalChild(g, 'RequestProgress', root);
  if (rp !== undefined) {
    const enabled = optionalLeaf(groups(rp, ['Enabled']), 'Enabled', rp);
    req.requestProgress = enabled === undefined ? false : parseXmlBoolean(enabled, 'Enabled');
  }
  const sr = optionalChild(g, 'ScanRange', root);
  if (sr !== undefined) {
    const s = groups(sr, ['Start', 'End']);
    const start = offset(optionalLeaf(s, 'Start', sr), 'Start');
    const end = offset(optionalLeaf(s, 'End', sr), 'End');
    if (start === undefined && end === undefined) throw fail('InvalidScanRange', 'The provided scan range is not valid: give Start, End or both.');
    if (start !== undefined && end !== undefined && start > end) throw fail('InvalidScanRange', 'The provided scan range is not valid: Start is after End.');
    const range: { start?: number; end?: number } = {};
    if (start !== undefined) range.start = start;
    if (end !== undefined) range.end = end;
    if (input.format === 'Parquet' || compression !== 'NONE' || (input.format === 'JSON' && input.type === 'DOCUMENT')) {
      throw fail('UnsupportedScanRangeInput', 'Scan range queries are supported on uncompressed CSV and JSON LINES objects only.');
    }
    if (input.format === 'CSV' && input.allowQuotedRecordDelimiter) {
      throw fail('UnsupportedScanRangeInput', 'Scan range queries cannot be combined with AllowQuotedRecordDelimiter.');
    }
    req.scanRange = range;
  }
  return req;
}
