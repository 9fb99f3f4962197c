import { sql, type SelectQueryBuilder } from 'kysely';
import { z } from 'zod';

/**
 * Page-numbered lists (`?page=&limit=` → `{items, total, page, limit, pages}`), the platform's
 * default list shape. Lists that grow while being read (audit, captures) use cursor.ts instead.
 */

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const pageQuery = z.strictObject({
  page: z.coerce.number().int().min(1).default(1),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});

export interface PageRequest {
  page: number;
  limit: number;
}

export interface PageInfo extends PageRequest {
  total: number;
  pages: number;
}

export type Page<T> = PageInfo & { items: T[] };

/** The zod response schema of a page of `item`, for a route's OpenAPI description. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), limit: z.number().int(), pages: z.number().int() });
}

/** A page request from callers that did not go through `pageQuery` (services called by apps): defaults and bounds applied. */
export function pageRequest(given: { page?: number; limit?: number }): PageRequest {
  const whole = (n: number | undefined, fallback: number) => (n !== undefined && Number.isFinite(n) ? Math.trunc(n) : fallback);
  return {
    page: Math.max(1, whole(given.page, 1)),
    limit: Math.max(1, Math.min(MAX_PAGE_SIZE, whole(given.limit, DEFAULT_PAGE_SIZE))),
  };
}

export function pageInfo(total: number, page: PageRequest): PageInfo {
  return { total, page: page.page, limit: page.limit, pages: Math.ceil(total / page.limit) };
}

/**
 * Count the rows `filtered` matches and read the requested page of them. `rows` adds the
 * selection and the order, which must end with a unique column (the id) so that rows with
 * equal sort keys keep their place between pages.
 */
export async function fetchPage<DB, TB extends keyof DB, O>(
  filtered: SelectQueryBuilder<DB, TB, object>,
  request: PageRequest,
  rows: (filtered: SelectQueryBuilder<DB, TB, object>) => SelectQueryBuilder<DB, TB, O>,
): Promise<Page<O>> {
  const page = pageRequest(request);
  const counted = await filtered.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow();
  const total = Number((counted as { total: number | string }).total);
  const items = await rows(filtered).limit(page.limit).offset((page.page - 1) * page.limit).execute();
  return { items, ...pageInfo(total, page) };
}

/** The same page with its items changed (to the API's view of a row). */
export function mapPage<T, U>(page: Page<T>, view: (item: T) => U): Page<U> {
  return { ...page, items: page.items.map(view) };
}
