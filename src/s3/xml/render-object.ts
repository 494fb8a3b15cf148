/**
 * Object-level result documents: CopyObject, DeleteObjects and browser POST uploads.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
 */
import type { XmlChecksums, XmlChecksumType } from './types.js';
import { boolEl, checksumEls, dateEl, el, numEl, optEl, optNumEl, xmlDocument } from './writer.js';

export interface CopyObjectResultXml {
  etag: string;
  lastModified: Date;
  checksums?: XmlChecksums;
  checksumType?: XmlChecksumType;
}

export function renderCopyObjectResult(r: CopyObjectResultXml): string {
  const body =
    dateEl('LastModified', r.lastModified) + el('ETag', r.etag) + optEl('ChecksumType', r.checksumType) + checksumEls(r.checksums);
  return xmlDocument('CopyObjectResult', body);
}

export interface XmlDeletedEntry {
  key: string;
  /** The version that was deleted, when the request named one. */
  versionId?: string;
  /** True when the delete created (or removed) a delete marker. */
  deleteMarker?: boolean;
  /** The delete marker's version id, when deleteMarker is true. */
  deleteMarkerVersionId?: string;
}

export interface XmlDeleteError {
  key: string;
  versionId?: string;
  /** The S3 error code, e.g. AccessDenied. */
  code: string;
  message: string;
}

/**
 * In quiet mode AWS lists only errors: the caller passes `deleted: []` then.
 */
export interface DeleteResultXml {
  deleted: XmlDeletedEntry[];
  errors: XmlDeleteError[];
}

export function renderDeleteResult(r: DeleteResultXml): string {
  let body = '';
  for (const d of r.deleted) {
    body +=
      '<Deleted>' +
      el('Key', d.key) +
      optEl('VersionId', d.versionId) +
      (d.deleteMarker ? '<DeleteMarker>true</DeleteMarker>' : '') +
      optEl('DeleteMarkerVersionId', d.deleteMarkerVersionId) +
      '</Deleted>';
  }
  for (const e of r.errors) {
    body += '<Error>' + el('Key', e.key) + optEl('VersionId', e.versionId) + el('Code', e.code) + el('Message', e.message) + '</Error>';
  }
  return xmlDocument('DeleteResult', body);
}

/** Body of a POST upload answered with success_action_status=201. AWS sends it without a namespace. */
export interface PostResponseXml {
  location: string;
  bucket: string;
  key: string;
  etag: string;
}

export function renderPostResponse(r: PostResponseXml): string {
  return xmlDocument('PostResponse', el('Location', r.location) + el('Bucket', r.bucket) + el('Key', r.key) + el('ETag', r.etag), false);
}

export interface ObjectAttributesPartXml {
  partNumber: number;
  size: number;
  checksums?: XmlChecksums;
}

/** GetObjectAttributes: only the attributes asked for are present. */
export interface ObjectAttributesXml {
  /** Unquoted, as S3 sends it in this document. */
  etag?: string;
  checksum?: { checksums: XmlChecksums; checksumType: XmlChecksumType };
  objectParts?: {
    partsCount: number;
    partNumberMarker: number;
    nextPartNumberMarker?: number;
    maxParts: number;
    isTruncated: boolean;
    parts: ObjectAttributesPartXml[];
  };
  storageClass?: string;
  objectSize?: number;
}

export function renderObjectAttributes(r: ObjectAttributesXml): string {
  let body = optEl('ETag', r.etag);
  if (r.checksum) body += '<Checksum>' + checksumEls(r.checksum.checksums) + el('ChecksumType', r.checksum.checksumType) + '</Checksum>';
  const p = r.objectParts;
  if (p) {
    body += '<ObjectParts>' + numEl('PartsCount', p.partsCount) + numEl('PartNumberMarker', p.partNumberMarker) +
      optNumEl('NextPartNumberMarker', p.nextPartNumberMarker) + numEl('MaxParts', p.maxParts) + boolEl('IsTruncated', p.isTruncated);
    for (const part of p.parts) body += '<Part>' + checksumEls(part.checksums) + numEl('PartNumber', part.partNumber) + numEl('Size', part.size) + '</Part>';
    body += '</ObjectParts>';
  }
  body += optEl('StorageClass', r.storageClass);
  if (r.objectSize !== undefined) body += numEl('ObjectSize', r.objectSize);
  return xmlDocument('GetObjectAttributesResponse', body);
}
