/**
 * Pages over lists the service returns whole (a user's access keys and policies: a handful
 * each), so every list of the API pages the same way. The cursor is the last item's key.
 */
import { fail } from '../core/errors.js';
import type { Page, PageRequest } from '../tenancy/model.js';

export const DEFAULT_PAGE_LIMIT = 100;

export function pageOf<T>(all: readonly T[], page: PageRequest, keyOf: (item: T) => string): Page<T> {
  let start = 0;
  if (page.cursor !== undefined) {
    const after = Buffer.from(page.cursor, 'base64url').toString('utf8');
    const i = all.findIndex((x) => keyOf(x) === after);
    if (i < 0) throw fail('InvalidArgument', 'The cursor is not valid for this list (the item it points at is gone); start again without it.', { details: { ArgumentName: 'cursor' } });
    start = i + 1;
  }
  const limit = page.limit ?? DEFAULT_PAGE_LIMIT;
  const items = all.slice(start, start + limit);
  const last = items[items.length - 1];
  return start + limit < all.length && last !== undefined ? { items, nextCursor: Buffer.from(keyOf(last), 'utf8').toString('base64url') } : { items };
}
