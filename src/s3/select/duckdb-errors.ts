/**
 * DuckDB's error messages → the S3 Select codes a client expects. The
 * translation refuses what S3 Select lacks before DuckDB sees it; what remains
 * here is data-dependent: a CAST that fails on some row, a malformed record, a
 * broken GZIP stream, a type mismatch only the object's contents reveal.
 */
import { fail, isAppError, type AppError, type ErrorCode } from '../../core/errors.js';

const RULES: ReadonlyArray<readonly [RegExp, ErrorCode, string]> = [
  [/^Out of Memory Error/i, 'QueryMemoryExceeded', 'The scan needs more memory than a query of yours may use on this server.'],
  [/Conversion Error|Could not convert|cast/i, 'CastFailed', 'An attempt to convert from one data type to another using CAST failed in the SQL expression.'],
  [/invalid unicode|not valid utf-?8|utf-?8 (?:error|encoding)/i, 'InvalidTextEncoding', 'The object is not valid UTF-8 text. Only UTF-8 encoding is supported.'],
  [/gzip|decompress|zlib|inflate|compression/i, 'TruncatedInput', 'Object decompression failed. Check that the object is properly compressed using the format specified in the request.'],
  [/CSV Error|sniff|CSV file|read_csv/i, 'CSVParsingError', 'An error occurred while parsing the CSV file. Check the file and try again.'],
  [/JSON/i, 'JSONParsingError', 'An error occurred while parsing the JSON file. Check the file and try again.'],
  [/parquet/i, 'ParquetParsingError', 'An error occurred while parsing the Parquet file. Check the file and try again.'],
  [/Out of Range|overflow/i, 'IntegerOverflow', 'An integer overflow or underflow occurred in the SQL expression.'],
  [/No function matches|Cannot compare|argument type|explicit cast/i, 'IncorrectSqlFunctionArgumentType', 'An incorrect argument type was specified in a function call in the SQL expression.'],
  [/Referenced column|not found in FROM|does not have a column|Could not find key|struct_extract/i, 'EvaluatorBindingDoesNotExist', 'A column name or a path provided does not exist in the SQL expression.'],
  [/UNNEST/i, 'ParseInvalidPathComponent', 'The FROM path does not lead to a list of records or a record.'],
];

/** The first line of DuckDB's message, which names the problem without echoing internals. */
function headline(message: string): string {
  return message.split('\n')[0]!.slice(0, 500);
}

/**
 * An S3 Select error for a failure while running the translated query. AppErrors
 * from the engine that are not about the data (AccessDenied, QueryTimeout mapped
 * to codes of its own, ...) pass through unchanged.
 */
export function selectErrorOf(err: unknown): AppError | unknown {
  if (isAppError(err) && err.code !== 'InvalidRequest' && err.code !== 'InvalidArgument' && err.code !== 'Internal') return err;
  const message = err instanceof Error ? err.message : String(err);
  for (const [re, code, text] of RULES) {
    if (re.test(headline(message))) return fail(code, `${text} (${headline(message)})`, { cause: err });
  }
  return err;
}
