/**
 * Query state shared by the processes of one server (`sovra serve` runs one per core and
 * deals connections round robin): a small SQLite database (WAL) with a row per query, its
 * owner, the process running it, its latest status, and a cancellation request. The running
 * process writes its status as it goes and notices a cancellation written by another process;
 * any process answers a status from the row. Finished rows are pruned after a while.
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
    };
  }

  get(accountId: string, id: string): (SharedQuery & { cancelRequested: boolean }) | undefined {
    const row = this.statements.get.get(accountId, id);
    if (!row) return undefined;
    return { pid: row.pid, status: JSON.parse(row.status) as QueryStatus, cancelRequested: row.cancel === 1 };
  }

  /** Records a query this process starts (replacing a finished one of the same id). */
  started(accountId: string, status: QueryStatus): void {
    this.statements.prune.run(Date.now() - this.keepFinishedMs);
    this.statements.put.run(accountId, status.id, process.pid, status.state, JSON.stringify(status));
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
