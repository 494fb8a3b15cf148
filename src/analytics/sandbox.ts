/**
 * The DuckDB a query runs in: a fresh in-memory instance per query that can reach nothing
 * but its own scratch directory. Extensions are neither installed nor loaded at run time
 * (json and parquet are built in), external access (files elsewhere, http, s3, ATTACH of
 * files) is off, and the configuration is locked, so a query cannot widen any of it
 * (SET, PRAGMA, RESET all fail). Memory, threads and spill space are capped per query.
 */
import { DuckDBInstance, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface SandboxLimits {
  /** DuckDB memory_limit in bytes. */
  memoryBytes: number;
  threads: number;
  /** Spill space in the scratch directory, in bytes. */
  tempBytes: number;
}

export interface Sandbox {
  connection: DuckDBConnection;
  /** Another connection to the same locked instance (its settings are the instance's). */
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Opens a locked instance whose only reachable directory is `scratchDir` (absolute). */
export async function openSandbox(scratchDir: string, limits: SandboxLimits): Promise<Sandbox> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    memory_limit: `${Math.max(16 * 1024 * 1024, Math.floor(limits.memoryBytes))}B`,
    threads: String(Math.max(1, Math.floor(limits.threads))),
  });
  const connection = await instance.connect();
  try {
    const dir = scratchDir.endsWith('/') ? scratchDir : scratchDir + '/';
    for (const statement of [
      // Parquet is built into the package (LOAD reads nothing from disk). Its footer cache lets
      // the query's second bind (the COPY after the prepare that reads the columns) skip
      // re-reading every file's metadata; the cache lives and dies with the instance.
      'LOAD parquet',
      'SET parquet_metadata_cache=true',
      `SET allowed_directories=[${sqlString(dir)}]`,
      `SET temp_directory=${sqlString(join(scratchDir, 'spill'))}`,
      `SET max_temp_directory_size='${Math.max(0, Math.floor(limits.tempBytes))}B'`,
      'SET allow_community_extensions=false',
      'SET allow_unsigned_extensions=false',
      'SET enable_external_access=false',
      'SET lock_configuration=true',
    ]) {
      await connection.run(statement);
    }
  } catch (e) {
    connection.closeSync();
    instance.closeSync();
    throw e;
  }
  return {
    connection,
    connect: () => instance.connect(),
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A query's scratch directory and the sandbox locked to it, which may still be opening. */
export interface SandboxLease {
  dir: string;
  /** What the sandbox was opened with (memory and threads are fixed for an instance's life). */
  limits: SandboxLimits;
  sandbox: Promise<Sandbox>;
}

/** Spares kept at most: the server's limits and one customer's, say; more would hold idle instances. */
export const MAX_SPARES = 2;

function sameLimits(a: SandboxLimits, b: SandboxLimits): boolean {
  return a.memoryBytes === b.memoryBytes && a.threads === b.threads && a.tempBytes === b.tempBytes;
}

/**
 * Keeps sandboxes open ahead of the next queries: opening a DuckDB instance costs 20-30 ms,
 * which would otherwise be on every query's path. A spare is as fresh as one opened on
 * demand (a new instance, its own new directory, nothing run in it but the locking
 * settings) and serves exactly one query. Memory and threads are locked into an instance
 * when it opens, so a spare serves only a query with the same limits; customers' quotas
 * make several sets of limits, and the pool keeps a spare for each of the most recently
 * used ones, at most MAX_SPARES (the least recently used is closed). Spares are opened when
 * a query ends, never at start: a server that runs no query holds no instance.
 */
export class SandboxPool {
  /** Waiting spares, the most recently asked-for limits last. */
  private spares: SandboxLease[] = [];
  /** Spares pushed out, still closing (close() waits for them). */
  private readonly discarding = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly root: string) {}

  /** The spare with these limits if there is one, else a sandbox opening now, in a new directory under the root. */
  take(limits: SandboxLimits): SandboxLease {
    const i = this.spares.findIndex((s) => sameLimits(s.limits, limits));
    if (i < 0) return this.open(limits);
    return this.spares.splice(i, 1)[0] ?? this.open(limits);
  }

  /**
   * Opens the next sandbox with these limits in the background, unless one is waiting (which
   * then counts as the most recently used); settles once it is open (or failed) and any
   * spare it pushed out is closed.
   */
  replenish(limits: SandboxLimits): Promise<void> {
    if (this.closed) return Promise.resolve();
    const i = this.spares.findIndex((s) => sameLimits(s.limits, limits));
    const spare = i < 0 ? this.open(limits) : this.spares.splice(i, 1)[0] ?? this.open(limits);
    this.spares.push(spare);
    const closing: Promise<void>[] = [];
    while (this.spares.length > MAX_SPARES) {
      const old = this.spares.shift();
      if (old) closing.push(this.discard(old));
    }
    return Promise.all([spare.sandbox.then(() => undefined, () => undefined), ...closing]).then(() => undefined);
  }

  /** The limits of the waiting spares, least recently used first. */
  spareLimits(): SandboxLimits[] {
    return this.spares.map((s) => s.limits);
  }

  private open(limits: SandboxLimits): SandboxLease {
    const dir = join(this.root, randomBytes(8).toString('hex'));
    const sandbox = (async () => {
      await mkdir(dir, { recursive: true });
      return openSandbox(dir, limits);
    })();
    // A spare that fails to open is reported to the query that takes it, not as unhandled.
    sandbox.catch(() => undefined);
    return { dir, limits: { ...limits }, sandbox };
  }

  private discard(lease: SandboxLease): Promise<void> {
    const done: Promise<void> = lease.sandbox
      .then((s) => s.close(), () => undefined)
      .then(() => rm(lease.dir, { recursive: true, force: true }))
      .catch(() => undefined)
      .finally(() => this.discarding.delete(done));
    this.discarding.add(done);
    return done;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const spare of this.spares.splice(0)) this.discard(spare);
    await Promise.all(this.discarding);
  }
}

/**
 * DuckDB's parser as a function: the query text goes in as a bound parameter (never spliced
 * into SQL), its parse tree comes out as JSON. One locked instance serves every parse.
 */
export class SqlParser {
  private state: Promise<{ instance: DuckDBInstance; connection: DuckDBConnection; statement: DuckDBPreparedStatement }> | undefined;
  /** Parses run one at a time on the one connection (a connection runs one statement at a time). */
  private queue: Promise<unknown> = Promise.resolve();

  async serialize(sql: string): Promise<string> {
    this.state ??= (async () => {
      const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false', threads: '1' });
      const connection = await instance.connect();
      await connection.run('SET enable_external_access=false');
      await connection.run('SET lock_configuration=true');
      // Prepared once: each parse only binds the text and runs (about a millisecond less than
      // a new connection and statement per parse).
      const statement = await connection.prepare('SELECT json_serialize_sql($1::VARCHAR)');
      return { instance, connection, statement };
    })();
    const { statement } = await this.state;
    const run = this.queue.then(async () => {
      statement.bindVarchar(1, sql);
      const reader = await statement.runAndReadAll();
      return String(reader.getRows()[0]?.[0] ?? '');
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    const state = this.state;
    this.state = undefined;
    if (!state) return;
    await this.queue;
    const { instance, connection, statement } = await state;
    statement.destroySync();
    connection.closeSync();
    instance.closeSync();
  }
}
