/**
 * The condition vocabulary: which keys a request context carries and which operators
 * apply to them. Keys are matched case-insensitively (as IAM does) and stored lower-cased.
 */

export type ValueType = 'string' | 'numeric' | 'date' | 'bool' | 'ip';

/** Supported keys in their documented spelling, with the type of their values. */
export const CONDITION_KEYS: Readonly<Record<string, readonly ValueType[]>> = {
  'aws:SourceIp': ['ip'],
  'aws:SecureTransport': ['bool'],
  'aws:CurrentTime': ['date'],
  'aws:EpochTime': ['date', 'numeric'],
  'aws:UserAgent': ['string'],
  'aws:Referer': ['string'],
  'aws:username': ['string'],
  'aws:userid': ['string'],
  'aws:PrincipalAccount': ['string'],
  'aws:PrincipalArn': ['string'],
  'aws:PrincipalType': ['string'],
  's3:prefix': ['string'],
  's3:delimiter': ['string'],
  's3:max-keys': ['numeric'],
  's3:x-amz-acl': ['string'],
  's3:VersionId': ['string'],
  's3:signatureversion': ['string'],
  's3:authType': ['string'],
  's3:x-amz-content-sha256': ['string'],
};

const BY_LOWER = new Map(Object.entries(CONDITION_KEYS).map(([k, t]) => [k.toLowerCase(), { name: k, types: t }]));

export function lookupKey(key: string): { name: string; types: readonly ValueType[] } | undefined {
  return BY_LOWER.get(key.toLowerCase());
}

export interface OperatorInfo {
  name: string;
  /** The family of values it compares; 'null' tests presence only. */
  type: ValueType | 'null';
  /** Negated operators match when no policy value matches (and when the key is absent). */
  negated: boolean;
}

const OPS: OperatorInfo[] = [
  { name: 'StringEquals', type: 'string', negated: false },
  { name: 'StringNotEquals', type: 'string', negated: true },
  { name: 'StringEqualsIgnoreCase', type: 'string', negated: false },
  { name: 'StringNotEqualsIgnoreCase', type: 'string', negated: true },
  { name: 'StringLike', type: 'string', negated: false },
  { name: 'StringNotLike', type: 'string', negated: true },
  { name: 'NumericEquals', type: 'numeric', negated: false },
  { name: 'NumericNotEquals', type: 'numeric', negated: true },
  { name: 'NumericLessThan', type: 'numeric', negated: false },
  { name: 'NumericLessThanEquals', type: 'numeric', negated: false },
  { name: 'NumericGreaterThan', type: 'numeric', negated: false },
  { name: 'NumericGreaterThanEquals', type: 'numeric', negated: false },
  { name: 'DateEquals', type: 'date', negated: false },
  { name: 'DateNotEquals', type: 'date', negated: true },
  { name: 'DateLessThan', type: 'date', negated: false },
  { name: 'DateLessThanEquals', type: 'date', negated: false },
  { name: 'DateGreaterThan', type: 'date', negated: false },
  { name: 'DateGreaterThanEquals', type: 'date', negated: false },
  { name: 'Bool', type: 'bool', negated: false },
  { name: 'IpAddress', type: 'ip', negated: false },
  { name: 'NotIpAddress', type: 'ip', negated: true },
  { name: 'Null', type: 'null', negated: false },
];

export const OPERATORS: readonly string[] = OPS.map((o) => o.name);

const OPS_BY_LOWER = new Map(OPS.map((o) => [o.name.toLowerCase(), o]));

/** The operator named `name` (without IfExists or a set qualifier), any case. */
export function lookupOperator(name: string): OperatorInfo | undefined {
  return OPS_BY_LOWER.get(name.toLowerCase());
}
