import { sql, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import { notFound } from '../../../platform/errors.js';
import type { SocialPostsTable, SocialTables } from '../schema.js';
import { CALENDAR_EXCERPT_CHARS, type ListFilters } from './post.schema.js';
import { searchQuery, type SearchMatch } from './post-search.js';

type PostsDb = SocialTables & { p: SocialPostsTable };
type PostsFrom<O = object> = SelectQueryBuilder<PostsDb, 'p', O>;

/** A post as lists show it; `networks` are its targets' networks (kept on the post by triggers: 002_read_side.sql). */
export function selectSummary<O>(q: PostsFrom<O>) {
  return q.select([
    'p.id', 'p.title', 'p.current_text as text', 'p.status', 'p.scheduled_at', 'p.timezone', 'p.current_version', 'p.campaign_id', 'p.author_id', 'p.created_at', 'p.updated_at',
    'p.networks',
  ]);
}

/** A post as a calendar cell shows it: the text cut to an excerpt in the database, not sent whole. */
export function selectCalendarEntry<O>(q: PostsFrom<O>) {
  return q.select([
    'p.id', 'p.title', sql<string>`left(p.current_text, ${sql.lit(CALENDAR_EXCERPT_CHARS)})`.as('excerpt'), 'p.status', sql<Date>`p.scheduled_at`.as('scheduled_at'), 'p.timezone', 'p.networks',
  ]);
}

/** The workspace's posts not deleted: on a transaction, or on the pool for a one-trip tenant read. */
export function livePosts(db: Kysely<SocialTables>, orgId: string): PostsFrom {
  return db.selectFrom('social_posts as p').where('p.org_id', '=', orgId).where('p.deleted_at', 'is', null);
}

/**
 * The workspace's live posts matching a list's filters. The network is a column of the post
 * (kept by triggers), so filtering by it costs no subquery per post. A search (`q`) is best
 * matched first (post-search.ts) and passed as `search`; without it the words are tested post
 * by post, which gives the same rows.
 */
export function filteredPosts(db: Kysely<SocialTables>, orgId: string, f: ListFilters, search?: SearchMatch): PostsFrom {
  let q = livePosts(db, orgId);
  if (f.q) {
    const match = search ?? { words: f.q };
    q = 'ids' in match ? q.where(sql<boolean>`p.id = any(${match.ids}::uuid[])`) : q.where(sql<boolean>`p.search_vector @@ ${searchQuery(match.words)}`);
  }
  if (f.status) q = q.where('p.status', '=', f.status);
  if (f.network) q = q.where(sql<boolean>`p.networks @> array[${f.network}]::text[]`);
  if (f.campaign_id) q = q.where('p.campaign_id', '=', f.campaign_id);
  if (f.author_id) q = q.where('p.author_id', '=', f.author_id);
  if (f.created_from) q = q.where('p.created_at', '>=', new Date(f.created_from));
  if (f.created_to) q = q.where('p.created_at', '<', new Date(f.created_to));
  if (f.scheduled_from) q = q.where('p.scheduled_at', '>=', new Date(f.scheduled_from));
  if (f.scheduled_to) q = q.where('p.scheduled_at', '<', new Date(f.scheduled_to));
  return q;
}

/** The post row for a change, locked so two edits cannot take the same version number. */
export async function lockPost(tx: Transaction<SocialTables>, orgId: string, id: string) {
  const row = await tx
    .selectFrom('social_posts')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('Post');
  return row;
}

/** One post in full: its current version's variants and media, targets and latest approval. */
export async function readPost(tx: Transaction<SocialTables>, orgId: string, id: string) {
  const post = await selectSummary(livePosts(tx, orgId).where('p.id', '=', id))
    .select(['p.submitted_at', 'p.approved_at', 'p.approved_by', 'p.published_at'])
    .executeTakeFirst();
  if (!post) throw notFound('Post');
  const content = await tx
    .selectFrom('social_post_content')
    .select(['variants'])
    .where('org_id', '=', orgId)
    .where('post_id', '=', id)
    .where('version', '=', post.current_version)
    .executeTakeFirstOrThrow();
  const media = await tx
    .selectFrom('social_post_media as pm')
    .innerJoin('social_media_assets as m', (j) => j.onRef('m.org_id', '=', 'pm.org_id').onRef('m.id', '=', 'pm.media_id'))
    .select(['pm.network', 'pm.position', 'm.id', 'm.name', 'm.media_type'])
    .where('pm.org_id', '=', orgId)
    .where('pm.post_id', '=', id)
    .orderBy('pm.network')
    .orderBy('pm.position')
    .execute();
  const targets = await tx
    .selectFrom('social_post_platforms as pp')
    .innerJoin('social_accounts as a', (j) => j.onRef('a.org_id', '=', 'pp.org_id').onRef('a.id', '=', 'pp.account_id'))
    .select(['pp.id', 'pp.account_id', 'a.network', 'a.display_name', 'pp.state', 'pp.remote_id', 'pp.remote_url', 'pp.error', 'pp.attempts', 'pp.published_at'])
    .where('pp.org_id', '=', orgId)
    .where('pp.post_id', '=', id)
    .orderBy('a.network')
    .orderBy('pp.created_at')
    .execute();
  const latestApproval = await tx
    .selectFrom('social_approvals')
    .select(['id', 'version', 'decision', 'requested_by', 'requested_at', 'decided_by', 'decided_at', 'comment'])
    .where('org_id', '=', orgId)
    .where('post_id', '=', id)
    .orderBy('requested_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const byNetwork: Record<string, { id: string; name: string; media_type: string; position: number }[]> = {};
  for (const m of media) (byNetwork[m.network] ??= []).push({ id: m.id, name: m.name, media_type: m.media_type, position: m.position });
  return { ...post, variants: content.variants as Record<string, { text: string }>, media: byNetwork, targets, latest_approval: latestApproval ?? null };
}
