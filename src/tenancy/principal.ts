/**
 * Who is making a request. The storage core has one account (the root); the
 * tenancy issue adds the operator → partner → customer → user hierarchy behind
 * the same KeyStore port.
 */
export interface Principal {
  accountId: string;
  displayName: string;
  accessKeyId: string;
}

export interface KeyRecord {
  principal: Principal;
  secretAccessKey: string;
  disabled?: boolean;
}

/** Looks up the secret for SigV4 verification. Implementations cache as they see fit. */
export interface KeyStore {
  lookup(accessKeyId: string): Promise<KeyRecord | undefined> | KeyRecord | undefined;
}

/** A fixed set of keys held in memory (the root credentials of an embedded server). */
export class StaticKeyStore implements KeyStore {
  private readonly keys: Map<string, KeyRecord>;
  constructor(records: readonly KeyRecord[]) {
    this.keys = new Map(records.map((r) => [r.principal.accessKeyId, r]));
  }
  lookup(accessKeyId: string): KeyRecord | undefined {
    return this.keys.get(accessKeyId);
  }
}
