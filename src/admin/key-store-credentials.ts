/**
 * Transitional: the storage core's KeyStore (the root key alone) as a CredentialResolver,
 * for an app that has not yet wired the tenancy service. Its one account is the operator
 * when its id is `operatorAccountId`; every key acts as that account's administrator.
 * Bearer tokens do not exist without the tenancy service.
 */
import type { CredentialResolver, Principal } from '../tenancy/model.js';
import type { KeyStore } from '../tenancy/principal.js';

export function keyStoreCredentials(keys: KeyStore, operatorAccountId: string): CredentialResolver {
  return {
    async lookupKey(accessKeyId) {
      const rec = await keys.lookup(accessKeyId);
      if (!rec) return undefined;
      const p = rec.principal;
      const principal: Principal = {
        accountId: p.accountId,
        accountKind: p.accountId === operatorAccountId ? 'operator' : 'customer',
        parentAccountId: p.accountId === operatorAccountId ? null : operatorAccountId,
        userId: p.accessKeyId,
        userName: p.displayName,
        userArn: `arn:aws:iam::${p.accountId}:user/${p.displayName}`,
        displayName: p.displayName,
        admin: true,
        accessKeyId: p.accessKeyId,
        policies: [],
      };
      return { principal, secretAccessKey: rec.secretAccessKey, disabled: rec.disabled === true };
    },
    lookupToken: async () => undefined,
  };
}
