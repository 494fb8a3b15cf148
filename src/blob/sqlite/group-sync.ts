/**
 * Group commit for one file: many committers, few fdatasyncs. A caller asks for "a sync
 * that starts after now"; if none is running one starts at once, otherwise the caller
 * joins the round that starts when the running one ends. So under load each fdatasync
 * covers every commit made while the previous one was in flight, and a commit never
 * waits for more than two syncs.
 */

interface Round {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

function newRound(): Round {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export class GroupSync {
  private running: Promise<void> | undefined;
  private next: Round | undefined;

  constructor(private readonly sync: () => Promise<void>) {}

  /**
   * Resolves once a sync that started after this call has completed; rejects with that
   * sync's error. Callers must make their writes before calling.
   */
  request(): Promise<void> {
    const round = (this.next ??= newRound());
    if (this.running === undefined) this.start();
    return round.promise;
  }

  /** Resolves when no sync is running or waiting to run. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  private start(): void {
    const round = this.next as Round;
    this.next = undefined;
    let run: Promise<void>;
    try {
      run = this.sync();
    } catch (e) {
      run = Promise.reject(e);
    }
    this.running = run.then(round.resolve, round.reject).finally(() => {
      this.running = undefined;
      if (this.next !== undefined) this.start();
    });
  }
}
