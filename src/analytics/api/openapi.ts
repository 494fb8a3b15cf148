/**
 * The analytics API's OpenAPI 3.1 document, served at /analytics/v1/openapi.json. A test
 * checks that its paths and methods are exactly the routes the API serves.
 */
type Json = Record<string, unknown>;

const error = { description: 'An error: {code, message, position?, details?, requestId}', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' }, description: 'The query id (x-sovra-query-id)' };

const column = { type: 'object', required: ['name', 'type'], properties: { name: { type: 'string' }, type: { type: 'string', description: "DuckDB's type name, e.g. BIGINT, VARCHAR, DECIMAL(10,2), INTEGER[]" } } };

const schemas: Json = {
  Query: {
    type: 'object', required: ['sql'],
    properties: {
      sql: {
        type: 'string',
        description: "One read-only DuckDB query (SELECT, WITH, VALUES, FROM-first, PIVOT, DESCRIBE, SUMMARIZE). Objects are named by s3:// URLs inside DuckDB's readers (read_parquet, read_csv, read_json, read_text, read_blob, parquet_metadata, ...) or as quoted table names; keys may use DuckDB's globs (*, **, ?, [...]).",
      },
      format: { enum: ['jsonl', 'csv', 'arrow', 'parquet'], default: 'jsonl' },
      id: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$', description: 'Your own id for the query, to poll or cancel it while it runs (the answer starts only once the whole result is ready); default a random one' },
      output: {
        type: 'object', required: ['bucket', 'key'], description: 'Write the result to this object (in the format) instead of returning it; the bucket must be in the same region and its residency within that of every bucket read.',
        properties: { bucket: { type: 'string' }, key: { type: 'string' } },
      },
    },
  },
  Column: column,
  StoredResult: {
    type: 'object',
    properties: {
      id: { type: 'string' }, bucket: { type: 'string' }, key: { type: 'string' }, etag: { type: 'string' }, size: { type: 'integer' },
      rows: { type: 'integer' }, bytesScanned: { type: 'integer' }, elapsedMs: { type: 'integer' }, columns: { type: 'array', items: { $ref: '#/components/schemas/Column' } },
    },
  },
  QueryStatus: {
    type: 'object', required: ['id', 'state', 'progress', 'bytesScanned', 'elapsedMs', 'rows', 'limits'],
    properties: {
      id: { type: 'string' },
      state: { enum: ['running', 'succeeded', 'failed', 'cancelled'] },
      progress: { oneOf: [{ type: 'number', minimum: 0, maximum: 1 }, { type: 'null' }], description: "DuckDB's estimate while running; null when unknown" },
      bytesScanned: { type: 'integer' }, elapsedMs: { type: 'integer' }, rows: { type: 'integer' },
      limits: {
        type: 'object', required: ['timeoutMs', 'memoryBytes', 'threads', 'maxResultBytes'],
        description: "What the query runs under: the server's limits, each narrowed by the account's analytics quota where it has one",
        properties: { timeoutMs: { type: 'integer' }, memoryBytes: { type: 'integer' }, threads: { type: 'integer' }, maxResultBytes: { type: 'integer' } },
      },
      error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, position: { type: 'integer' } } },
    },
  },
  Error: {
    type: 'object', required: ['code', 'message', 'requestId'],
    properties: {
      code: { type: 'string', description: 'InvalidQuery, QueryRefused, MalformedObject, AccessDenied, NoSuchBucket, NoSuchKey, PermanentRedirect, ResidencyConflict, QueryTimeout, QueryCancelled, QueryMemoryExceeded, ResultTooLarge, TooManyQueries, NoSuchQuery, ... (docs/errors.md)' },
      message: { type: 'string' },
      position: { type: 'integer', description: 'Character offset in the query text the error is about' },
      details: { type: 'object', additionalProperties: { type: 'string' } },
      requestId: { type: 'string' },
    },
  },
};

const resultTypes = {
  'application/x-ndjson': { schema: { type: 'string' }, example: '{"region":"DE","revenue":1234.5}\n' },
  'text/csv': { schema: { type: 'string' }, example: 'region,revenue\nDE,1234.5\n' },
  'application/vnd.apache.arrow.stream': { schema: { type: 'string', format: 'binary' } },
  'application/vnd.apache.parquet': { schema: { type: 'string', format: 'binary' } },
  'application/json': { schema: { $ref: '#/components/schemas/StoredResult' } },
};

export function analyticsOpenApi(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sovra analytics API',
      version: '1',
      description: [
        "SQL over stored objects (CSV, JSON, Parquet), run by an embedded DuckDB inside the bucket's region: only results leave, and only to",
        'callers who may read every object the query touches (s3:GetObject on each object, s3:ListBucket for a glob, s3:PutObject on an output).',
        '',
        "Example: POST /query {\"sql\": \"SELECT region, sum(amount) FROM read_csv('s3://sales/2025/*.csv') GROUP BY region\", \"format\": \"csv\"}",
        '',
        'Send the query to the endpoint of the region that holds its buckets (another region answers PermanentRedirect naming it). All buckets',
        'of one query must allow that region by their residency policies (else ResidencyConflict). A query may not reach anything but the',
        'objects it names: other statements (ATTACH, COPY, INSTALL, LOAD, SET, PRAGMA, CREATE, ...), host files, the network and setting',
        'changes are refused (QueryRefused). Limits per query (time, memory, threads, result size) and per account (concurrent queries) apply:',
        "the server's, each narrowed by the account's analytics quota where its partner set one (a query's status shows them); an account",
        'whose quota allows no queries is refused with 403 QuotaExceeded.',
        '',
        'Authentication: AWS Signature Version 4 (service "s3", the S3 API\'s access keys; body signed or UNSIGNED-PAYLOAD), or',
        '`Authorization: Bearer <token>` (POST /admin/v1/tokens).',
        '',
        'A streamed result carries x-sovra-query-id and x-sovra-columns (JSON, ASCII) headers and the HTTP trailers x-sovra-bytes-scanned',
        '(bytes of the objects the query read), x-sovra-elapsed-ms and x-sovra-rows. The whole result is made before its first byte is sent: a',
        'query that fails, at any row, answers an error status, never a short result. CSV and JSON lines are written by DuckDB (COPY ... TO,',
        'FORMAT csv with a header row and \\n line ends; FORMAT json, one object per line). JSON has no NaN or infinities: in JSON lines a',
        'non-finite DOUBLE or FLOAT is the string "NaN", "Infinity" or "-Infinity" (as in protobuf\'s JSON mapping).',
      ].join('\n'),
    },
    servers: [{ url: '/analytics/v1' }],
    security: [{ sigv4: [] }, { bearer: [] }],
    paths: {
      '/query': {
        post: {
          operationId: 'runQuery', summary: 'Run a query: stream its result, or write it to an object',
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Query' }, example: { sql: "SELECT count(*) FROM 's3://logs/2025/**/*.json'", format: 'jsonl' } } } },
          responses: {
            200: {
              description: 'The result (streamed in the format), or with "output" the stored object as JSON',
              headers: {
                'x-sovra-query-id': { schema: { type: 'string' } },
                'x-sovra-columns': { schema: { type: 'string' }, description: 'JSON array of {name, type}' },
              },
              content: resultTypes,
            },
            default: error,
          },
        },
      },
      '/queries/{id}': {
        parameters: [idParam],
        get: { operationId: 'getQuery', summary: "A query's state, progress and statistics (the caller's own queries; finished ones for 15 minutes)", responses: { 200: { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/QueryStatus' } } } }, default: error } },
        delete: { operationId: 'cancelQuery', summary: 'Cancel a running query (its stream ends with QueryCancelled)', responses: { 204: { description: 'Cancelled (or already finished)' }, default: error } },
      },
    },
    components: {
      schemas,
      securitySchemes: {
        sigv4: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'AWS Signature Version 4, service "s3"' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
  };
}
