/**
 * Who may see and do what in the account hierarchy (the checks every tenancy operation
 * starts with). Accounts and users an actor may not see answer NoSuch*, as if absent;
 * what it sees but may not change answers AccessDenied.
 */
import { fail } from '../core/errors.js';
import { OPERATOR_ACCOUNT_ID, ROOT_USER_NAME, type Principal, type User } from './model.js';
import type { SqliteAccountStore, StoredAccount, StoredKey } from './sqlite-account-store.js';

/** How the actor stands to an account it may see. */
export type Relation = 'self' | 'parent' | 'operator';

export function denied(message: string): never {
  throw fail('AccessDenied', message);
}
export function noSuchAccount(idOrName: string): never {
  throw fail('NoSuchAccount', `The account '${idOrName}' does not exist.`, { details: { Account: idOrName } });
}
export function noSuchUser(id: string): never {
  throw fail('NoSuchUser', `The user '${id}' does not exist.`, { details: { User: id } });
}
function noSuchKey(id: string): never {
  throw fail('NoSuchAccessKey', `The access key '${id}' does not exist.`, { details: { AccessKeyId: id } });
}
/** What the parent (or the operator) hears when it reaches into an account after onboarding. */
export function onlyAdmins(account: StoredAccount): never {
  denied(`only ${account.name}'s administrators manage its users and keys`);
}

export class AccessRules {
  constructor(private readonly store: SqliteAccountStore) {}

  /**
   * The account by id or name, if the actor may see it: its own account, and for
   * administrators also the operator's view of everything or a partner's of its customers.
   */
  accountFor(actor: Principal, idOrName: string): { account: StoredAccount; rel: Relation } {
    const account = (typeof idOrName === 'string' && (this.store.getAccount(idOrName) ?? this.store.getAccountByName(idOrName))) || undefined;
    if (!account) noSuchAccount(String(idOrName));
    if (account.id === actor.accountId) return { account, rel: 'self' };
    if (actor.admin && actor.accountKind === 'operator') return { account, rel: 'operator' };
    if (actor.admin && account.parentId === actor.accountId) return { account, rel: 'parent' };
    noSuchAccount(idOrName);
  }

  /** A user the actor may read: itself, its account's users (admins), users of accounts it oversees (admins). */
  readableUser(actor: Principal, userId: string): User {
    const user = typeof userId === 'string' ? this.store.getUser(userId) : undefined;
    if (!user) noSuchUser(String(userId));
    if (user.id === actor.userId) return user;
    if (user.accountId === actor.accountId) {
      if (!actor.admin) denied("only administrators read other users");
      return user;
    }
    try {
      this.accountFor(actor, user.accountId);
    } catch {
      noSuchUser(userId);
    }
    return user;
  }

  /** Its own keys, or any key of its account's users for an administrator. */
  mayManageKeys(actor: Principal, user: User): boolean {
    return user.id === actor.userId || (actor.admin && user.accountId === actor.accountId);
  }

  /** A user of the actor's own account, for one of its administrators. */
  manageableUser(actor: Principal, userId: string): User {
    const user = this.readableUser(actor, userId);
    if (user.accountId !== actor.accountId) onlyAdmins(this.store.getAccount(user.accountId)!);
    if (!actor.admin) denied('only administrators manage users');
    return user;
  }

  manageableKey(actor: Principal, accessKeyId: string): { key: StoredKey; user: User } {
    const key = typeof accessKeyId === 'string' ? this.store.getKey(accessKeyId) : undefined;
    if (!key) noSuchKey(String(accessKeyId));
    let user: User;
    try {
      user = this.readableUser(actor, key.userId);
    } catch {
      noSuchKey(accessKeyId);
    }
    if (!this.mayManageKeys(actor, user)) onlyAdmins(this.store.getAccount(user.accountId)!);
    return { key, user };
  }

  /** Users read their own policies; only their account's administrators change them. */
  policyUser(actor: Principal, userId: string, write: boolean): User {
    const user = this.readableUser(actor, userId);
    if (user.accountId !== actor.accountId) onlyAdmins(this.store.getAccount(user.accountId)!);
    if (!actor.admin && (write || user.id !== actor.userId)) denied('only administrators manage policies');
    return user;
  }

  /** Refuses to remove the last active administrator of an account (or the operator's root). */
  keepAnAdmin(user: User): void {
    if (user.accountId === OPERATOR_ACCOUNT_ID && user.name === ROOT_USER_NAME) {
      throw fail('Conflict', "The operator's root user cannot be deleted, suspended or lose its administrator rights.");
    }
    const others = this.store.usersOf(user.accountId).filter((u) => u.id !== user.id && u.admin && u.status === 'active');
    if (others.length === 0) throw fail('Conflict', `${user.name} is the last active administrator of its account; make another user an administrator first.`);
  }

  /** The operator's root user always keeps one active key. */
  keepRootKey(user: User, key: StoredKey): void {
    if (user.accountId !== OPERATOR_ACCOUNT_ID || user.name !== ROOT_USER_NAME || key.status !== 'active') return;
    const otherActive = this.store.keysOf(user.id).filter((k) => k.accessKeyId !== key.accessKeyId && k.status === 'active');
    if (otherActive.length === 0) throw fail('Conflict', "The last active access key of the operator's root user cannot be disabled or deleted; create another first.");
  }

}
