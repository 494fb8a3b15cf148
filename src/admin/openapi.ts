/**
 * The admin API's OpenAPI 3.1 document, served at /admin/v1/openapi.json. A test checks
 * that its paths and methods are exactly the routes the API serves.
 */
import { billingPaths, billingSchemas } from './openapi-billing.js';
import { components } from './openapi-schemas.js';

type Json = Record<string, unknown>;

const error = { $ref: '#/components/responses/Error' };
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const param = (name: string) => ({ $ref: `#/components/parameters/${name}` });
const json = (schema: Json, example?: unknown) => ({ 'application/json': { schema, ...(example !== undefined ? { example } : {}) } });
const body = (schema: Json, example?: unknown) => ({ required: true, content: json(schema, example) });
const pageOf = (item: string) => ({ allOf: [ref('Page'), { type: 'object', properties: { items: { type: 'array', items: ref(item) } } }] });
const paged = [param('Limit'), param('Cursor')];

interface Op {
  id: string;
  summary: string;
  description?: string;
  body?: Json;
  status?: 200 | 201 | 204;
  result?: Json;
  parameters?: Json[];
}

function op(o: Op): Json {
  const status = o.status ?? 200;
  const ok = status === 204 ? { $ref: '#/components/responses/NoContent' } : { description: status === 201 ? 'Created' : 'OK', content: json(o.result ?? {}) };
  return {
    operationId: o.id, summary: o.summary,
    ...(o.description ? { description: o.description } : {}),
    ...(o.parameters ? { parameters: o.parameters } : {}),
    ...(o.body ? { requestBody: o.body } : {}),
    responses: { [String(status)]: ok, default: error },
  };
}

/** A POST: it takes an Idempotency-Key. */
function post(o: Op): Json {
  return op({ ...o, parameters: [...(o.parameters ?? []), param('IdempotencyKey')] });
}

const DELETE_NOTE = 'Idempotent in effect: deleting what is already gone answers 404 with the NoSuch… code, and changes nothing.';

const zonesBody = body(
  { type: 'object', required: ['zones'], properties: { zones: { oneOf: [{ type: 'array', items: ref('Zone'), minItems: 1 }, { type: 'null' }] } } },
  { zones: ['EU'] },
);

const regionPaths: Json = {
  '/regions': { get: op({ id: 'listRegions', summary: 'Regions of the topology, with their country and legal zones', result: ref('RegionList') }) },
  '/regions/nearest': {
    get: op({
      id: 'nearestRegion', summary: 'The lowest-latency regions a residency policy allows, for a client location or measured round-trip times', result: ref('Nearest'),
      parameters: [
        { name: 'zones', in: 'query', description: 'Policy zones, comma-separated (default: any region)', schema: { type: 'string' }, example: 'EU' },
        { name: 'from', in: 'query', description: 'A region id the client is in or next to', schema: { type: 'string' } },
        { name: 'location', in: 'query', description: 'Client coordinates "lat,lon"', schema: { type: 'string' }, example: '51.5,-0.12' },
        { name: 'rtt', in: 'query', description: 'Measured round trips "region=ms,..."', schema: { type: 'string' }, example: 'eu-fra=14,eu-par=9' },
      ],
    }),
  },
  '/buckets/{bucket}/residency': {
    parameters: [{ name: 'bucket', in: 'path', required: true, schema: { type: 'string' } }],
    get: op({ id: 'getBucketResidency', summary: "A bucket's region and residency policy (the owner account's admins or the operator)", result: ref('Residency') }),
    put: op({
      id: 'putBucketResidency', body: zonesBody, result: ref('Residency'),
      summary: "Set a bucket's residency policy (zones), or reset it to its primary region's country with null. Refused when the bucket's region, its replication destinations or the account's mandatory policy would fall outside.",
    }),
  },
  '/accounts/{account}/residency': {
    parameters: [param('Account')],
    get: op({ id: 'getAccountResidency', summary: "An account's mandatory residency policy, null when none (its own admins, its partner, the operator)", result: ref('AccountResidency') }),
    put: op({
      id: 'putAccountResidency', body: zonesBody, result: ref('AccountResidency'),
      summary: "Set an account's mandatory policy, which all its buckets must satisfy; null removes it. A customer's: its own admins, its partner or the operator; a partner's or the operator's: the operator. Refused when an existing bucket would fall outside.",
    }),
  },
};

const accountPaths: Json = {
  '/whoami': { get: op({ id: 'whoAmI', summary: 'The calling user, its account and how it authenticated', result: ref('WhoAmI') }) },
  '/partners': {
    post: post({ id: 'createPartner', summary: 'Onboard a partner, licensed for a set of regions (operator)', body: body(ref('NewPartner')), status: 201, result: ref('Account') }),
    get: op({ id: 'listPartners', summary: 'Partners the caller may see (operator: all; a partner: itself)', parameters: paged, result: pageOf('Account') }),
  },
  '/partners/{idOrName}': {
    parameters: [param('IdOrName')],
    get: op({ id: 'getPartner', summary: 'A partner', result: ref('Account') }),
    patch: op({ id: 'updatePartner', summary: "Change a partner's display name, licensed regions, brand or status (operator)", body: body(ref('PartnerPatch')), result: ref('Account') }),
    delete: op({ id: 'deletePartner', summary: 'Delete a partner with no customers or users left (operator)', description: DELETE_NOTE, status: 204 }),
  },
  '/customers': {
    post: post({ id: 'createCustomer', summary: "Onboard a customer (a partner under itself, in its licensed regions; the operator under a named partner)", body: body(ref('NewCustomer')), status: 201, result: ref('Account') }),
    get: op({
      id: 'listCustomers', summary: 'Customers the caller may see (a partner: its own only)', result: pageOf('Account'),
      parameters: [{ name: 'partner', in: 'query', description: 'Only this partner\'s (id or name)', schema: { type: 'string' } }, ...paged],
    }),
  },
  '/customers/{idOrName}': {
    parameters: [param('IdOrName')],
    get: op({ id: 'getCustomer', summary: 'A customer', result: ref('Account') }),
    patch: op({ id: 'updateCustomer', summary: "Change a customer's regions, quotas (its partner or the operator only), residency or status", body: body(ref('CustomerPatch')), result: ref('Account') }),
    delete: op({ id: 'deleteCustomer', summary: 'Delete a customer with no users\' keys or buckets left', description: DELETE_NOTE, status: 204 }),
  },
  '/accounts/{account}/access-events': {
    parameters: [param('Account')],
    get: op({ id: 'listAccessEvents', summary: "Grants and uses of access to the account's data from outside it (the sovereignty record)", parameters: paged, result: pageOf('AccessEvent') }),
  },
};

const USER = '/accounts/{account}/users/{userName}';
const userParams = [param('Account'), param('UserName')];
const policyName = { name: 'policyName', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9+=,.@_-]{1,128}$' } };

const userPaths: Json = {
  '/accounts/{account}/users': {
    parameters: [param('Account')],
    post: post({ id: 'createUser', summary: 'Create a user (the account\'s admins; for a new customer, its partner creates the first admin)', body: body(ref('NewUser'), { name: 'alice', admin: true }), status: 201, result: ref('User') }),
    get: op({ id: 'listUsers', summary: 'Users of the account', parameters: paged, result: pageOf('User') }),
  },
  [USER]: {
    parameters: userParams,
    get: op({ id: 'getUser', summary: 'A user', result: ref('User') }),
    patch: op({ id: 'updateUser', summary: 'Make a user admin or not, suspend or reactivate it', body: body(ref('UserPatch')), result: ref('User') }),
    delete: op({ id: 'deleteUser', summary: 'Delete a user with its keys and policies', description: DELETE_NOTE, status: 204 }),
  },
  [`${USER}/access-keys`]: {
    parameters: userParams,
    post: post({ id: 'createAccessKey', summary: 'A new access key; the secret is in this answer only', status: 201, result: ref('NewAccessKey') }),
    get: op({ id: 'listAccessKeys', summary: "The user's access keys (never their secrets)", parameters: paged, result: pageOf('AccessKey') }),
  },
  '/access-keys/{accessKeyId}': {
    parameters: [param('AccessKeyId')],
    patch: op({ id: 'setAccessKeyStatus', summary: 'Disable or re-enable a key', body: body({ type: 'object', required: ['status'], properties: { status: { enum: ['active', 'disabled'] } } }, { status: 'disabled' }), result: ref('AccessKey') }),
    delete: op({ id: 'deleteAccessKey', summary: 'Delete a key', description: DELETE_NOTE, status: 204 }),
  },
  '/access-keys/{accessKeyId}/rotate': {
    parameters: [param('AccessKeyId')],
    post: post({
      id: 'rotateAccessKey', summary: 'A new key for the same user; the old one is disabled, or deleted with deleteOld', status: 201, result: ref('NewAccessKey'),
      body: { required: false, content: json({ type: 'object', properties: { deleteOld: { type: 'boolean', default: false } } }) },
    }),
  },
  [`${USER}/policies`]: {
    parameters: userParams,
    get: op({ id: 'listUserPolicies', summary: "The user's named identity policies", parameters: paged, result: pageOf('NamedPolicy') }),
  },
  [`${USER}/policies/{policyName}`]: {
    parameters: [...userParams, policyName],
    put: op({
      id: 'putUserPolicy', summary: 'Create or replace a named policy; the body is the policy document itself', result: ref('NamedPolicy'),
      description: 'Invalid JSON or an invalid policy fails with MalformedPolicy, with details.Line and details.Column.',
      body: body(ref('PolicyDocument')),
    }),
    get: op({ id: 'getUserPolicy', summary: 'A named policy, its document as it was PUT', result: ref('NamedPolicy') }),
    delete: op({ id: 'deleteUserPolicy', summary: 'Remove a named policy', description: DELETE_NOTE, status: 204 }),
  },
  '/tokens': {
    post: post({
      id: 'createToken', summary: 'A bearer token acting as the caller, for ttlSeconds (default 3600); the token is in this answer only', status: 201, result: ref('NewToken'),
      body: { required: false, content: json({ type: 'object', properties: { ttlSeconds: { type: 'integer', minimum: 1, default: 3600 } } }, { ttlSeconds: 3600 }) },
    }),
  },
  '/tokens/{tokenId}': {
    parameters: [{ name: 'tokenId', in: 'path', required: true, schema: { type: 'string' } }],
    delete: op({ id: 'deleteToken', summary: 'Revoke one of the caller\'s tokens', description: DELETE_NOTE, status: 204 }),
  },
};

export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sovra admin API',
      version: '1',
      description: [
        'JSON API for operating Sovra: regions, residency policies and the account hierarchy.',
        '',
        'Accounts: the operator onboards partners (resellers) and licenses each for a set of regions; a partner onboards customers in its',
        'licensed regions, with quotas and residency policies, and creates their first admin user; a customer\'s admins manage its users,',
        'access keys and identity policies. Lookups of things the caller may not see answer 404 as if they did not exist.',
        'The operator and partners never read customer data unless a customer\'s bucket policy grants it; every grant, use and',
        'onboarding act is recorded (GET /accounts/{account}/access-events).',
        '',
        'Example, onboarding (each step also as `sovra admin ...`):',
        '  as the operator:  POST /partners {"name": "dt-cloud", "regions": ["eu-fra", "eu-lon"]}',
        '                    POST /accounts/dt-cloud/users {"name": "admin", "admin": true}',
        '                    POST /accounts/dt-cloud/users/admin/access-keys {}       (the secret is in this answer only)',
        '  as the partner:   POST /customers {"name": "acme", "regions": ["eu-fra"], "quotas": {"maxBytes": 10737418240}}',
        '                    PATCH /customers/acme {"quotas": {"maxConcurrentQueries": 2, "maxQuerySeconds": 60}}   (analytics limits within the server\'s)',
        '                    POST /accounts/acme/users {"name": "alice", "admin": true}, then its access key',
        '  as acme\'s alice:  POST /accounts/acme/users {"name": "reporting"}',
        '                    PUT /accounts/acme/users/reporting/policies/read-reports <IAM policy JSON>',
        '',
        'Authentication: AWS Signature Version 4 (service "s3", any region of the topology or us-east-1) with the same access keys as the',
        'S3 API, the body signed (x-amz-content-sha256 = SHA-256 of the body); or `Authorization: Bearer <token>` with a token from POST /tokens.',
        '',
        'Lists take ?limit= and ?cursor= and answer {"items": [...], "nextCursor"?}. Every POST takes an Idempotency-Key header; PUT, PATCH',
        'and DELETE are idempotent by nature (a DELETE of what is gone answers 404 and changes nothing).',
        '',
        'Errors are {"error": {"code", "message", "requestId", "details"?}} with stable codes (see the Error response).',
        '',
        'Billing: the operator sets each partner\'s wholesale price book and the tax rates and invoices partners (POST /invoice-runs',
        '{"billing": "wholesale"}); a partner sets its customers\' retail books or markup rules and invoices them under its brand',
        '({"billing": "retail"}); invoices are immutable once issued (corrections are credit notes) and exported as JSON, CSV or HTML;',
        'GET /usage reads metered usage (never object keys).',
        '',
        'SQL over stored objects is a separate API on each region\'s S3 endpoint, described at /analytics/v1/openapi.json.',
      ].join('\n'),
    },
    servers: [{ url: '/admin/v1' }],
    security: [{ sigv4: [] }, { bearer: [] }],
    paths: { ...regionPaths, ...accountPaths, ...userPaths, ...billingPaths({ op, post, body, ref, param, pageOf, paged }) },
    components: { ...components, schemas: { ...components.schemas, ...billingSchemas } },
  };
}

/** "METHOD /path" for every operation of the document. */
export function documentedOperations(doc: Json = openApiDocument()): string[] {
  const paths = doc['paths'] as Record<string, Record<string, unknown>>;
  const methods = ['get', 'put', 'post', 'patch', 'delete'];
  return Object.entries(paths).flatMap(([path, item]) => Object.keys(item).filter((m) => methods.includes(m)).map((m) => `${m.toUpperCase()} ${path}`)).sort();
}
