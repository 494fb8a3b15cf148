/**
 * Port: which processes (engine instances) currently use a store. Garbage collection of
 * blobs and temp files must not touch what a live instance may be writing; a registration
 * ends when released or when its process dies (a kill -9 included), without timeouts.
 */
export interface InstanceLease {
  readonly id: string;
  release(): Promise<void>;
}

export interface LiveInstance {
  id: string;
  /** When it registered: it writes nothing before this (garbage collection relies on it). */
  registeredAt: Date;
}

export interface InstanceRegistry {
  /** Registers a live instance; its id names the instance's private temp area. */
  register(): Promise<InstanceLease>;
  /** Every live registration, this process's included. Dead ones are cleared. */
  live(): Promise<LiveInstance[]>;
}
