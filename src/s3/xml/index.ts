/**
 * s3/xml: every XML document Sovra's S3 protocol reads or writes.
 *
 * Renderers take one plain, wire-shaped structure each and return the whole
 * document (declaration included). Parsers take a request body and return a
 * typed value or throw AppError (MalformedXML unless AWS uses a more precise
 * code). Handlers map engine results onto these types; this module knows
 * nothing of the engine.
 *
 * Allowed imports: core/ and fast-xml-parser. Nothing else from src/.
 */

export { escapeXml } from './escape.js';
export { s3UrlEncode } from './url-encode.js';
export { XML_DECLARATION, S3_XMLNS, xmlTimestamp } from './writer.js';
export {
  CHECKSUM_ALGORITHMS,
  type XmlChecksumAlgorithm,
  type XmlChecksumType,
  type XmlChecksums,
  type XmlCorsRule,
  type XmlOwner,
  type XmlTag,
} from './types.js';
export { MAX_BUCKET_TAGS, MAX_CORS_RULES, MAX_DELETE_OBJECTS, MAX_OBJECT_TAGS, MAX_PART_NUMBER, XML_BODY_LIMITS } from './limits.js';

// Renderers
export {
  renderListAllMyBuckets,
  renderLocationConstraint,
  type ListAllMyBucketsXml,
  type LocationConstraintXml,
  type XmlBucketEntry,
} from './render-buckets.js';
export {
  renderListBucketV1,
  renderListBucketV2,
  renderListVersions,
  type ListBucketV1Xml,
  type ListBucketV2Xml,
  type ListVersionsXml,
  type XmlObjectEntry,
  type XmlVersionEntry,
} from './render-list.js';
export {
  urlEncodeListBucketV1,
  urlEncodeListBucketV2,
  urlEncodeListMultipartUploads,
  urlEncodeListVersions,
} from './encoding-type.js';
export {
  renderCompleteMultipartUpload,
  renderCopyPartResult,
  renderInitiateMultipartUpload,
  renderListMultipartUploads,
  renderListParts,
  type CompleteMultipartUploadResultXml,
  type CopyPartResultXml,
  type InitiateMultipartUploadResultXml,
  type ListMultipartUploadsXml,
  type ListPartsXml,
  type XmlPartEntry,
  type XmlUploadEntry,
} from './render-multipart.js';
export {
  renderCopyObjectResult,
  renderDeleteResult,
  renderObjectAttributes,
  renderPostResponse,
  type CopyObjectResultXml,
  type ObjectAttributesXml,
  type DeleteResultXml,
  type PostResponseXml,
  type XmlDeleteError,
  type XmlDeletedEntry,
} from './render-object.js';
export {
  renderCorsConfiguration,
  renderTagging,
  renderVersioningConfiguration,
  type CorsConfigurationXml,
  type TaggingXml,
  type VersioningConfigurationXml,
} from './render-config.js';
export {
  renderAccessControlPolicy,
  renderEmptyConfiguration,
  renderRequestPaymentConfiguration,
  type AccessControlPolicyXml,
  type EmptyConfigurationRoot,
  type RequestPaymentConfigurationXml,
  type XmlGrantee,
  type XmlPermission,
} from './render-acl.js';
export { renderError, type ErrorXml } from './render-error.js';

// Parsers
export { parseCreateBucketConfiguration, type CreateBucketConfigurationXml } from './parse-create-bucket.js';
export {
  normalizeEtag,
  parseCompleteMultipartUpload,
  type CompleteMultipartUploadXml,
  type XmlCompletePart,
} from './parse-complete-multipart.js';
export { parseDelete, type DeleteXml, type ParseDeleteOptions, type XmlDeleteObject } from './parse-delete.js';
export { parseTagging, validateTags, type ParseTaggingOptions } from './parse-tagging.js';
export { parseVersioningConfiguration } from './parse-versioning.js';
export { parseCorsConfiguration } from './parse-cors.js';
export { parseResidencyPolicy, renderResidencyPolicy, type ResidencyPolicyXml } from './residency.js';
