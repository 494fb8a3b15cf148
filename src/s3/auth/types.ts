/**
 * The values the SigV4 modules exchange with the HTTP layer. Plain data only:
 * no framework types, so the same code verifies requests from any server glue.
 */

export interface SignableRequest {
  method: string;
  /** Path exactly as on the request line, still percent-encoded, no query. */
  rawPath: string;
  /** Query string exactly as received, without '?'; may be ''. */
  rawQuery: string;
  /**
   * Lower-case header names. Pass Node's `req.headersDistinct` when you can:
   * AWS joins repeated header values with ',', Node's `req.headers` joins them
   * with ', ', which changes the canonical request.
   */
  headers: Record<string, string | string[] | undefined>;
}

/**
 * What verifies a signature: the secret, or only the signing key derived from it for the
 * request's scope (date, region, service). A node that is not trusted with secrets (a region
 * node of a per-region deployment) gets the day's derived key from the control plane.
 */
export type Credential =
  | { accessKeyId: string; secretAccessKey: string }
  | { accessKeyId: string; signingKey: Buffer };

/** The credential scope of the request being verified. */
export interface SigningScope {
  date: string;
  region: string;
  service: string;
}

export type CredentialLookup = (
  accessKeyId: string,
  scope: SigningScope,
) => Promise<Credential | undefined> | Credential | undefined;

/** What x-amz-content-sha256 promised about the body. */
export type PayloadMode =
  /** The body must hash to this value; the caller checks it while streaming. */
  | { kind: 'signed'; sha256Hex: string }
  /** UNSIGNED-PAYLOAD (also what presigned URLs use). */
  | { kind: 'unsigned' }
  /** STREAMING-AWS4-HMAC-SHA256-PAYLOAD */
  | { kind: 'streaming-signed' }
  /** STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER */
  | { kind: 'streaming-signed-trailer' }
  /** STREAMING-UNSIGNED-PAYLOAD-TRAILER */
  | { kind: 'streaming-unsigned-trailer' };

/** Everything the aws-chunked decoder needs to continue the signature chain. */
export interface SigningContext {
  signingKey: Buffer;
  /** `yyyymmdd/region/s3/aws4_request` */
  scope: string;
  /** ISO 8601 basic timestamp of the request, e.g. 20130524T000000Z. */
  amzDate: string;
  /** The request's own signature: the first chunk signature chains from it. */
  seedSignature: string;
  region: string;
}

export interface Authenticated {
  anonymous: false;
  accessKeyId: string;
  presigned: boolean;
  payload: PayloadMode;
  signing: SigningContext;
  /** The region named in the credential scope; the caller decides if it is valid. */
  region: string;
}

export interface Anonymous {
  anonymous: true;
  payload: PayloadMode;
}

export interface AuthenticateOptions {
  lookup: CredentialLookup;
  now?: Date;
  /** Allowed clock difference for header auth (and "not yet valid" presigned URLs). Default 900. */
  maxSkewSeconds?: number;
  /** The SigV4 service name credentials must be scoped to. Default 's3'; node-to-node calls use their own. */
  service?: string;
}
