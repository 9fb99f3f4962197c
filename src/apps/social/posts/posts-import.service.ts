import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import type { RequestMeta } from '../../../platform/audit/audit.service.js';
import { badRequest, unprocessable } from '../../../platform/errors.js';
import type { SocialTables } from '../schema.js';
import type { SocialConfig } from '../config.js';
import { socialDb } from '../db.js';
import { logActivity } from '../activity/activity-log.js';
import { settingsOf } from '../workspace/settings.service.js';
import { writeVersion } from './post-content.js';
import { CsvSyntaxError, parseCsv, unprotectCell } from './csv.js';
import { isTimeZone } from '../workspace/time-zone.js';

/** Columns an import understands; `text` is required. The export's other columns are ignored, so an export re-imports. */
const IMPORT_COLUMNS = ['title', 'text', 'scheduled_at', 'timezone', 'campaign'] as const;
const IGNORED_EXPORT_COLUMNS = ['id', 'status', 'networks', 'author_email', 'version', 'created_at'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export interface RowError {
  row: number;
  column: string;
  message: string;
}

interface DraftRow {
  title: string | null;
  text: string;
  scheduled_at: string | null;
  timezone: string | null;
  campaign_id: string | null;
}

/**
 * CSV import of drafts. Every row is checked first (text present and not too long, slot in the
 * future and well-formed, time zone known, campaign found by name or id and open); any bad
 * row answers 422 CSV_INVALID listing every problem by row and column, and nothing is
 * imported, so fixing the file and sending it again never duplicates the good rows.
 */
export class PostsImportService {
  constructor(private readonly ctx: PlatformContext, private readonly config: SocialConfig) {}

  importCsv(p: Principal, csv: string, meta: RequestMeta) {
    const rows = parse(csv);
    const [header, ...data] = rows;
    if (!header) throw badRequest('The CSV is empty: send a header line (title,text,scheduled_at,timezone,campaign) and one line per post', undefined, 'CSV_EMPTY');
    const columns = header.map((h) => h.trim().toLowerCase());
    const unknown = columns.filter((c) => !(IMPORT_COLUMNS as readonly string[]).includes(c) && !IGNORED_EXPORT_COLUMNS.includes(c));
    if (unknown.length) throw badRequest(`Unknown column(s) ${unknown.map((c) => `"${c}"`).join(', ')}: the import reads ${IMPORT_COLUMNS.join(', ')}`, undefined, 'CSV_COLUMNS');
    if (!columns.includes('text')) throw badRequest('The CSV needs a "text" column', undefined, 'CSV_COLUMNS');
    if (!data.length) throw badRequest('The CSV has a header but no posts', undefined, 'CSV_EMPTY');
    if (data.length > this.config.csvImportMaxRows) {
      throw badRequest(`The CSV has ${data.length} posts; one import takes at most ${this.config.csvImportMaxRows}: split the file`, undefined, 'CSV_TOO_MANY_ROWS');
    }

    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const campaigns = await openCampaigns(tx, p.orgId);
      const errors: RowError[] = [];
      const drafts: DraftRow[] = [];
      data.forEach((cells, index) => {
        // Row numbers as a spreadsheet shows them: the header is row 1.
        const row = index + 2;
        const cell = (name: string) => {
          const i = columns.indexOf(name);
          return i < 0 ? '' : unprotectCell(cells[i] ?? '').trim();
        };
        if (cells.length > columns.length) errors.push({ row, column: '*', message: `${cells.length} cells for ${columns.length} columns: quote cells that contain commas` });
        const draft = checkRow(row, cell, campaigns, errors);
        if (draft) drafts.push(draft);
      });
      if (errors.length) {
        throw unprocessable(`${errors.length} problem(s) in the CSV, nothing imported: fix the rows listed in details and send the file again`, 'CSV_INVALID', { errors });
      }
      const settings = await settingsOf(tx, p.orgId);
      const ids: string[] = [];
      for (const d of drafts) {
        const { id } = await tx
          .insertInto('social_posts')
          .values({ org_id: p.orgId, author_id: p.userId, title: d.title, campaign_id: d.campaign_id, scheduled_at: d.scheduled_at, timezone: d.timezone ?? settings.timezone })
          .returning('id')
          .executeTakeFirstOrThrow();
        await writeVersion(tx, p.orgId, id, 1, { text: d.text, variants: {}, media: {} }, p.userId);
        await logActivity(tx, p, meta, { action: 'post.created', entityType: 'post', entityId: id, details: { version: 1, source: 'csv' } });
        ids.push(id);
      }
      await logActivity(tx, p, meta, { action: 'posts.imported', entityType: 'import', details: { count: ids.length } });
      return { imported: ids.length, post_ids: ids };
    });
  }
}

function parse(csv: string): string[][] {
  try {
    return parseCsv(csv);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw badRequest(`The CSV cannot be read at line ${err.line}: ${err.message}`, { line: err.line }, 'CSV_SYNTAX');
    throw err;
  }
}

function checkRow(row: number, cell: (name: string) => string, campaigns: Map<string, { id: string; archived: boolean }>, errors: RowError[]): DraftRow | null {
  const before = errors.length;
  const text = cell('text');
  if (!text) errors.push({ row, column: 'text', message: 'a post needs text' });
  else if (text.length > 10_000) errors.push({ row, column: 'text', message: `${text.length} characters; at most 10000` });
  const title = cell('title');
  if (title.length > 200) errors.push({ row, column: 'title', message: `${title.length} characters; at most 200` });
  const at = cell('scheduled_at');
  if (at && (!ISO.test(at) || Number.isNaN(Date.parse(at)))) errors.push({ row, column: 'scheduled_at', message: `"${at}" is not a date-time with its offset, like 2030-05-01T09:00:00+02:00` });
  else if (at && Date.parse(at) <= Date.now()) errors.push({ row, column: 'scheduled_at', message: `${at} is in the past` });
  const zone = cell('timezone');
  if (zone && !isTimeZone(zone)) errors.push({ row, column: 'timezone', message: `"${zone}" is not an IANA time zone such as Europe/Paris` });
  const campaignRef = cell('campaign');
  const campaign = campaignRef ? campaigns.get(campaignRef.toLowerCase()) : undefined;
  if (campaignRef && !campaign) errors.push({ row, column: 'campaign', message: `no campaign "${campaignRef}" in this workspace (give its name or id)` });
  else if (campaign?.archived) errors.push({ row, column: 'campaign', message: `campaign "${campaignRef}" is archived` });
  if (errors.length > before) return null;
  return { title: title || null, text, scheduled_at: at || null, timezone: zone || null, campaign_id: campaign?.id ?? null };
}

/** The workspace's campaigns by lower-case name and by id. */
async function openCampaigns(tx: Transaction<SocialTables>, orgId: string) {
  const rows = await tx.selectFrom('social_campaigns').select(['id', 'name', sql<boolean>`status = 'archived'`.as('archived')]).where('org_id', '=', orgId).where('deleted_at', 'is', null).execute();
  const map = new Map<string, { id: string; archived: boolean }>();
  for (const r of rows) {
    map.set(r.name.toLowerCase(), { id: r.id, archived: r.archived });
    map.set(r.id, { id: r.id, archived: r.archived });
  }
  return map;
}
