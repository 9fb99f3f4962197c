import { z } from 'zod';
import { uuid } from '../../../platform/http/schemas.js';
import { NETWORKS, POST_STATUSES, TARGET_STATES } from '../schema.js';
import { timeZoneSchema } from '../workspace/time-zone.js';

const MAX_TEXT = 10_000;
const MAX_MEDIA_PER_TARGET = 20;
const network = z.enum(NETWORKS);

export const variantsInput = z
  .partialRecord(network, z.strictObject({ text: z.string().min(1).max(MAX_TEXT) }))
  .describe('Per-network text replacing `text` on that network, e.g. {"x": {"text": "short version"}}');

export const mediaInput = z
  .partialRecord(z.enum(['*', ...NETWORKS]), z.array(uuid).max(MAX_MEDIA_PER_TARGET))
  .describe('Media library ids in order, per network; "*" is every network without its own list. {"*": [id1], "instagram": [id2, id3]}')
  .refine((m) => Object.values(m).every((ids) => new Set(ids).size === ids!.length), 'a media id appears twice in one list');

const isoDate = z.iso.datetime({ offset: true });

export const postFields = z.strictObject({
  title: z.string().trim().max(200).nullable().optional(),
  text: z.string().min(1, 'a post needs text').max(MAX_TEXT),
  variants: variantsInput.optional(),
  media: mediaInput.optional(),
  account_ids: z.array(uuid).max(50).optional().describe('Connected accounts to publish to (GET /social/api/accounts); one target each'),
  campaign_id: uuid.nullable().optional(),
  scheduled_at: isoDate.nullable().optional().describe('The planned slot; must be in the future'),
  timezone: timeZoneSchema.optional().describe('IANA zone the slot was chosen in; default the workspace\'s'),
});
export type PostInput = z.infer<typeof postFields>;

export const postChanges = postFields.partial().refine((c) => Object.keys(c).length > 0, 'send at least one field to change');
export type PostChanges = z.infer<typeof postChanges>;

export const listFilters = z.strictObject({
  q: z.string().trim().min(1).max(200).optional().describe('Full-text search (web-search syntax: words, "phrases", -excluded, or)'),
  status: z.enum(POST_STATUSES).optional(),
  network: network.optional().describe('Posts with a target on this network'),
  campaign_id: uuid.optional(),
  author_id: uuid.optional(),
  created_from: isoDate.optional(),
  created_to: isoDate.optional(),
  scheduled_from: isoDate.optional(),
  scheduled_to: isoDate.optional(),
});
export type ListFilters = z.infer<typeof listFilters>;

export const postSummary = z.object({
  id: z.string(),
  title: z.string().nullable(),
  text: z.string(),
  status: z.enum(POST_STATUSES),
  scheduled_at: z.date().nullable(),
  timezone: z.string(),
  current_version: z.number().int(),
  campaign_id: z.string().nullable(),
  author_id: z.string().nullable(),
  networks: z.array(z.string()),
  created_at: z.date(),
  updated_at: z.date(),
});

const target = z.object({
  id: z.string(),
  account_id: z.string(),
  network: z.string(),
  display_name: z.string(),
  state: z.enum(TARGET_STATES),
  remote_id: z.string().nullable(),
  remote_url: z.string().nullable(),
  error: z.string().nullable(),
  attempts: z.number().int(),
  published_at: z.date().nullable(),
});

const mediaRef = z.object({ id: z.string(), name: z.string(), media_type: z.string(), position: z.number().int() });

export const approvalView = z.object({
  id: z.string(),
  version: z.number().int(),
  decision: z.enum(['pending', 'approved', 'rejected', 'withdrawn']),
  requested_by: z.string().nullable(),
  requested_at: z.date(),
  decided_by: z.string().nullable(),
  decided_at: z.date().nullable(),
  comment: z.string().nullable(),
});

export const postView = postSummary.extend({
  variants: z.record(z.string(), z.object({ text: z.string() })),
  media: z.record(z.string(), z.array(mediaRef)),
  targets: z.array(target),
  latest_approval: approvalView.nullable(),
  submitted_at: z.date().nullable(),
  approved_at: z.date().nullable(),
  approved_by: z.string().nullable(),
  published_at: z.date().nullable(),
});

export const nearDuplicate = z.object({ post_id: z.string(), similarity: z.number(), excerpt: z.string() });

/** A saved post with the near-duplicate warnings about its text (empty when none). */
export const savedPost = z.object({ post: postView, near_duplicates: z.array(nearDuplicate) });

export const versionView = z.object({
  version: z.number().int(),
  text: z.string(),
  variants: z.record(z.string(), z.object({ text: z.string() })),
  media: z.record(z.string(), z.array(z.string())),
  restored_from: z.number().int().nullable(),
  created_by: z.string().nullable(),
  created_at: z.date(),
});

const diffParts = z.array(z.object({ op: z.enum(['equal', 'delete', 'insert']), text: z.string() }));

export const versionDiff = z.object({
  from: z.number().int(),
  to: z.number().int(),
  text: diffParts,
  variants: z.record(z.string(), diffParts).describe('Word diff of each network\'s variant present in either version'),
  media: z.record(z.string(), z.object({ added: z.array(z.string()), removed: z.array(z.string()) })),
});

/** Characters of a post's text a calendar entry carries. */
export const CALENDAR_EXCERPT_CHARS = 100;
/** Posts per day a calendar answer carries by default, and at most. */
export const CALENDAR_PER_DAY_DEFAULT = 5;
export const CALENDAR_PER_DAY_MAX = 50;
/**
 * A day's posts are counted up to this many: past it the count is a lower bound
 * (`total_capped`, "100+"), so a busy month costs at most this per day to count.
 */
export const CALENDAR_DAY_COUNT_CAP = 100;

/** A post as a calendar cell shows it: no full text, no version or authorship. */
export const calendarEntry = z.object({
  id: z.string(),
  title: z.string().nullable(),
  excerpt: z.string().describe(`The first ${CALENDAR_EXCERPT_CHARS} characters of the current text`),
  status: z.enum(POST_STATUSES),
  scheduled_at: z.date(),
  timezone: z.string(),
  networks: z.array(z.string()),
});

export const calendarView = z.object({
  timezone: z.string(),
  from: z.string(),
  to: z.string(),
  per_day: z.number().int(),
  days: z.array(z.object({
    date: z.string(),
    total: z.number().int().describe(`Posts with a slot on this day (matching the filters), counted up to ${CALENDAR_DAY_COUNT_CAP}: exact when \`total_capped\` is false, otherwise the day has at least this many ("${CALENDAR_DAY_COUNT_CAP}+")`),
    total_capped: z.boolean().describe(`True when the day has ${CALENDAR_DAY_COUNT_CAP} posts or more: \`total\` and \`more\` are then lower bounds`),
    more: z.number().int().describe('Posts of this day left out of `posts` (total minus those shown): the "+N more", a lower bound when `total_capped`'),
    posts: z.array(calendarEntry).describe('The day\'s first `per_day` posts by slot'),
  })).describe('Days with at least one post, in order'),
});

export const importResult = z.object({ imported: z.number().int(), post_ids: z.array(z.string()) });
