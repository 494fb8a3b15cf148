/**
 * The load generator's signer: the shared client signer (src/client) with the positional
 * call shape the bench uses, and UNSIGNED-PAYLOAD so a 2 GiB body is never hashed here.
 */
import { SigV4Signer, UNSIGNED_PAYLOAD, type SignedRequest } from '../src/client/sigv4-signer.js';

export { uriEncode } from '../src/client/sigv4-signer.js';
export type Signed = SignedRequest;

export class SigV4 {
  private readonly signer: SigV4Signer;

  constructor(accessKey: string, secretKey: string, region: string, service = 's3') {
    this.signer = new SigV4Signer({ credentials: { accessKeyId: accessKey, secretAccessKey: secretKey }, region, service });
  }

  /** `rawPath` ("/bucket/obj") and query values unencoded; returns the encoded path (with query) and headers. */
  sign(method: string, host: string, rawPath: string, query: Record<string, string> = {}, extra: Record<string, string> = {}): Signed {
    return this.signer.sign({ method, host, path: rawPath, query, headers: extra, payloadHash: UNSIGNED_PAYLOAD });
  }
}
