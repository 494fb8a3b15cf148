/**
 * Composition root: wires config, stores, protocol and HTTP. The only module
 * that may import store implementations.
 */
export { startApp, OPERATOR_ACCOUNT_ID, type RunningApp, type StartOptions } from './start.js';
export { bootstrapOperator } from './accounts.js';
