import { Readable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { fetchCursorPage, type CursorRequest } from '../../../platform/db/cursor.js';
import { badRequest } from '../../../platform/errors.js';
import type { SocialTables } from '../schema.js';
import type { SocialConfig } from '../config.js';
import { socialDb } from '../db.js';
import { settingsOf } from '../workspace/settings.service.js';
import { livePosts, selectCalendarEntry, selectSummary } from './post-read.js';
import type { ListFilters } from './post.schema.js';
import { csvLine } from './csv.js';

/** Rows per page of a CSV export. */
const EXPORT_PAGE = 500;

export const EXPORT_COLUMNS = ['id', 'title', 'text', 'status', 'scheduled_at', 'timezone', 'campaign', 'networks', 'author_email', 'version', 'created_at'] as const;

/** Reading posts many at a time: the searchable list, the calendar and the CSV export. */
export class PostListService {
  constructor(private readonly ctx: PlatformContext, private readonly config: SocialConfig) {}

  /**
   * Newest first, a cursor page at a time; `q` is PostgreSQL full-text search over title and
   * text. One statement, so one round trip as the tenant (readAsTenant), as the platform's own
   * lists: a transaction of its own took three.
   */
  list(p: Principal, q: ListFilters & CursorRequest) {
    const posts = selectSummary(filtered(socialDb.db(this.ctx), p.orgId, q));
    return fetchCursorPage(posts, { time: 'p.created_at', id: 'p.id' }, q, (page) => socialDb.readAsTenant(this.ctx, p, page));
  }

  /**
   * A calendar between two days (inclusive) of the workspace's time zone (or `timezone`): for
   * each day with posts, their count and the first `per_day` by slot, in a compact shape.
   * PostgreSQL does the zone arithmetic, daylight saving included: a 23:30 UTC slot is the next
   * day in Paris. A month of thousands of posts costs one grouped count over the
   * (org_id, scheduled_at) index and one short index range per day, never every post's text.
   */
  calendar(p: Principal, q: { from: string; to: string; timezone?: string; per_day: number } & Pick<ListFilters, 'status' | 'network' | 'campaign_id'>) {
    if (q.to < q.from) throw badRequest('to is before from: the calendar runs from the earlier day to the later one', undefined, 'INVALID_RANGE');
    const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 + 1;
    if (days > this.config.calendarMaxDays) throw badRequest(`The calendar shows at most ${this.config.calendarMaxDays} days at a time: ask for a shorter range`, undefined, 'RANGE_TOO_LONG');
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const zone = q.timezone ?? (await settingsOf(tx, p.orgId)).timezone;
      const dayStart = (day: string) => sql<Date>`(${day}::date::timestamp at time zone ${zone})`;
      const dayEnd = (day: string) => sql<Date>`((${day}::date + 1)::timestamp at time zone ${zone})`;
      const counts = await filtered(tx, p.orgId, q)
        .select([sql<string>`to_char(p.scheduled_at at time zone ${zone}, 'YYYY-MM-DD')`.as('day'), sql<number>`count(*)::int`.as('total')])
        .where('p.scheduled_at', '>=', dayStart(q.from))
        .where('p.scheduled_at', '<', dayEnd(q.to))
        // By position: the day expression carries parameters, so it cannot be repeated.
        .groupBy(sql`1`)
        .orderBy(sql`1`)
        .execute();
      if (counts.length === 0) return { timezone: zone, from: q.from, to: q.to, per_day: q.per_day, days: [] };
      const firstOf = (day: string) =>
        tx.selectFrom(
          selectCalendarEntry(filtered(tx, p.orgId, q))
            .select(sql<string>`${day}::text`.as('day'))
            .where('p.scheduled_at', '>=', dayStart(day))
            .where('p.scheduled_at', '<', dayEnd(day))
            .orderBy('p.scheduled_at')
            .orderBy('p.id')
            .limit(q.per_day)
            .as('d'),
        ).selectAll();
      const [first, ...others] = counts.map((c) => firstOf(c.day));
      const entries = await others.reduce((all, next) => all.unionAll(next), first!).execute();
      const byDay = new Map<string, Omit<(typeof entries)[number], 'day'>[]>();
      for (const { day, ...entry } of entries) {
        const list = byDay.get(day) ?? [];
        list.push(entry);
        byDay.set(day, list);
      }
      // Within a day, by slot: the union does not promise its branches' order.
      const bySlot = (a: { scheduled_at: Date; id: string }, b: { scheduled_at: Date; id: string }) => a.scheduled_at.getTime() - b.scheduled_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      return {
        timezone: zone,
        from: q.from,
        to: q.to,
        per_day: q.per_day,
        days: counts.map(({ day, total }) => {
          const posts = (byDay.get(day) ?? []).sort(bySlot);
          return { date: day, total, more: total - posts.length, posts };
        }),
      };
    });
  }

  /**
   * The filtered posts as CSV (header first), newest first, at most SOCIAL_CSV_EXPORT_MAX_ROWS,
   * streamed a page at a time (each page its own short tenant transaction), so a large export
   * is never held whole in memory. The first page is read before answering: a bad filter fails
   * with its 4xx, not in the middle of a download.
   */
  async exportCsv(p: Principal, q: ListFilters): Promise<Readable> {
    const max = this.config.csvExportMaxRows;
    const pageOf = (cursor: string | undefined, limit: number) =>
      socialDb.withTenant(this.ctx, p, (tx) => {
        const rows = selectSummary(filtered(tx, p.orgId, q))
          .leftJoin('social_campaigns as c', (j) => j.onRef('c.org_id', '=', 'p.org_id').onRef('c.id', '=', 'p.campaign_id'))
          .leftJoin('users as u', 'u.id', 'p.author_id')
          .select(['c.name as campaign_name', 'u.email as author_email']);
        return fetchCursorPage(rows, { time: 'p.created_at', id: 'p.id' }, { limit, cursor });
      });
    const first = await pageOf(undefined, Math.min(EXPORT_PAGE, max));
    async function* lines() {
      yield csvLine([...EXPORT_COLUMNS]);
      let page = first;
      let written = 0;
      for (;;) {
        let chunk = '';
        for (const r of page.items) chunk += csvLine([r.id, r.title, r.text, r.status, r.scheduled_at, r.timezone, r.campaign_name, r.networks.join(';'), r.author_email, r.current_version, r.created_at]);
        if (chunk) yield chunk;
        written += page.items.length;
        if (!page.next_cursor || written >= max) return;
        page = await pageOf(page.next_cursor, Math.min(EXPORT_PAGE, max - written));
      }
    }
    return Readable.from(lines());
  }
}

function filtered(db: Kysely<SocialTables>, orgId: string, f: ListFilters) {
  let q = livePosts(db, orgId);
  if (f.q) q = q.where(sql<boolean>`p.search_vector @@ websearch_to_tsquery('english', ${f.q})`);
  if (f.status) q = q.where('p.status', '=', f.status);
  if (f.campaign_id) q = q.where('p.campaign_id', '=', f.campaign_id);
  if (f.author_id) q = q.where('p.author_id', '=', f.author_id);
  if (f.created_from) q = q.where('p.created_at', '>=', new Date(f.created_from));
  if (f.created_to) q = q.where('p.created_at', '<', new Date(f.created_to));
  if (f.scheduled_from) q = q.where('p.scheduled_at', '>=', new Date(f.scheduled_from));
  if (f.scheduled_to) q = q.where('p.scheduled_at', '<', new Date(f.scheduled_to));
  if (f.network) {
    const network = f.network;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('social_post_platforms as pp')
          .innerJoin('social_accounts as a', (j) => j.onRef('a.org_id', '=', 'pp.org_id').onRef('a.id', '=', 'pp.account_id'))
          .select(sql`1`.as('one'))
          .whereRef('pp.org_id', '=', 'p.org_id')
          .whereRef('pp.post_id', '=', 'p.id')
          .where('a.network', '=', network),
      ),
    );
  }
  return q;
}
