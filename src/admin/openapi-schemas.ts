/**
 * The components of the admin API's OpenAPI document: the JSON shapes (as the tenancy
 * model defines them), the two security schemes, the Idempotency-Key header and the error
 * with its stable codes.
 */
const str = { type: 'string' };
const strings = { type: 'array', items: str };
const nullable = (s: Record<string, unknown>) => ({ oneOf: [s, { type: 'null' }] });
const zones = { type: 'array', items: { $ref: '#/components/schemas/Zone' } };
const count = (description: string, minimum = 0) => ({ ...nullable({ type: 'integer', minimum }), description });

/** Every code an admin call may answer, with its HTTP status (the same the S3 API gives it). */
export const ADMIN_ERROR_CODES: Record<string, { status: number; when: string }> = {
  InvalidArgument: { status: 400, when: 'a field or query parameter has the wrong type or value (details.ArgumentName names it)' },
  InvalidRequest: { status: 400, when: 'the request cannot be understood: no such resource, a body that is not JSON, an unsigned body' },
  InvalidURI: { status: 400, when: 'a path segment is not valid percent-encoding' },
  InvalidRegion: { status: 400, when: 'a region that does not exist, or one the partner is not licensed for' },
  MalformedPolicy: { status: 400, when: 'a policy document that does not parse or validate (details.Line, details.Column)' },
  AuthorizationHeaderMalformed: { status: 400, when: 'the SigV4 credential scope names a region this deployment does not serve' },
  XAmzContentSHA256Mismatch: { status: 400, when: 'the body does not hash to the signed x-amz-content-sha256' },
  AccessDenied: { status: 403, when: 'not signed, invalid bearer token, disabled key, or an act the caller may not perform' },
  InvalidAccessKeyId: { status: 403, when: 'the access key does not exist (or is disabled)' },
  SignatureDoesNotMatch: { status: 403, when: 'the SigV4 signature is wrong' },
  RequestTimeTooSkewed: { status: 403, when: "the request's time is too far from the server's" },
  QuotaExceeded: { status: 403, when: 'a limit of the account would be exceeded' },
  ResidencyViolation: { status: 403, when: 'a residency policy would let data leave where it must stay' },
  NoSuchAccount: { status: 404, when: 'no account by that id or name that the caller may see' },
  NoSuchUser: { status: 404, when: 'no user by that name in the account' },
  NoSuchAccessKey: { status: 404, when: 'no access key by that id that the caller may see' },
  NoSuchPolicy: { status: 404, when: 'the user has no policy by that name' },
  NoSuchToken: { status: 404, when: 'no token by that id of the caller' },
  NoSuchBucket: { status: 404, when: 'the bucket does not exist' },
  NoSuchInvoice: { status: 404, when: 'no invoice or credit note by that number that the caller issued or received' },
  NoSuchPriceBook: { status: 404, when: 'the account has no price book by that id' },
  MethodNotAllowed: { status: 405, when: 'the resource exists but not with this method (see the Allow header)' },
  EntityAlreadyExists: { status: 409, when: 'an account, user or policy name that is taken' },
  Conflict: { status: 409, when: 'the entity is still in use (an account with users, keys, buckets or child accounts)' },
  IdempotencyKeyReused: { status: 422, when: 'an Idempotency-Key sent again with a different request' },
  Internal: { status: 500, when: 'a fault of the server (logged with the request id)' },
  Unavailable: { status: 503, when: 'the server cannot serve the request now; retry later' },
};

const errorCodeList = Object.entries(ADMIN_ERROR_CODES).map(([code, e]) => `- \`${code}\` (${e.status}): ${e.when}`).join('\n');

export const components = {
  securitySchemes: {
    sigv4: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'AWS Signature Version 4 (AWS4-HMAC-SHA256, service "s3"), as for the S3 API, with the same access keys. The body must be signed: x-amz-content-sha256 is its SHA-256.' },
    bearer: { type: 'http', scheme: 'bearer', description: 'A token from POST /tokens (console sessions). The body need not be signed.' },
  },
  parameters: {
    IdempotencyKey: {
      name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255 },
      description: 'Makes a POST safe to retry: the same key from the same user with the same request (method, path and body SHA-256) answers the first response again, with the header `idempotent-replayed: true`, for 24 hours; with a different request it fails with IdempotencyKeyReused (422).',
    },
    Limit: { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, description: 'Items per page' },
    Cursor: { name: 'cursor', in: 'query', schema: str, description: 'The nextCursor of the previous page' },
    Account: { name: 'account', in: 'path', required: true, schema: str, description: 'Account id (12 digits) or name' },
    UserName: { name: 'userName', in: 'path', required: true, schema: str },
    AccessKeyId: { name: 'accessKeyId', in: 'path', required: true, schema: str },
    IdOrName: { name: 'idOrName', in: 'path', required: true, schema: str, description: 'Account id (12 digits) or name' },
  },
  responses: {
    Error: {
      description: `An error with a stable code. The codes:\n${errorCodeList}`,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    },
    NoContent: { description: 'Done (no body)' },
  },
  schemas: {
    Error: {
      type: 'object', required: ['error'],
      properties: {
        error: {
          type: 'object', required: ['code', 'message', 'requestId'],
          properties: {
            code: { type: 'string', enum: Object.keys(ADMIN_ERROR_CODES) }, message: str, requestId: str,
            details: { type: 'object', additionalProperties: str, description: 'e.g. {"ArgumentName": "regions"} or, for MalformedPolicy, {"Line": "3", "Column": "14"}' },
          },
        },
      },
    },
    Zone: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$', example: 'EU' },
    Region: {
      type: 'object', required: ['id', 'name', 'city', 'country', 'zones'],
      properties: {
        id: { type: 'string', example: 'eu-fra' }, name: str, city: str,
        country: { type: 'string', description: 'ISO 3166-1 alpha-2' }, zones,
        endpoint: str, location: { type: 'object', properties: { lat: { type: 'number' }, lon: { type: 'number' } } },
      },
    },
    RegionList: { type: 'object', properties: { defaultRegion: str, regions: { type: 'array', items: { $ref: '#/components/schemas/Region' } } } },
    Nearest: {
      type: 'object',
      properties: {
        recommended: nullable(str),
        candidates: {
          type: 'array',
          items: { type: 'object', properties: { region: str, rttMs: nullable({ type: 'number' }), basis: { enum: ['declared', 'estimated', 'measured', 'unknown'] } } },
        },
      },
    },
    Residency: {
      type: 'object', required: ['bucket', 'region', 'zones', 'explicit', 'allowedRegions'],
      properties: {
        bucket: str, region: str, zones,
        explicit: { type: 'boolean', description: "false for the fail-closed default (the primary region's country)" },
        allowedRegions: strings, mandatory: zones,
      },
    },
    AccountResidency: { type: 'object', properties: { account: str, mandatory: nullable(zones) } },
    Brand: {
      type: 'object', required: ['displayName'], description: "What a partner's customers see instead of Sovra",
      properties: {
        displayName: str, logoUrl: { type: 'string', format: 'uri' }, supportContact: str,
        colors: { type: 'object', properties: { primary: { type: 'string', example: '#e20074' }, accent: str } },
        endpointHost: { type: 'string', example: 's3.cloud.example.de' },
      },
    },
    Quotas: {
      type: 'object', additionalProperties: false,
      description: "A customer's limits. Storage and requests: null = unlimited. Analytics (SQL queries and S3 Select): null = the server's limit; " +
        "a quota only narrows the server's limit (the effective limit is the smaller of the two), never widens it. A PATCH changes the fields it names.",
      properties: {
        maxBytes: count('Bytes stored, all versions and parts of uploads in progress included (QuotaExceeded beyond)'),
        maxBuckets: count('Buckets (QuotaExceeded beyond)'),
        maxRequestsPerSecond: count('S3 requests per second (SlowDown beyond)', 1),
        maxConcurrentQueries: count('Analytics queries the account runs at once, over all serving processes (TooManyQueries beyond); 0 turns analytics and S3 Select off for the account (QuotaExceeded)'),
        maxQuerySeconds: count('Seconds one query or S3 Select request may run, its result streamed included (QueryTimeout beyond)', 1),
        maxQueryMemoryBytes: count('DuckDB memory of one query or S3 Select request, bytes, at least 64 MiB (QueryMemoryExceeded beyond)', 64 * 1024 * 1024),
        maxQueryThreads: count('Worker threads of one query or S3 Select request', 1),
        maxQueryResultBytes: count('Largest result one query may return or write, bytes (ResultTooLarge beyond)', 1),
      },
    },
    Account: {
      type: 'object', required: ['id', 'kind', 'name', 'displayName', 'parentId', 'status', 'createdAt', 'regions'],
      properties: {
        id: { type: 'string', pattern: '^[0-9]{12}$' }, kind: { enum: ['operator', 'partner', 'customer'] },
        name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }, displayName: str, parentId: nullable(str),
        status: { enum: ['active', 'suspended'] }, createdAt: { type: 'string', format: 'date-time' },
        regions: { ...strings, description: "partner: licensed regions; customer: where it may place buckets (a subset of its partner's)" },
        brand: { $ref: '#/components/schemas/Brand' }, quotas: { $ref: '#/components/schemas/Quotas' },
        defaultResidency: nullable(zones), mandatoryResidency: nullable(zones),
      },
    },
    NewPartner: {
      type: 'object', required: ['name', 'regions'], additionalProperties: false,
      properties: { name: str, displayName: str, regions: strings, brand: { $ref: '#/components/schemas/Brand' } },
      example: { name: 'dt', displayName: 'DT Cloud', regions: ['eu-fra', 'eu-lon'], brand: { displayName: 'DT Cloud', supportContact: 'support@dt.example', colors: { primary: '#e20074' }, endpointHost: 's3.dt.example' } },
    },
    PartnerPatch: {
      type: 'object', additionalProperties: false,
      properties: { displayName: str, regions: strings, brand: { $ref: '#/components/schemas/Brand' }, status: { enum: ['active', 'suspended'] } },
    },
    NewCustomer: {
      type: 'object', required: ['name'], additionalProperties: false,
      properties: {
        name: str, displayName: str, partner: { type: 'string', description: 'Partner id or name; required when the operator creates the customer (a partner creates under itself)' },
        regions: strings, quotas: { $ref: '#/components/schemas/Quotas' }, defaultResidency: nullable(zones), mandatoryResidency: nullable(zones),
      },
      example: { name: 'acme', partner: 'dt', regions: ['eu-fra'], quotas: { maxBytes: 10737418240, maxBuckets: 20, maxRequestsPerSecond: 100, maxConcurrentQueries: 2, maxQuerySeconds: 60 }, defaultResidency: ['DE'], mandatoryResidency: ['EU'] },
    },
    CustomerPatch: {
      type: 'object', additionalProperties: false,
      properties: {
        displayName: str, regions: strings, quotas: { $ref: '#/components/schemas/Quotas' }, defaultResidency: nullable(zones), mandatoryResidency: nullable(zones),
        status: { enum: ['active', 'suspended'] },
      },
    },
    User: {
      type: 'object', required: ['id', 'accountId', 'name', 'admin', 'status', 'createdAt', 'arn'],
      properties: {
        id: str, accountId: str, name: { type: 'string', pattern: '^[A-Za-z0-9+=,.@_-]{1,64}$' },
        admin: { type: 'boolean', description: 'Account administrators act with every right within their account' },
        status: { enum: ['active', 'suspended'] }, createdAt: { type: 'string', format: 'date-time' }, arn: { type: 'string', example: 'arn:aws:iam::123456789012:user/alice' },
      },
    },
    NewUser: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: str, admin: { type: 'boolean', default: false } } },
    UserPatch: { type: 'object', additionalProperties: false, properties: { admin: { type: 'boolean' }, status: { enum: ['active', 'suspended'] } } },
    AccessKey: {
      type: 'object', required: ['accessKeyId', 'userId', 'status', 'createdAt'],
      properties: { accessKeyId: str, userId: str, status: { enum: ['active', 'disabled'] }, createdAt: { type: 'string', format: 'date-time' }, lastUsedAt: { type: 'string', format: 'date-time' } },
    },
    NewAccessKey: {
      allOf: [{ $ref: '#/components/schemas/AccessKey' }, { type: 'object', required: ['secretAccessKey'], properties: { secretAccessKey: { type: 'string', description: 'Shown once; never readable again' } } }],
    },
    NamedPolicy: {
      type: 'object', required: ['name', 'document', 'updatedAt'],
      properties: { name: str, document: { type: 'string', description: 'The policy JSON exactly as it was PUT' }, updatedAt: { type: 'string', format: 'date-time' } },
    },
    PolicyDocument: {
      type: 'object', required: ['Statement'], description: 'An IAM identity policy: Version, Statement[] with Effect, Action, Resource and Condition',
      properties: { Version: { type: 'string', example: '2012-10-17' }, Statement: { oneOf: [{ type: 'array', items: { type: 'object' } }, { type: 'object' }] } },
      example: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/*'] }] },
    },
    Token: {
      type: 'object', required: ['id', 'userId', 'createdAt', 'expiresAt'],
      properties: { id: str, userId: str, createdAt: { type: 'string', format: 'date-time' }, expiresAt: { type: 'string', format: 'date-time' } },
    },
    NewToken: {
      allOf: [{ $ref: '#/components/schemas/Token' }, { type: 'object', required: ['token'], properties: { token: { type: 'string', description: 'Shown once: send as "Authorization: Bearer <token>"' } } }],
    },
    AccessEvent: {
      type: 'object', required: ['id', 'at', 'kind', 'ownerAccountId', 'principalAccountId'],
      description: "A grant of access to a customer's data to a principal outside its account, or a use of one. Never carries object keys or contents.",
      properties: {
        id: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, kind: { enum: ['grant', 'revoke', 'use', 'onboarding'] },
        ownerAccountId: str, principalAccountId: str, principalArn: str, bucket: str, action: { type: 'string', example: 's3:GetObject' }, region: str, detail: str,
      },
    },
    WhoAmI: {
      type: 'object', required: ['accountId', 'accountKind', 'userId', 'userName', 'userArn', 'admin', 'authentication'],
      properties: {
        accountId: str, accountKind: { enum: ['operator', 'partner', 'customer'] }, parentAccountId: nullable(str),
        userId: str, userName: str, userArn: str, admin: { type: 'boolean' }, accessKeyId: nullable(str),
        authentication: { enum: ['sigv4', 'bearer'] }, account: { $ref: '#/components/schemas/Account', description: 'When the caller may read its account' },
      },
    },
    Page: {
      type: 'object', required: ['items'], description: 'One page of a list; pass nextCursor as ?cursor= for the next, absent on the last page',
      properties: { items: { type: 'array', items: {} }, nextCursor: str },
    },
  },
};
