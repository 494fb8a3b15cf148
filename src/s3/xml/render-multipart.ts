/**
 * Multipart upload documents.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html
 */
import type { XmlChecksumAlgorithm, XmlChecksums, XmlChecksumType, XmlOwner } from './types.js';
import {
  boolEl,
  checksumEls,
  commonPrefixEls,
  dateEl,
  el,
  numEl,
  optEl,
  optNumEl,
  ownerEl,
  xmlDocument,
} from './writer.js';

export interface InitiateMultipartUploadResultXml {
  bucket: string;
  key: string;
  uploadId: string;
}

export function renderInitiateMultipartUpload(r: InitiateMultipartUploadResultXml): string {
  return xmlDocument('InitiateMultipartUploadResult', el('Bucket', r.bucket) + el('Key', r.key) + el('UploadId', r.uploadId));
}

export interface CompleteMultipartUploadResultXml {
  /** Absolute URL of the object, e.g. https://host/bucket/key (key path-encoded by the caller). */
  location: string;
  bucket: string;
  key: string;
  /** Quoted multipart ETag, "<md5hex>-<parts>". */
  etag: string;
  checksums?: XmlChecksums;
  checksumType?: XmlChecksumType;
}

export function renderCompleteMultipartUpload(r: CompleteMultipartUploadResultXml): string {
  const body =
    el('Location', r.location) +
    el('Bucket', r.bucket) +
    el('Key', r.key) +
    el('ETag', r.etag) +
    checksumEls(r.checksums) +
    optEl('ChecksumType', r.checksumType);
  return xmlDocument('CompleteMultipartUploadResult', body);
}

export interface CopyPartResultXml {
  etag: string;
  lastModified: Date;
  checksums?: XmlChecksums;
}

export function renderCopyPartResult(r: CopyPartResultXml): string {
  return xmlDocument('CopyPartResult', dateEl('LastModified', r.lastModified) + el('ETag', r.etag) + checksumEls(r.checksums));
}

export interface XmlPartEntry {
  partNumber: number;
  lastModified: Date;
  etag: string;
  size: number;
  checksums?: XmlChecksums;
}

export interface ListPartsXml {
  bucket: string;
  key: string;
  uploadId: string;
  initiator: XmlOwner;
  owner: XmlOwner;
  /** Defaults to STANDARD. */
  storageClass?: string;
  /** Always rendered; 0 when the request had none (AWS does the same). */
  partNumberMarker?: number;
  /** The last part number on this page; AWS renders it whenever parts were returned. */
  nextPartNumberMarker?: number;
  maxParts: number;
  isTruncated: boolean;
  checksumAlgorithm?: XmlChecksumAlgorithm;
  checksumType?: XmlChecksumType;
  parts: XmlPartEntry[];
}

export function renderListParts(r: ListPartsXml): string {
  let body =
    el('Bucket', r.bucket) +
    el('Key', r.key) +
    el('UploadId', r.uploadId) +
    ownerEl('Initiator', r.initiator) +
    ownerEl('Owner', r.owner) +
    el('StorageClass', r.storageClass ?? 'STANDARD') +
    numEl('PartNumberMarker', r.partNumberMarker ?? 0) +
    optNumEl('NextPartNumberMarker', r.nextPartNumberMarker) +
    numEl('MaxParts', r.maxParts) +
    boolEl('IsTruncated', r.isTruncated) +
    optEl('ChecksumAlgorithm', r.checksumAlgorithm) +
    optEl('ChecksumType', r.checksumType);
  for (const p of r.parts) {
    body +=
      '<Part>' +
      numEl('PartNumber', p.partNumber) +
      dateEl('LastModified', p.lastModified) +
      el('ETag', p.etag) +
      numEl('Size', p.size) +
      checksumEls(p.checksums) +
      '</Part>';
  }
  return xmlDocument('ListPartsResult', body);
}

export interface XmlUploadEntry {
  key: string;
  uploadId: string;
  initiator: XmlOwner;
  owner: XmlOwner;
  /** Defaults to STANDARD. */
  storageClass?: string;
  initiated: Date;
  checksumAlgorithm?: XmlChecksumAlgorithm;
  checksumType?: XmlChecksumType;
}

export interface ListMultipartUploadsXml {
  bucket: string;
  /** Always rendered; '' when the request had none. */
  keyMarker?: string;
  /** Always rendered; '' when the request had none. */
  uploadIdMarker?: string;
  nextKeyMarker?: string;
  nextUploadIdMarker?: string;
  prefix?: string;
  delimiter?: string;
  maxUploads: number;
  isTruncated: boolean;
  encodingType?: 'url';
  uploads: XmlUploadEntry[];
  commonPrefixes: string[];
}

export function renderListMultipartUploads(r: ListMultipartUploadsXml): string {
  let body =
    el('Bucket', r.bucket) +
    el('KeyMarker', r.keyMarker ?? '') +
    el('UploadIdMarker', r.uploadIdMarker ?? '') +
    optEl('NextKeyMarker', r.nextKeyMarker) +
    optEl('NextUploadIdMarker', r.nextUploadIdMarker) +
    optEl('Prefix', r.prefix) +
    optEl('Delimiter', r.delimiter) +
    optEl('EncodingType', r.encodingType) +
    numEl('MaxUploads', r.maxUploads) +
    boolEl('IsTruncated', r.isTruncated);
  for (const u of r.uploads) {
    body +=
      '<Upload>' +
      el('Key', u.key) +
      el('UploadId', u.uploadId) +
      ownerEl('Initiator', u.initiator) +
      ownerEl('Owner', u.owner) +
      el('StorageClass', u.storageClass ?? 'STANDARD') +
      dateEl('Initiated', u.initiated) +
      optEl('ChecksumAlgorithm', u.checksumAlgorithm) +
      optEl('ChecksumType', u.checksumType) +
      '</Upload>';
  }
  body += commonPrefixEls(r.commonPrefixes);
  return xmlDocument('ListMultipartUploadsResult', body);
}
