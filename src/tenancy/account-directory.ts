/** Accounts as authorization and quota checks read them: the store plus the directory's mandatory residency. */
import type { Account, AccountDirectory, MandatoryResidencyPort } from './model.js';
import type { SqliteAccountStore, StoredAccount } from './sqlite-account-store.js';

/** Customers carry their mandatory residency, which the placement directory keeps. */
export async function withMandatoryResidency(a: StoredAccount, residency: MandatoryResidencyPort): Promise<Account> {
  if (a.kind !== 'customer') return { ...a };
  return { ...a, mandatoryResidency: (await residency.get(a.id)) ?? null };
}

export class StoreAccountDirectory implements AccountDirectory {
  constructor(private readonly deps: { store: SqliteAccountStore; residency: MandatoryResidencyPort }) {}

  async getAccountById(id: string): Promise<Account | undefined> {
    const a = this.deps.store.getAccount(id);
    return a ? withMandatoryResidency(a, this.deps.residency) : undefined;
  }
}
