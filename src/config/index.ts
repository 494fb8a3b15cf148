/**
 * Configuration: one schema, parsed once into a frozen Config.
 * Imports: core only.
 */
export { loadConfig, configHelp } from './load.js';
export { CONFIG_FIELDS, type Config } from './schema.js';
