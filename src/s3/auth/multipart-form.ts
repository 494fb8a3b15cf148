/**
 * Streaming multipart/form-data reader for POST Object (browser uploads).
 * AWS reads the form fields that precede the part named "file", streams that
 * part, and ignores whatever follows it; so do we. Fields are buffered (they
 * are small and bounded), the file never is.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
 */
import { PassThrough, Readable } from 'node:stream';
import busboy from 'busboy';
import { fail, isAppError, type AppError } from '../../core/errors.js';

export interface MultipartFormOptions {
  /** The request's Content-Type header (must be multipart/form-data with a boundary). */
  contentType: string;
  /** Most fields accepted before the file part. Default 100. */
  maxFields?: number;
  /** Most bytes of field names and values before the file part. Default 20 KiB, as AWS. */
  maxFieldsBytes?: number;
}

export interface FormFile {
  /** The part's name as sent ("file", any case). */
  fieldName: string;
  /** The client's file name (base name only), '' when none was sent. */
  filename: string;
  /** The part's Content-Type, application/octet-stream or text/plain by default. */
  contentType: string;
  /** The file bytes. Consume it (or destroy it) so that the form can finish. */
  stream: Readable;
}

export interface MultipartForm {
  /** Fields before the file part; names lower-cased, since AWS matches form field names case-insensitively. */
  fields: Record<string, string>;
  file: FormFile;
  /** Settles once the whole body has been parsed; rejects if the form was malformed or cut short. */
  done: Promise<void>;
}

export const DEFAULT_MAX_FIELDS = 100;
export const DEFAULT_MAX_FIELDS_BYTES = 20 * 1024;

function malformed(): AppError {
  return fail('MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
}

function mapError(err: unknown): AppError {
  if (isAppError(err)) return err;
  if (err instanceof Error && /^Unexpected end of/.test(err.message)) {
    return fail('IncompleteBody', 'The request body terminated unexpectedly.', { cause: err });
  }
  return fail('MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.', {
    cause: err,
  });
}

/**
 * Resolves when the file part starts, with the fields read so far; rejects
 * with MalformedPOSTRequest (bad form, field limits), IncompleteBody (body cut
 * short), InvalidArgument (no file part, duplicate field).
 */
export function parseMultipartForm(body: Readable, opts: MultipartFormOptions): Promise<MultipartForm> {
  const maxFields = opts.maxFields ?? DEFAULT_MAX_FIELDS;
  const maxFieldsBytes = opts.maxFieldsBytes ?? DEFAULT_MAX_FIELDS_BYTES;
  // busboy also parses urlencoded bodies; POST Object must be multipart.
  if (!/^multipart\/form-data\s*;/i.test(opts.contentType)) return Promise.reject(malformed());

  return new Promise<MultipartForm>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: { 'content-type': opts.contentType },
        defParamCharset: 'utf8',
        limits: { fields: maxFields, fieldSize: maxFieldsBytes, fieldNameSize: 1024, headerPairs: 64 },
      });
    } catch (err) {
      reject(mapError(err));
      return;
    }

    let resolveDone!: () => void;
    let rejectDone!: (err: AppError) => void;
    const done = new Promise<void>((res, rej) => {
      resolveDone = res;
      rejectDone = rej;
    });
    // Callers that do not await `done` must not crash the process on a late error.
    done.catch(() => undefined);

    const fields: Record<string, string> = {};
    const seen = new Set<string>();
    let fieldBytes = 0;
    let fileStarted = false;
    let failed = false;
    let fileOut: PassThrough | undefined;

    const failWith = (err: AppError): void => {
      if (failed) return;
      failed = true;
      if (!fileStarted) reject(err);
      else if (fileOut !== undefined && !fileOut.writableEnded) fileOut.destroy(err);
      rejectDone(err);
      body.unpipe(parser);
      parser.destroy();
    };

    const startFile = (name: string, filename: string, contentType: string, source: Readable): void => {
      fileStarted = true;
      const out = new PassThrough();
      fileOut = out;
      source.on('error', (err) => failWith(mapError(err)));
      // If the consumer gives up early, drain the part so the parser can finish.
      out.on('close', () => {
        if (!out.readableEnded) {
          source.unpipe(out);
          source.resume();
        }
      });
      source.pipe(out);
      resolve({ fields, file: { fieldName: name, filename, contentType, stream: out }, done });
    };

    parser.on('field', (name, value, info) => {
      if (fileStarted || failed) return;
      if (info.nameTruncated || info.valueTruncated) {
        failWith(fail('MalformedPOSTRequest', 'Your POST request fields preceding the upload file were too large.'));
        return;
      }
      fieldBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
      if (fieldBytes > maxFieldsBytes) {
        failWith(fail('MalformedPOSTRequest', 'Your POST request fields preceding the upload file were too large.'));
        return;
      }
      const lower = name.toLowerCase();
      // A "file" part sent without a filename arrives as a field: it is still the file.
      if (lower === 'file') {
        startFile(name, '', 'text/plain', Readable.from([Buffer.from(value, 'utf8')]));
        return;
      }
      if (seen.has(lower)) {
        failWith(fail('InvalidArgument', `The form field '${name}' appears more than once.`, { details: { ArgumentName: name } }));
        return;
      }
      seen.add(lower);
      // defineProperty, so that a field named "__proto__" is data, not a prototype change.
      Object.defineProperty(fields, lower, { value, enumerable: true, writable: true, configurable: true });
    });

    parser.on('file', (name, stream, info) => {
      if (fileStarted || failed || name.toLowerCase() !== 'file') {
        stream.resume();
        return;
      }
      startFile(name, info.filename ?? '', info.mimeType, stream);
    });

    parser.on('fieldsLimit', () => {
      if (!fileStarted) failWith(fail('MalformedPOSTRequest', `Your POST request has more than ${maxFields} fields.`));
    });
    parser.on('error', (err) => failWith(mapError(err)));
    parser.on('close', () => {
      if (failed) return;
      if (!fileStarted) {
        failWith(
          fail('InvalidArgument', 'POST requires exactly one file upload per request.', {
            details: { ArgumentName: 'file' },
          }),
        );
        return;
      }
      resolveDone();
    });
    body.on('error', (err) => failWith(isAppError(err) ? err : fail('IncompleteBody', 'The request body terminated unexpectedly.', { cause: err })));
    body.pipe(parser);
  });
}
