import { sql } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { TenantScope } from '../../../platform/db/tenant.js';
import { socialDb } from '../db.js';

/**
 * What a full-text search matches: the posts' ids when few do, else the words themselves.
 *
 * Under row-level security PostgreSQL never uses the search_vector GIN index for a tenant's
 * query (`@@` is not leakproof; 003_search.sql says more), so a rare word walked the whole
 * workspace testing each post: about 40 ms over 100,000. A search therefore first asks
 * social_posts_matching(), which matches inside the caller's workspace where the index is
 * usable, for up to SEARCH_IDS_MAX + 1 ids:
 * - at most SEARCH_IDS_MAX: those are all the matches, and the list reads them by id;
 * - more: the words are common, so walking the newest posts and testing each fills a page
 *   after a few rows, and the list does that.
 */
export type SearchMatch = { ids: string[] } | { words: string };

/** Most matches a search names by id; each is one primary-key read when the page is built. */
export const SEARCH_IDS_MAX = 200;

/** The web-search syntax (words, "phrases", -excluded, or) as a tsquery, in one place. */
export const searchQuery = (words: string) => sql`websearch_to_tsquery('english', ${words})`;

export async function matchSearch(ctx: PlatformContext, scope: TenantScope, words: string): Promise<SearchMatch> {
  const db = socialDb.db(ctx);
  const rows = await socialDb.readAsTenant(
    ctx,
    scope,
    db.selectFrom(sql<{ id: string }>`social_posts_matching(${searchQuery(words)}, ${SEARCH_IDS_MAX + 1})`.as('m')).select(sql<string>`m.id`.as('id')),
  );
  return rows.length > SEARCH_IDS_MAX ? { words } : { ids: rows.map((r) => r.id) };
}
