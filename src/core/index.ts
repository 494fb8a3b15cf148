/**
 * Core: typed errors and the checksum toolkit. Imports nothing from src/.
 */
export { AppError, ErrorCodes, fail, isAppError, type AppErrorOptions, type ErrorCode } from './errors.js';
