import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { brandkitSettings } from '../config.js';
import { brandkitDb } from '../db.js';
import { createSocialAnalyzer } from './create-analyzer.js';

/**
 * Analyse one connected social profile (brandkit_user_socials row) and store the result in
 * analysis_data. Re-running overwrites the previous analysis; nothing is written until the
 * analyser has answered, so a failed attempt leaves the earlier analysis as it was.
 */
export const analyzeSocialJob = defineJob({
  name: 'brandkit.analyze-social',
  schema: z.object({ socialId: z.uuid() }),
  retryLimit: 2,
  retryDelaySeconds: 3,
  expireInSeconds: 600,
  async handler(ctx, job) {
    const scope = { orgId: job.orgId };
    const row = await brandkitDb.withTenant(ctx, scope, (tx) =>
      tx.selectFrom('brandkit_user_socials').selectAll().where('org_id', '=', job.orgId).where('id', '=', job.data.socialId).executeTakeFirst(),
    );
    if (!row) return { skipped: 'the social profile was removed' };
    await job.reportProgress(10, row.pasted.bio || row.pasted.captions?.length ? 'reading the profile' : 'fetching the profile');
    const analyzer = createSocialAnalyzer(brandkitSettings.load(ctx.config));
    const analysis = await analyzer.analyze({ platform: row.platform, handle: row.handle, profileUrl: row.profile_url, pasted: row.pasted }, job.signal);
    await job.reportProgress(90, 'saving the analysis');
    await brandkitDb.withTenant(ctx, scope, (tx) =>
      tx.updateTable('brandkit_user_socials')
        .set({ analysis_data: JSON.stringify(analysis), analyzed_at: new Date(), updated_at: new Date() })
        .where('org_id', '=', job.orgId)
        .where('id', '=', row.id)
        .execute(),
    );
    await ctx.events.publish(job.orgId, 'brandkit:socials', { id: row.id, platform: row.platform, analyzed: true });
    return { analyzer: analysis.analyzer, archetype: analysis.archetype };
  },
});
