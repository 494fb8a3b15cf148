/** The sovereignty record (grants and uses of cross-account access), appended to the account store. */
import type { AccessEvent, AccessRecorder } from './model.js';
import type { SqliteAccountStore } from './sqlite-account-store.js';

export class StoreAccessRecorder implements AccessRecorder {
  private readonly now: () => Date;

  constructor(private readonly deps: { store: SqliteAccountStore; clock?: () => Date; onEvent?: (e: AccessEvent) => void }) {
    this.now = deps.clock ?? (() => new Date());
  }

  async record(event: Omit<AccessEvent, 'id' | 'at'> & { at?: string }): Promise<void> {
    const e: Omit<AccessEvent, 'id'> = { ...event, at: event.at ?? this.now().toISOString() };
    const id = this.deps.store.insertEvent(e);
    this.deps.onEvent?.({ id, ...e });
  }
}
