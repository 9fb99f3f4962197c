import { Readable } from 'node:stream';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { fetchCursorPage, type CursorRequest } from '../../../platform/db/cursor.js';
import type { SocialConfig } from '../config.js';
import { socialDb } from '../db.js';
import { filteredPosts, selectSummary } from './post-read.js';
import { matchSearch } from './post-search.js';
import type { ListFilters } from './post.schema.js';
import { csvLine } from './csv.js';

/** Rows per page of a CSV export. */
const EXPORT_PAGE = 500;

export const EXPORT_COLUMNS = ['id', 'title', 'text', 'status', 'scheduled_at', 'timezone', 'campaign', 'networks', 'author_email', 'version', 'created_at'] as const;

/** Reading posts many at a time: the searchable list and the CSV export (the calendar: post-calendar.service.ts). */
export class PostListService {
  constructor(private readonly ctx: PlatformContext, private readonly config: SocialConfig) {}

  /**
   * Newest first, a cursor page at a time; `q` is PostgreSQL full-text search over title and
   * text. One statement, so one round trip as the tenant (readAsTenant), as the platform's own
   * lists: a transaction of its own took three. A search adds one before it (post-search.ts).
   */
  async list(p: Principal, q: ListFilters & CursorRequest) {
    const search = q.q ? await matchSearch(this.ctx, p, q.q) : undefined;
    const posts = selectSummary(filteredPosts(socialDb.db(this.ctx), p.orgId, q, search));
    return fetchCursorPage(posts, { time: 'p.created_at', id: 'p.id' }, q, (page) => socialDb.readAsTenant(this.ctx, p, page));
  }

  /**
   * The filtered posts as CSV (header first), newest first, at most SOCIAL_CSV_EXPORT_MAX_ROWS,
   * streamed a page at a time (each page its own short tenant transaction), so a large export
   * is never held whole in memory. The first page is read before answering: a bad filter fails
   * with its 4xx, not in the middle of a download.
   */
  async exportCsv(p: Principal, q: ListFilters): Promise<Readable> {
    const max = this.config.csvExportMaxRows;
    // Matched once for the whole export: its pages then follow one set of posts.
    const search = q.q ? await matchSearch(this.ctx, p, q.q) : undefined;
    const pageOf = (cursor: string | undefined, limit: number) =>
      socialDb.withTenant(this.ctx, p, (tx) => {
        const rows = selectSummary(filteredPosts(tx, p.orgId, q, search))
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
