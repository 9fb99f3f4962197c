import type { PlatformContext } from '../../../platform/context.js';
import type { OrgJob } from '../../../platform/jobs/define-job.js';
import { genadsDb } from '../db.js';

export const campaignTopic = (campaignId: string) => `genads:campaign:${campaignId}`;
export const CAMPAIGNS_TOPIC = 'genads:campaigns';

/** Writes at most this often while the percentage creeps up; stage changes always go through. */
const MIN_INTERVAL_MS = 750;

/**
 * A campaign's progress as the seed's progress endpoint shows it (0-100 with a stage): kept on
 * the campaign row, on the job, and published live on `genads:campaign:<id>`. Progress only
 * moves forward, and writes are throttled so a fast FFmpeg does not flood the database.
 */
export class CampaignProgress {
  private pct: number;
  private stage = '';
  private lastWrite = 0;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly ctx: PlatformContext,
    private readonly job: OrgJob<unknown>,
    private readonly campaignId: string,
    /**
     * Where the campaign's progress stands: 0 for a new run, and for an attempt that resumes a
     * run (after a crash or a takeover) what the earlier attempts reached, so the user sees it
     * continue rather than fall back while the resumed run re-does its first steps.
     */
    startPct = 0,
  ) {
    this.pct = Math.max(0, Math.min(99, Math.floor(startPct)));
  }

  /** The last checkpoint saved by this attempt (undefined if none yet). */
  lastCheckpoint: unknown;

  get current() {
    return { pct: this.pct, stage: this.stage };
  }

  /** Report progress; `checkpoint` is saved with the job for a retried run to resume from. */
  report(pct: number, stage: string, checkpoint?: unknown): Promise<void> {
    const next = Math.max(this.pct, Math.min(99, Math.floor(pct)));
    const now = Date.now();
    const changed = stage !== this.stage || checkpoint !== undefined;
    if (!changed && (next === this.pct || now - this.lastWrite < MIN_INTERVAL_MS)) return this.pending;
    this.pct = next;
    this.stage = stage;
    this.lastWrite = now;
    if (checkpoint !== undefined) this.lastCheckpoint = checkpoint;
    // Chained so writes land in order even when variations report concurrently.
    this.pending = this.pending.then(() => this.write(next, stage, checkpoint));
    return this.pending;
  }

  /** Resolves once every queued write has landed (before the run's end is recorded). */
  settled(): Promise<void> {
    return this.pending.catch(() => {});
  }

  /** The run's finished variations so far: written at once (in order with the progress writes). */
  variationsCompleted(count: number): Promise<void> {
    this.pending = this.pending.then(async () => {
      await genadsDb.withTenant(this.ctx, { orgId: this.job.orgId }, (tx) =>
        tx
          .updateTable('genads_campaigns')
          .set({ variations_completed: count, updated_at: new Date() })
          .where('org_id', '=', this.job.orgId)
          .where('campaign_id', '=', this.campaignId)
          .where('job_id', '=', this.job.id)
          .execute(),
      );
      await publishCampaign(this.ctx, this.job.orgId, this.campaignId, { status: 'processing', progress: this.pct, stage: this.stage, variations_completed: count });
    });
    return this.pending;
  }

  private async write(pct: number, stage: string, checkpoint: unknown) {
    await genadsDb.withTenant(this.ctx, { orgId: this.job.orgId }, (tx) =>
      tx
        .updateTable('genads_campaigns')
        .set({ progress: pct, progress_stage: stage.slice(0, 100), updated_at: new Date() })
        .where('org_id', '=', this.job.orgId)
        .where('campaign_id', '=', this.campaignId)
        .where('job_id', '=', this.job.id)
        .execute(),
    );
    await this.job.reportProgress(pct, stage, checkpoint === undefined ? undefined : { checkpoint });
    await publishCampaign(this.ctx, this.job.orgId, this.campaignId, { status: 'processing', progress: pct, stage });
  }
}

export async function publishCampaign(ctx: PlatformContext, orgId: string, campaignId: string, state: Record<string, unknown>) {
  const event = { type: 'genads.campaign.progress', campaign_id: campaignId, ...state };
  try {
    await ctx.events.publish(orgId, [campaignTopic(campaignId), CAMPAIGNS_TOPIC], event);
  } catch (err) {
    // Live updates are a convenience: the progress endpoint has the same state.
    ctx.log.warn({ err, campaignId }, 'could not publish campaign progress');
  }
}
