/**
 * Who may see and do what in billing (usage, price books, billing profiles, tax rates,
 * invoices, credit notes, margins), on top of the account rules of access-rules.ts:
 * accounts an actor may not see answer NoSuchAccount as there; billing acts on an
 * account the actor sees but may not perform answer AccessDenied. Only administrators
 * deal with billing.
 *
 *  - usage: the operator all of it, a partner its own and its customers', a customer its own;
 *  - price books: a partner's (wholesale) are set by the operator and read by the partner;
 *    a customer's (retail) are set by its partner and read by the customer; the operator
 *    does not see retail prices (they are the partner's business);
 *  - billing profiles: the account itself, its partner, the operator;
 *  - tax rates: everyone reads them, the operator sets them;
 *  - invoice runs: wholesale by the operator, retail by a partner (for its own customers);
 *  - documents: only their issuer and their recipient see them; only the issuer credits them;
 *  - margins: a partner its own.
 */
import { OPERATOR_ACCOUNT_ID, type Principal } from './model.js';
import { AccessRules, denied } from './access-rules.js';
import type { SqliteAccountStore, StoredAccount } from './sqlite-account-store.js';

export type BillingKind = 'retail' | 'wholesale';

function requireAdmin(actor: Principal, what: string): void {
  if (!actor.admin) denied(`only administrators ${what}`);
}

export class BillingAccess {
  private readonly rules: AccessRules;

  constructor(private readonly store: SqliteAccountStore) {
    this.rules = new AccessRules(store);
  }

  /** The account ids whose usage the actor may read; undefined means every account (the operator). */
  usageScope(actor: Principal, account?: string): string[] | undefined {
    requireAdmin(actor, 'read usage');
    if (account !== undefined) return [this.rules.accountFor(actor, account).account.id];
    if (actor.accountKind === 'operator') return undefined;
    if (actor.accountKind === 'partner') return [actor.accountId, ...this.store.children(actor.accountId).map((c) => c.id)];
    return [actor.accountId];
  }

  /** The account whose price books the actor reads (a partner's wholesale, a customer's retail). */
  readBooks(actor: Principal, account: string): StoredAccount {
    requireAdmin(actor, 'read price books');
    const { account: a, rel } = this.rules.accountFor(actor, account);
    if (a.kind === 'customer' && rel === 'operator') denied(`a customer's retail prices are its partner's business`);
    return a;
  }

  /** The account whose price books the actor sets: the operator a partner's, a partner its customer's. */
  writeBooks(actor: Principal, account: string): StoredAccount {
    requireAdmin(actor, 'set price books');
    const { account: a, rel } = this.rules.accountFor(actor, account);
    if (a.kind === 'operator') denied('the operator has no price book; it prices its partners (wholesale)');
    if (a.kind === 'partner' && rel !== 'operator') denied(`${a.name}'s wholesale prices are set by the operator`);
    if (a.kind === 'customer' && rel !== 'parent') denied(`${a.name}'s retail prices are set by its partner`);
    return a;
  }

  /** Billing profiles: the account's own administrators, its partner's, the operator's. */
  profile(actor: Principal, account: string): StoredAccount {
    requireAdmin(actor, 'read or set billing profiles');
    return this.rules.accountFor(actor, account).account;
  }

  setTaxRates(actor: Principal): void {
    if (!actor.admin || actor.accountKind !== 'operator') denied("only the operator's administrators set tax rates");
  }

  /** The issuer of an invoice run: the operator (wholesale) or the calling partner (retail). */
  runIssuer(actor: Principal, billing: BillingKind): StoredAccount {
    requireAdmin(actor, 'run invoices');
    if (billing === 'wholesale' && actor.accountKind !== 'operator') denied('wholesale invoices are run by the operator');
    if (billing === 'retail' && actor.accountKind !== 'partner') denied("retail invoices are run by a partner for its customers");
    const issuer = this.store.getAccount(billing === 'wholesale' ? OPERATOR_ACCOUNT_ID : actor.accountId);
    if (!issuer) denied('the issuing account is gone');
    return issuer;
  }

  /** Whether the actor sees a document between these two accounts: it is one of them. */
  seesDocument(actor: Principal, doc: { issuerId: string; recipientId: string }): boolean {
    return actor.admin && (doc.issuerId === actor.accountId || doc.recipientId === actor.accountId);
  }

  /** The account whose documents the actor lists (its own, or one it deals with). */
  documentsOf(actor: Principal, account: string): StoredAccount {
    requireAdmin(actor, 'read invoices');
    return this.rules.accountFor(actor, account).account;
  }

  /** Only the issuer corrects a document. */
  creditNote(actor: Principal, doc: { issuerId: string }): void {
    requireAdmin(actor, 'issue credit notes');
    if (doc.issuerId !== actor.accountId) denied('only the issuer of an invoice issues its credit notes');
  }

  /** A partner's own margin report. */
  margin(actor: Principal, partner: string): StoredAccount {
    requireAdmin(actor, 'read margin reports');
    const { account, rel } = this.rules.accountFor(actor, partner);
    if (account.kind !== 'partner') denied(`${account.name} is a ${account.kind}; margin reports are a partner's`);
    if (rel !== 'self') denied(`${account.name}'s margins are its own business`);
    return account;
  }
}
