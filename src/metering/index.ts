/**
 * metering/: what Sovra counts for billing (see README.md): the contract (model.ts), the
 * per-process recorder of requests, transfer, replication and analytics, and the usage
 * reader across regions.
 *
 * Allowed imports: core/, meta/ types, billing/ (meter names, hours).
 */
export type * from './model.js';
export { MemoryUsageRecorder, type RecorderOptions, type RecorderStats } from './recorder.js';
export { createUsageSource, type MeteringReader, type StoredNow, type UsageRegion, type UsageSourceOptions } from './usage-source.js';
