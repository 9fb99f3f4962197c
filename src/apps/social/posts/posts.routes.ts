import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, nonJsonResponse, parseInput, requestMeta } from '../../../platform/http/schemas.js';
import { cursorPageSchema, cursorQuery } from '../../../platform/db/cursor.js';
import { unsupportedMediaType } from '../../../platform/errors.js';
import { ok, wrap } from '../http/envelope.js';
import { requireWorkspace } from '../http/social-principal.js';
import type { SocialConfig } from '../config.js';
import { NETWORKS, POST_STATUSES } from '../schema.js';
import { timeZoneSchema } from '../workspace/time-zone.js';
import { PostsService } from './posts.service.js';
import { PostListService } from './post-list.service.js';
import { PostCalendarService } from './post-calendar.service.js';
import { PostsImportService } from './posts-import.service.js';
import { CALENDAR_DAY_COUNT_CAP, CALENDAR_PER_DAY_DEFAULT, CALENDAR_PER_DAY_MAX, calendarView, importResult, listFilters, mediaInput, postChanges, postFields, postSummary, postView, savedPost, variantsInput } from './post.schema.js';
import { checkDraft } from './rule-check.js';

/** A CSV of the largest import (10,000 rows of long posts) stays under this. */
const CSV_BODY_LIMIT = 20 * 1024 * 1024;

function duplicatesMessage(saved: { near_duplicates: unknown[] }): string | undefined {
  const n = saved.near_duplicates.length;
  return n ? `Saved. Its text is very close to ${n} other post(s) of this workspace (near_duplicates): check it is not posted twice` : undefined;
}

export async function postsRoutes(root: FastifyInstance, opts: { config: SocialConfig }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const posts = new PostsService(app.ctx, opts.config);
  const lists = new PostListService(app.ctx, opts.config);
  const calendars = new PostCalendarService(app.ctx, opts.config);
  const imports = new PostsImportService(app.ctx, opts.config);
  const tags = ['social: posts'];

  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: CSV_BODY_LIMIT }, (_req, body, done) => done(null, body));

  app.post('/posts', {
    schema: {
      tags,
      description: 'Create a draft (editors and admins): version 1 of its content, its targets and media. `near_duplicates` lists posts of the workspace with almost the same text (a warning: the post is saved).',
      body: postFields,
      response: { 201: ok(savedPost) },
    },
  }, async (request, reply) => {
    const saved = await posts.create(requireWorkspace(request, 'editor'), request.body, requestMeta(request));
    return reply.status(201).send(wrap(saved, duplicatesMessage(saved)));
  });

  app.post('/posts/check', {
    schema: {
      tags,
      description: 'Check a draft against each network\'s rules (the ones publishing enforces: length, media required, media count, types and sizes) without saving it. Each network gets its length, limit and the rules broken, in words.',
      body: z.strictObject({
        text: z.string().max(10_000),
        networks: z.array(z.enum(NETWORKS)).min(1).max(NETWORKS.length),
        variants: variantsInput.optional(),
        media: mediaInput.optional(),
      }),
      response: {
        200: ok(z.array(z.object({
          network: z.enum(NETWORKS),
          length: z.number().int(),
          max_length: z.number().int(),
          length_unit: z.string(),
          media_required: z.boolean(),
          max_media: z.number().int(),
          violations: z.array(z.object({ rule: z.string(), message: z.string(), mediaIndex: z.number().int().optional() })),
        }))),
      },
    },
  }, async (request) => wrap(await checkDraft(app.ctx, requireWorkspace(request), request.body)));

  app.get('/posts', {
    schema: {
      tags,
      description: 'The workspace\'s posts, newest first, with search (`q`) and filters; pass `next_cursor` back as `cursor` for the next page.',
      querystring: cursorQuery.extend(listFilters.shape),
      response: { 200: ok(cursorPageSchema(postSummary)) },
    },
  }, async (request) => wrap(await lists.list(requireWorkspace(request), request.query)));

  app.get('/posts/calendar', {
    schema: {
      tags,
      description: `A month or week at a glance: for each day between two days (inclusive, in the workspace's time zone or \`timezone\`) that has posts, how many (counted up to ${CALENDAR_DAY_COUNT_CAP}: \`total_capped\` says a day has at least that many), and the first \`per_day\` of them by slot in a compact shape (title, excerpt, status, slot, networks). Open a post for its full text.`,
      querystring: z.strictObject({
        from: z.iso.date(),
        to: z.iso.date(),
        timezone: timeZoneSchema.optional(),
        status: z.enum(POST_STATUSES).optional(),
        network: z.enum(NETWORKS).optional(),
        campaign_id: listFilters.shape.campaign_id,
        per_day: z.coerce.number().int().min(1).max(CALENDAR_PER_DAY_MAX).default(CALENDAR_PER_DAY_DEFAULT).describe('Posts shown per day; the rest are counted in `more`'),
      }),
      response: { 200: ok(calendarView) },
    },
  }, async (request) => wrap(await calendars.calendar(requireWorkspace(request), request.query)));

  app.get('/posts/export.csv', {
    schema: { tags, description: 'The filtered posts as CSV (newest first, at most SOCIAL_CSV_EXPORT_MAX_ROWS rows). Cells a spreadsheet would run as formulas start with an apostrophe.', querystring: listFilters, response: { 200: nonJsonResponse('CSV of posts', ['text/csv']) } },
  }, async (request, reply) => {
    const csv = await lists.exportCsv(requireWorkspace(request), request.query);
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="posts.csv"').send(csv);
  });

  app.post('/posts/import', {
    bodyLimit: CSV_BODY_LIMIT,
    schema: {
      tags,
      description: 'Import drafts from CSV: a `text/csv` body (or JSON `{"csv": "…"}`) with a header line; columns title, text (required), scheduled_at, timezone, campaign (name or id). Any bad row: 422 CSV_INVALID with every problem by row and column in details.errors, and nothing imported.',
      response: { 201: ok(importResult) },
    },
  }, async (request, reply) => {
    const p = requireWorkspace(request, 'editor');
    const body: unknown = request.body;
    let csv: string;
    if (typeof body === 'string') csv = body;
    else if (body && typeof body === 'object') csv = parseInput(z.strictObject({ csv: z.string().max(CSV_BODY_LIMIT) }), body).csv;
    else throw unsupportedMediaType('Send the CSV as a text/csv body, or as JSON {"csv": "…"}', 'CSV_REQUIRED');
    const result = await imports.importCsv(p, csv, requestMeta(request));
    return reply.status(201).send(wrap(result, `${result.imported} post(s) imported as drafts`));
  });

  app.get('/posts/:id', { schema: { tags, params: idParams, response: { 200: ok(postView) } } }, async (request) => wrap(await posts.get(requireWorkspace(request), request.params.id)));

  app.patch('/posts/:id', {
    schema: {
      tags,
      description: 'Change a post. New text, variants or media make a new version. In a workspace that requires approval, new content on a submitted or approved post makes it a draft again.',
      params: idParams,
      body: postChanges,
      response: { 200: ok(savedPost) },
    },
  }, async (request) => {
    const { saved, message } = await posts.update(requireWorkspace(request, 'editor'), request.params.id, request.body, requestMeta(request));
    return wrap(saved, message ?? duplicatesMessage(saved));
  });

  app.delete('/posts/:id', {
    schema: { tags, description: 'Soft delete: the post leaves lists and the calendar; its history stays in the activity log.', params: idParams, response: { 200: ok(z.object({ id: z.string(), deleted: z.literal(true) })) } },
  }, async (request) => {
    await posts.delete(requireWorkspace(request, 'editor'), request.params.id, requestMeta(request));
    return wrap({ id: request.params.id, deleted: true as const }, 'Post deleted');
  });
}
