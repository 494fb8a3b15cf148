/**
 * The admin API's OpenAPI 3.1 document, served at /admin/v1/openapi.json. A test checks
 * that every route the API serves is described here and the reverse.
 */
const error = { $ref: '#/components/responses/Error' };
const zonesBody = {
  required: true,
  content: {
    'application/json': {
      schema: {
        type: 'object', required: ['zones'],
        properties: { zones: { oneOf: [{ type: 'array', items: { $ref: '#/components/schemas/Zone' }, minItems: 1 }, { type: 'null' }] } },
      },
      example: { zones: ['EU'] },
    },
  },
};

export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sovra admin API',
      version: '1',
      description:
        'JSON API for operating Sovra: regions, residency policies (and, as they arrive, accounts, users, keys and usage). ' +
        'Requests are authenticated with AWS Signature Version 4 (service "s3", any region of the topology or us-east-1) using ' +
        'the same access keys as the S3 API; request bodies must be signed (x-amz-content-sha256 = SHA-256 of the body). ' +
        'Errors are {"error": {"code", "message", "requestId", "details"?}} with stable codes.',
    },
    servers: [{ url: '/admin/v1' }],
    security: [{ sigv4: [] }],
    paths: {
      '/regions': {
        get: {
          operationId: 'listRegions', summary: 'Regions of the topology, with their country and legal zones',
          responses: { '200': { description: 'The regions', content: { 'application/json': { schema: { $ref: '#/components/schemas/RegionList' } } } }, default: error },
        },
      },
      '/regions/nearest': {
        get: {
          operationId: 'nearestRegion',
          summary: 'The lowest-latency regions a residency policy allows, for a client location or measured round-trip times',
          parameters: [
            { name: 'zones', in: 'query', description: 'Policy zones, comma-separated (default: any region)', schema: { type: 'string' }, example: 'EU' },
            { name: 'from', in: 'query', description: 'A region id the client is in or next to', schema: { type: 'string' } },
            { name: 'location', in: 'query', description: 'Client coordinates "lat,lon"', schema: { type: 'string' }, example: '51.5,-0.12' },
            { name: 'rtt', in: 'query', description: 'Measured round trips "region=ms,..."', schema: { type: 'string' }, example: 'eu-fra=14,eu-par=9' },
          ],
          responses: { '200': { description: 'Candidates, best first', content: { 'application/json': { schema: { $ref: '#/components/schemas/Nearest' } } } }, default: error },
        },
      },
      '/buckets/{bucket}/residency': {
        parameters: [{ name: 'bucket', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          operationId: 'getBucketResidency', summary: "A bucket's region and residency policy (the bucket owner or the operator)",
          responses: { '200': { description: 'The policy', content: { 'application/json': { schema: { $ref: '#/components/schemas/Residency' } } } }, default: error },
        },
        put: {
          operationId: 'putBucketResidency',
          summary: "Set a bucket's residency policy (zones), or reset it to its primary region's country with null. Refused when the bucket's region, its replication destinations or the account's mandatory policy would fall outside.",
          requestBody: zonesBody,
          responses: { '200': { description: 'The policy now', content: { 'application/json': { schema: { $ref: '#/components/schemas/Residency' } } } }, default: error },
        },
      },
      '/accounts/{account}/residency': {
        parameters: [{ name: 'account', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          operationId: 'getAccountResidency', summary: "An account's mandatory residency policy (null when none)",
          responses: { '200': { description: 'The policy', content: { 'application/json': { schema: { $ref: '#/components/schemas/AccountResidency' } } } }, default: error },
        },
        put: {
          operationId: 'putAccountResidency',
          summary: "Set (operator only) an account's mandatory policy, which all its buckets must satisfy; null removes it. Refused when an existing bucket would fall outside.",
          requestBody: zonesBody,
          responses: { '200': { description: 'The policy now', content: { 'application/json': { schema: { $ref: '#/components/schemas/AccountResidency' } } } }, default: error },
        },
      },
    },
    components: {
      securitySchemes: {
        sigv4: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'AWS Signature Version 4 (AWS4-HMAC-SHA256), as for the S3 API.' },
      },
      responses: {
        Error: {
          description: 'An error with a stable code',
          content: {
            'application/json': {
              schema: {
                type: 'object', required: ['error'],
                properties: {
                  error: {
                    type: 'object', required: ['code', 'message', 'requestId'],
                    properties: { code: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' }, details: { type: 'object', additionalProperties: { type: 'string' } } },
                  },
                },
              },
            },
          },
        },
      },
      schemas: {
        Zone: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$', example: 'EU' },
        Region: {
          type: 'object', required: ['id', 'name', 'city', 'country', 'zones'],
          properties: {
            id: { type: 'string', example: 'eu-fra' }, name: { type: 'string' }, city: { type: 'string' },
            country: { type: 'string', description: 'ISO 3166-1 alpha-2' }, zones: { type: 'array', items: { $ref: '#/components/schemas/Zone' } },
            endpoint: { type: 'string' }, location: { type: 'object', properties: { lat: { type: 'number' }, lon: { type: 'number' } } },
          },
        },
        RegionList: { type: 'object', properties: { defaultRegion: { type: 'string' }, regions: { type: 'array', items: { $ref: '#/components/schemas/Region' } } } },
        Nearest: {
          type: 'object',
          properties: {
            recommended: { oneOf: [{ type: 'string' }, { type: 'null' }] },
            candidates: {
              type: 'array',
              items: {
                type: 'object',
                properties: { region: { type: 'string' }, rttMs: { oneOf: [{ type: 'number' }, { type: 'null' }] }, basis: { enum: ['declared', 'estimated', 'measured', 'unknown'] } },
              },
            },
          },
        },
        Residency: {
          type: 'object', required: ['bucket', 'region', 'zones', 'explicit', 'allowedRegions'],
          properties: {
            bucket: { type: 'string' }, region: { type: 'string' }, zones: { type: 'array', items: { $ref: '#/components/schemas/Zone' } },
            explicit: { type: 'boolean', description: 'false for the fail-closed default (the primary region\'s country)' },
            allowedRegions: { type: 'array', items: { type: 'string' } },
            mandatory: { type: 'array', items: { $ref: '#/components/schemas/Zone' } },
          },
        },
        AccountResidency: { type: 'object', properties: { account: { type: 'string' }, mandatory: { oneOf: [{ type: 'array', items: { $ref: '#/components/schemas/Zone' } }, { type: 'null' }] } } },
      },
    },
  };
}
