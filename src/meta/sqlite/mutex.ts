/**
 * A FIFO async lock. One SQLite connection serves the whole process, so a transaction whose
 * callback awaits must keep every other caller off the connection until it commits.
 */
export class Mutex {
  private locked = false;
  private readonly waiters: (() => void)[] = [];

  /** Takes the lock if it is free, without waiting (no promise, no microtask). */
  tryAcquire(): boolean {
    if (this.locked) return false;
    this.locked = true;
    return true;
  }

  async acquire(): Promise<void> {
    if (!this.locked) {
      this.locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Hands the lock to the next waiter, or frees it. */
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.locked = false;
  }
}
