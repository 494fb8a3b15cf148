/**
 * Tenancy: principals, access keys and (later) policies.
 * Imports: core only.
 */
export { StaticKeyStore, type KeyRecord, type KeyStore, type Principal } from './principal.js';
