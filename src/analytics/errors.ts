/**
 * The analytics errors: typed AppErrors whose details carry the character position in the
 * query text when there is one (the API renders it as "position").
 */
import { fail } from '../core/errors.js';

export const POSITION = 'Position';

function withPosition(position: number | undefined): { details?: Record<string, string> } {
  return position === undefined ? {} : { details: { [POSITION]: String(position) } };
}

export function invalidQuery(message: string, position?: number): Error {
  return fail('InvalidQuery', message, withPosition(position));
}

export function queryRefused(message: string, position?: number): Error {
  return fail('QueryRefused', message, withPosition(position));
}
