import { Command } from 'commander';
import type { AppCliKit } from '../../../platform/apps.js';
import type { PlatformContext } from '../../../platform/context.js';
import { notFound } from '../../../platform/errors.js';
import { auraDb } from '../db.js';
import { reclusterPeopleJob } from './recluster.job.js';

/** Queue a rebuild of the unnamed people of one org (by slug) or of every org with faces. */
export async function queueRecluster(ctx: PlatformContext, orgSlug?: string): Promise<{ queued: number }> {
  const db = auraDb.db(ctx);
  let orgIds: string[];
  if (orgSlug) {
    const org = await db.selectFrom('orgs').select('id').where('slug', '=', orgSlug).executeTakeFirst();
    if (!org) throw notFound('Organization', 'NOT_FOUND', `No organization has the slug "${orgSlug}": check it with \`tenantry admin\``);
    orgIds = [org.id];
  } else {
    orgIds = (await db.selectFrom('aura_faces').select('org_id').distinct().execute()).map((r) => r.org_id);
  }
  for (const orgId of orgIds) await ctx.jobs.enqueue(reclusterPeopleJob, { orgId, reset: true });
  return { queued: orgIds.length };
}

/** `tenantry aura people recluster [--org <slug>]`. */
export function peopleCommand(kit: AppCliKit): Command {
  const people = new Command('people').description('faces grouped into people');
  people
    .command('recluster')
    .description('rebuild the people nobody named from their faces (run by the server or `tenantry worker`; named people keep their faces)')
    .option('--org <slug>', 'only this organization')
    .action(async (opts: { org?: string }) => {
      const platform = await kit.start();
      try {
        const { queued } = await queueRecluster(platform.ctx, opts.org);
        console.log(`Queued a people rebuild for ${queued} organization${queued === 1 ? '' : 's'}; the server or \`tenantry worker\` runs it.`);
      } finally {
        await platform.close();
      }
    });
  return people;
}
