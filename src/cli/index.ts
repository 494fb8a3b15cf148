/**
 * The `sovra` command: `serve` runs the server through the composition root (app/).
 * Later commands are clients of the admin API, never a second code path.
 */
export { serve } from './serve.js';
