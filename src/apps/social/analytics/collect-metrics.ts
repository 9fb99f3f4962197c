import { sql } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import { forEachOrg } from '../../../platform/jobs/for-each-org.js';
import type { SocialConfig } from '../config.js';
import { socialDb } from '../db.js';
import { providersOf } from '../providers/app-providers.js';
import { isProviderError } from '../providers/errors.js';
import { freshTokens, markReconnectNeeded } from '../publishing/account-health.js';
import type { Network } from '../schema.js';
import type { PostMetrics } from '../providers/provider.js';
import { MetricsReadError, readMetrics } from './read-metrics.js';
import { refreshCampaignDay } from './campaign-rollup.js';
import { AbTestsService } from '../ab-tests/ab-tests.service.js';

type MetricsSettings = SocialConfig['metrics'];

export interface OrgCollection {
  collected: number;
  missing: number;
  /** Accounts whose reading stopped (rate limit, revoked token, outage), with why. */
  skippedAccounts: Array<{ accountId: string; reason: string }>;
  /** A/B tests the new figures settled (completed with a winner). */
  testsCompleted: string[];
}

/**
 * A network's rate limit on metrics reads lasts beyond this run: the account is left alone
 * until the network's Retry-After has passed. Kept in memory per running platform (a restart
 * forgets it and at worst asks once more, which the network answers with another 429).
 */
const pausedUntil = new WeakMap<PlatformContext, Map<string, number>>();
function pauses(ctx: PlatformContext) {
  let m = pausedUntil.get(ctx);
  if (!m) pausedUntil.set(ctx, (m = new Map()));
  return m;
}

/**
 * The published targets of one workspace whose metrics are due: never read yet, or read
 * longer ago than their cadence (recent posts every `recentEveryMinutes`, the others every
 * `olderEveryHours`), published within `maxAgeDays`, on an active account; the most overdue
 * first, at most `batch`.
 */
async function dueTargets(ctx: PlatformContext, orgId: string, s: MetricsSettings, now: Date) {
  return socialDb.withTenant(ctx, { orgId }, (tx) =>
    tx
      .selectFrom('social_post_platforms as t')
      .innerJoin('social_accounts as a', (j) => j.onRef('a.org_id', '=', 't.org_id').onRef('a.id', '=', 't.account_id'))
      .innerJoin('social_posts as p', (j) => j.onRef('p.org_id', '=', 't.org_id').onRef('p.id', '=', 't.post_id'))
      .leftJoinLateral(
        (eb) => eb.selectFrom('social_post_analytics as m').select(sql<Date>`max(m.collected_at)`.as('last')).whereRef('m.org_id', '=', 't.org_id').whereRef('m.post_platform_id', '=', 't.id').as('l'),
        (j) => j.onTrue(),
      )
      .select(['t.id', 't.remote_id', 't.account_id', 'a.network', 'p.campaign_id'])
      .where('t.org_id', '=', orgId)
      .where('t.state', '=', 'published')
      .where('t.remote_id', 'is not', null)
      .where('t.published_at', '>', new Date(now.getTime() - s.maxAgeDays * 86_400_000))
      .where('a.status', '=', 'active')
      .where('a.deleted_at', 'is', null)
      .where('p.deleted_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb('l.last', 'is', null),
          eb.and([eb('t.published_at', '>', new Date(now.getTime() - s.recentHours * 3_600_000)), eb('l.last', '<=', new Date(now.getTime() - s.recentEveryMinutes * 60_000))]),
          eb('l.last', '<=', new Date(now.getTime() - s.olderEveryHours * 3_600_000)),
        ]),
      )
      .orderBy(sql`l.last asc nulls first`)
      .orderBy('t.id')
      .limit(s.batch)
      .execute(),
  );
}

/**
 * Read one workspace's due metrics, account by account, into social_post_analytics (a row
 * per target per reading: the time series), then refresh today's campaign totals. A revoked
 * token marks the account reconnect_needed as publishing does; a rate limit pauses the account
 * for the network's wait; an outage skips the account until the next run. Anything else (a
 * token that cannot be opened, a database error) fails the workspace, which the sweep logs.
 */
export async function collectOrgMetrics(ctx: PlatformContext, orgId: string, s: MetricsSettings, now = new Date(), signal?: AbortSignal): Promise<OrgCollection> {
  const targets = await dueTargets(ctx, orgId, s, now);
  const byAccount = new Map<string, { network: Network; targets: typeof targets }>();
  for (const t of targets) {
    const entry = byAccount.get(t.account_id) ?? { network: t.network, targets: [] };
    entry.targets.push(t);
    byAccount.set(t.account_id, entry);
  }
  const result: OrgCollection = { collected: 0, missing: 0, skippedAccounts: [], testsCompleted: [] };
  const campaigns = new Set<string>();
  const paused = pauses(ctx);
  for (const [accountId, { network, targets: list }] of byAccount) {
    signal?.throwIfAborted();
    const until = paused.get(accountId);
    if (until && until > Date.now()) {
      result.skippedAccounts.push({ accountId, reason: `rate-limited by the network until ${new Date(until).toISOString()}` });
      continue;
    }
    const ids = list.map((t) => t.remote_id!);
    let read: Map<string, PostMetrics>;
    let missing: string[] = [];
    let stop: unknown;
    try {
      const tokens = await freshTokens(ctx, orgId, accountId);
      ({ metrics: read, missing } = await readMetrics(providersOf(ctx)[network], tokens, ids, signal));
    } catch (err) {
      stop = err instanceof MetricsReadError ? err.cause : err;
      read = err instanceof MetricsReadError ? err.read : new Map();
      if (!isProviderError(stop)) throw stop;
    }
    const at = new Date();
    const rows = list.filter((t) => read.has(t.remote_id!)).map((t) => {
      const m = read.get(t.remote_id!)!;
      if (t.campaign_id) campaigns.add(t.campaign_id);
      return { org_id: orgId, post_platform_id: t.id, collected_at: at, impressions: m.impressions ?? null, reactions: m.reactions ?? null, comments: m.comments ?? null, shares: m.shares ?? null, clicks: m.clicks ?? null, raw: JSON.stringify(m) };
    });
    const gone = list.filter((t) => missing.includes(t.remote_id!)).map((t) => t.id);
    if (rows.length || gone.length) {
      await socialDb.withTenant(ctx, { orgId }, async (tx) => {
        if (rows.length) await tx.insertInto('social_post_analytics').values(rows).onConflict((oc) => oc.doNothing()).execute();
        // A post the network no longer has keeps its last figures, marked, so that it is asked
        // for again only at its cadence instead of first in every run.
        if (gone.length) {
          await sql`insert into social_post_analytics (org_id, post_platform_id, collected_at, impressions, reactions, comments, shares, clicks, raw)
            select t.org_id, t.id, ${at}, l.impressions, l.reactions, l.comments, l.shares, l.clicks, '{"missing_on_network": true}'::jsonb
            from social_post_platforms t
            left join lateral (select m.* from social_post_analytics m where m.org_id = t.org_id and m.post_platform_id = t.id order by m.collected_at desc limit 1) l on true
            where t.org_id = ${orgId} and t.id in (${sql.join(gone)})
            on conflict do nothing`.execute(tx);
        }
      });
    }
    result.collected += rows.length;
    result.missing += missing.length;
    if (missing.length) ctx.log.info({ orgId, accountId, missing: missing.length }, 'social metrics: the network no longer has some published posts');
    if (stop !== undefined && isProviderError(stop)) {
      if (stop.kind === 'auth_revoked') await markReconnectNeeded(ctx, orgId, accountId, stop.message);
      if (stop.kind === 'rate_limited') paused.set(accountId, Date.now() + (stop.retryAfterSeconds ?? 15 * 60) * 1000);
      result.skippedAccounts.push({ accountId, reason: stop.message });
      ctx.log.warn({ orgId, accountId, kind: stop.kind, err: stop.message }, 'social metrics: account skipped for this run');
    }
  }
  // The day is the readings' (real time), not `now`, which only decides what is due.
  for (const campaignId of campaigns) await refreshCampaignDay(ctx, orgId, campaignId, new Date());
  if (result.collected) result.testsCompleted = await new AbTestsService(ctx).completeSettled(orgId);
  return result;
}

export interface SweepOptions {
  /** The job's: once aborted (timeout, shutdown), no further workspace is started and the sweep throws. */
  signal?: AbortSignal;
  /** Called after each workspace (the job reports it as its progress). */
  onProgress?: (done: number, total: number) => Promise<void>;
}

/** Every workspace with an active account, each on its own (forEachOrg): one workspace's failure is logged and the others go on. */
export async function sweepMetrics(ctx: PlatformContext, s: MetricsSettings, now = new Date(), options: SweepOptions = {}) {
  const orgIds = await socialDb.withSystem(ctx, async (tx) =>
    // Accounts are few; the org's own query then finds its due targets through its indexes.
    (await tx.selectFrom('social_accounts').select('org_id').distinct().where('status', '=', 'active').where('deleted_at', 'is', null).execute()).map((r) => r.org_id),
  );
  let done = 0;
  const report = await forEachOrg(ctx, {
    name: 'social.metrics',
    db: socialDb.db(ctx),
    orgIds,
    // The org's reads and writes are short transactions of their own around the network calls.
    run: async () => undefined,
    afterCommit: async (_none, orgId) => {
      if (options.signal?.aborted) return;
      try {
        const r = await collectOrgMetrics(ctx, orgId, s, now, options.signal);
        ctx.log.info({ orgId, ...r, skippedAccounts: r.skippedAccounts.length, testsCompleted: r.testsCompleted.length }, 'social metrics collected');
      } finally {
        done++;
        await options.onProgress?.(done, orgIds.length).catch(() => undefined);
      }
    },
  });
  options.signal?.throwIfAborted();
  return report;
}
