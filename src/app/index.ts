/**
 * Composition root: wires config, stores, protocol and HTTP. The only module
 * that may import store implementations.
 */
export { startApp, ROOT_ACCOUNT_ID, type RunningApp, type StartOptions } from './start.js';
export { ensureRootCredentials, type RootCredentials } from './root-credentials.js';
