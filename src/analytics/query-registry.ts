/**
 * Query state shared by the processes of one server (`sovra serve` runs one per core and
 * deals connections round robin): a small SQLite database (WAL) with a row per query, its
 * owner, the process running it, its latest status, and a cancellation request. The running
 * process writes its status as it goes and notices a cancellation written by another process;
 * any process answers a status from the row. Finished rows are pruned after a while. The
 * concurrency limits (per account, per server) are counted here too, over all processes.
 */
import Database from 'better-sqlite3';
import type { QueryStatus } from './query-run.js';

interface Row {
  pid: number;
  state: string;
  status: string;
  cancel: number;
}

export interface SharedQuery {
  /** The process that runs (or ran) it. */
  pid: number;
  status: QueryStatus;
}

export class QueryRegistry {
  private readonly db: Database.Database;
  private readonly statements;

  constructor(path: string, private readonly keepFinishedMs: number) {
    this.db = new Database(path);
    // The wait first: another process may be switching the database to WAL at the same moment.
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS queries (
      account TEXT NOT NULL, id TEXT NOT NULL, pid INTEGER NOT NULL, state TEXT NOT NULL,
      status TEXT NOT NULL, cancel INTEGER NOT NULL DEFAULT 0, finished INTEGER,
      PRIMARY KEY (account, id)) WITHOUT ROWID`);
    this.db.exec('CREATE INDEX IF NOT EXISTS queries_finished ON queries (finished) WHERE finished IS NOT NULL');
    this.statements = {
      get: this.db.prepare<[string, string], Row>('SELECT pid, state, status, cancel FROM queries WHERE account = ? AND id = ?'),
      put: this.db.prepare('INSERT OR REPLACE INTO queries (account, id, pid, state, status, cancel, finished) VALUES (?, ?, ?, ?, ?, 0, NULL)'),
      update: this.db.prepare('UPDATE queries SET state = ?, status = ?, finished = ? WHERE account = ? AND id = ? AND pid = ?'),
      cancel: this.db.prepare("UPDATE queries SET cancel = 1 WHERE account = ? AND id = ? AND state = 'running'"),
      prune: this.db.prepare('DELETE FROM queries WHERE finished IS NOT NULL AND finished < ?'),
      running: this.db.prepare<[], { account: string; pid: number }>("SELECT account, pid FROM queries WHERE state = 'running'"),
      begin: this.db.prepare('BEGIN IMMEDIATE'),
      commit: this.db.prepare('COMMIT'),
      rollback: this.db.prepare('ROLLBACK'),
    };
  }

  /**
   * Admits a query against limits that hold for all the server's processes together: counts
   * the queries running in live processes (the account's, and all) and records this one as
   * started, in one write transaction, so two processes cannot both take the last place.
   * Returns undefined when admitted, else which limit was reached and the running count.
   */
  admit(
    accountId: string,
    status: QueryStatus,
    limits: { perAccount: number; total: number },
    alive: (pid: number) => boolean,
  ): { limit: 'account' | 'total'; running: number } | undefined {
    this.statements.begin.run();
    try {
      let mine = 0;
      let total = 0;
      for (const r of this.statements.running.all()) {
        if (r.pid !== process.pid && !alive(r.pid)) continue; // a process that died ran nothing
        total++;
        if (r.account === accountId) mine++;
      }
      const refused = mine >= limits.perAccount ? { limit: 'account' as const, running: mine }
        : total >= limits.total ? { limit: 'total' as const, running: total } : undefined;
      if (refused === undefined) {
        this.statements.prune.run(Date.now() - this.keepFinishedMs);
        this.statements.put.run(accountId, status.id, process.pid, status.state, JSON.stringify(status));
      }
      this.statements.commit.run();
      return refused;
    } catch (e) {
      if (this.db.inTransaction) this.statements.rollback.run();
      throw e;
    }
  }

  get(accountId: string, id: string): (SharedQuery & { cancelRequested: boolean }) | undefined {
    const row = this.statements.get.get(accountId, id);
    if (!row) return undefined;
    return { pid: row.pid, status: JSON.parse(row.status) as QueryStatus, cancelRequested: row.cancel === 1 };
  }

  /** Writes this process's latest status of a query; true when another process asked to cancel it. */
  update(accountId: string, status: QueryStatus): boolean {
    const finished = status.state === 'running' ? null : Date.now();
    this.statements.update.run(status.state, JSON.stringify(status), finished, accountId, status.id, process.pid);
    return this.statements.get.get(accountId, status.id)?.cancel === 1;
  }

  /** Asks the process running the query to cancel it (it notices within a poll). */
  requestCancel(accountId: string, id: string): void {
    this.statements.cancel.run(accountId, id);
  }

  close(): void {
    this.db.close();
  }
}
