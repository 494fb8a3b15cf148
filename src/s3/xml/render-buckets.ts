/**
 * Service- and bucket-level read documents: ListBuckets and GetBucketLocation.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html
 */
import { escapeXml } from './escape.js';
import type { XmlOwner } from './types.js';
import { dateEl, el, optEl, ownerEl, xmlDocument } from './writer.js';

export interface XmlBucketEntry {
  name: string;
  creationDate: Date;
  /** Rendered as <BucketRegion> when given. */
  region?: string;
}

export interface ListAllMyBucketsXml {
  owner: XmlOwner;
  buckets: XmlBucketEntry[];
  /** Only for paginated ListBuckets (max-buckets): the token for the next page. */
  continuationToken?: string;
  /** Echo of the prefix parameter, when one was given. */
  prefix?: string;
}

export function renderListAllMyBuckets(r: ListAllMyBucketsXml): string {
  let body = ownerEl('Owner', r.owner) + '<Buckets>';
  for (const b of r.buckets) {
    body += `<Bucket>${el('Name', b.name)}${dateEl('CreationDate', b.creationDate)}${optEl('BucketRegion', b.region)}</Bucket>`;
  }
  body += '</Buckets>' + optEl('ContinuationToken', r.continuationToken) + optEl('Prefix', r.prefix);
  return xmlDocument('ListAllMyBucketsResult', body);
}

export interface LocationConstraintXml {
  /** The bucket's region. undefined, '' and 'us-east-1' all render the empty element, as AWS does. */
  region?: string;
}

export function renderLocationConstraint(r: LocationConstraintXml): string {
  const region = r.region === 'us-east-1' ? '' : (r.region ?? '');
  return xmlDocument('LocationConstraint', escapeXml(region));
}
