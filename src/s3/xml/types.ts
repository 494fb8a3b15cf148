/**
 * Small value shapes shared by several S3 XML documents. They mirror the wire
 * format, not the engine: handlers map engine results onto them.
 */

export type XmlChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
export type XmlChecksumType = 'COMPOSITE' | 'FULL_OBJECT';

/**
 * Base64 checksum values by algorithm, rendered as `<ChecksumCRC32>` ... `<ChecksumSHA256>`
 * in that fixed order. A handler holding one `{ algorithm, value }` passes `{ [algorithm]: value }`.
 */
export type XmlChecksums = Partial<Record<XmlChecksumAlgorithm, string>>;

/** The order AWS lists checksum elements in; also the set of accepted element names. */
export const CHECKSUM_ALGORITHMS: readonly XmlChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'];

/** `<Owner>` / `<Initiator>`: AWS is phasing DisplayName out, so it is rendered only when given. */
export interface XmlOwner {
  id: string;
  displayName?: string;
}

/** One `<Tag>`; used both to render GetObjectTagging and as the result of parsing PutObjectTagging. */
export interface XmlTag {
  key: string;
  value: string;
}

/** One `<CORSRule>`; structurally identical to the engine's CorsRule so handlers can pass it through. */
export interface XmlCorsRule {
  id?: string;
  allowedOrigins: string[];
  allowedMethods: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}
