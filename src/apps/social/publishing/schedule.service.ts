import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import type { RequestMeta } from '../../../platform/audit/audit.service.js';
import { badRequest, conflict } from '../../../platform/errors.js';
import { logActivity } from '../activity/activity-log.js';
import { socialDb } from '../db.js';
import { lockPost, readPost } from '../posts/post-read.js';
import type { PostStatus } from '../schema.js';
import { settingsOf } from '../workspace/settings.service.js';
import { isTimeZone } from '../workspace/time-zone.js';
import { zonedToInstant } from '../workspace/zoned-time.js';
import { wakePublisherAt } from './publisher-wakeups.js';

const SCHEDULABLE: readonly PostStatus[] = ['draft', 'approved', 'scheduled', 'failed', 'partially_published', 'cancelled'];

/**
 * Schedule, publish now, reschedule and cancel. A post's targets not yet published are made
 * due at its time, and a publisher is woken for the workspace then (publisher-wakeups.ts),
 * in the same transaction as the post's change. A publisher that wakes for a post since
 * cancelled or moved finds nothing due (claim-targets.ts), so no job needs deleting.
 */
export class ScheduleService {
  constructor(private readonly ctx: PlatformContext) {}

  async schedule(p: Principal, meta: RequestMeta, postId: string, input: { scheduled_at?: string; timezone?: string }) {
    let at = new Date();
    if (input.scheduled_at !== undefined) {
      const zone = input.timezone ?? 'UTC';
      if (!isTimeZone(zone)) throw badRequest(`timezone "${zone}" is not an IANA time zone such as "Europe/Paris"`, undefined, 'TIMEZONE_INVALID');
      at = zonedToInstant(input.scheduled_at, zone);
      if (Number.isNaN(at.getTime())) throw badRequest(`scheduled_at "${input.scheduled_at}" is not a date-time such as 2026-12-01T09:00`, undefined, 'SCHEDULED_AT_INVALID');
      if (at.getTime() <= Date.now()) throw badRequest(`scheduled_at (${at.toISOString()}) is in the past: choose a time from now on`, undefined, 'SCHEDULED_IN_PAST');
    }
    const now = input.scheduled_at === undefined;
    const scheduled = await socialDb.withTenant(this.ctx, p, async (tx) => {
      const post = await lockPost(tx, p.orgId, postId);
      if (!SCHEDULABLE.includes(post.status)) throw conflict(`A ${post.status.replace('_', ' ')} post cannot be scheduled now: wait for it to finish`, 'POST_NOT_SCHEDULABLE');
      const settings = await settingsOf(tx, p.orgId);
      if (settings.approval_required && !post.approved_at) throw conflict('This workspace publishes approved posts only: submit the post for approval first', 'POST_NOT_APPROVED');
      // Published targets stay published (never twice); failed ones are tried again.
      const targets = await tx
        .updateTable('social_post_platforms')
        .set({ state: 'queued', attempts: 0, error: null, next_attempt_at: at })
        .where('org_id', '=', p.orgId).where('post_id', '=', postId).where('state', 'in', ['queued', 'failed'])
        .returning('id')
        .execute();
      if (targets.length === 0) throw conflict('The post has no account left to publish to: add accounts to it first', 'POST_NO_TARGETS');
      await tx.updateTable('social_posts').set({ status: 'scheduled', scheduled_at: at, cancelled_at: null, ...(input.timezone ? { timezone: input.timezone } : {}) }).where('org_id', '=', p.orgId).where('id', '=', postId).execute();
      await logActivity(tx, p, meta, { action: now ? 'post.publish_now' : post.status === 'scheduled' ? 'post.rescheduled' : 'post.scheduled', entityType: 'post', entityId: postId, details: { scheduled_at: at.toISOString(), targets: targets.length } });
      const read = await readPost(tx, p.orgId, postId);
      // Last: it locks the workspace's wakeup for this instant until the commit.
      await wakePublisherAt(this.ctx, tx, p.orgId, at, p.userId);
      return read;
    });
    // After the commit: a client that re-reads the post on this event must see it scheduled.
    await this.ctx.events.publish(p.orgId, 'social:posts', { type: 'post.status', post_id: postId, status: 'scheduled', scheduled_at: at.toISOString() });
    return scheduled;
  }

  async cancel(p: Principal, meta: RequestMeta, postId: string) {
    const cancelled = await socialDb.withTenant(this.ctx, p, async (tx) => {
      const post = await lockPost(tx, p.orgId, postId);
      if (post.status !== 'scheduled') throw conflict(`Only a scheduled post can be cancelled; this one is ${post.status.replace('_', ' ')}`, 'POST_NOT_SCHEDULED');
      await tx.updateTable('social_posts').set({ status: 'cancelled', cancelled_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', postId).execute();
      // No longer due: the publisher's picks skip them (scheduling again makes them due).
      await tx.updateTable('social_post_platforms').set({ next_attempt_at: null }).where('org_id', '=', p.orgId).where('post_id', '=', postId).where('state', '=', 'queued').execute();
      await logActivity(tx, p, meta, { action: 'post.cancelled', entityType: 'post', entityId: postId });
      return readPost(tx, p.orgId, postId);
    });
    await this.ctx.events.publish(p.orgId, 'social:posts', { type: 'post.status', post_id: postId, status: 'cancelled' });
    return cancelled;
  }
}
