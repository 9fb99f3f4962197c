import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { auraSettings } from '../config.js';
import { auraDb } from '../db.js';
import { assignFaces, lockOrgPeople, refreshPeople } from './clustering.js';

/** Faces clustered per transaction: short transactions, progress between them. */
const BATCH = 200;

/**
 * Rebuild an org's people from its faces (`POST /aura/api/people/recluster`, `tenantry aura
 * people recluster`): the people nobody named are dissolved and their faces clustered again,
 * with the current AURA_PEOPLE_THRESHOLD. Named people keep their faces (an admin's work is not
 * undone) and take new ones that come close. Resumable: a rerun after a crash finds the faces
 * still without a person and goes on.
 */
export const reclusterPeopleJob = defineJob({
  name: 'aura.recluster-people',
  schema: z.object({ reset: z.boolean().default(true) }),
  retryLimit: 2,
  expireInSeconds: 3600,
  async handler(ctx, job) {
    const options = auraSettings.load(ctx.config).people;
    const scope = { orgId: job.orgId };
    const total = await auraDb.withTenant(ctx, scope, async (tx) => {
      await lockOrgPeople(tx, job.orgId);
      // Only on the first attempt: a retry continues where the last one stopped.
      if (job.data.reset && job.attempt === 1) {
        const unnamed = tx.selectFrom('aura_people').select('id').where('org_id', '=', job.orgId).where('name', 'is', null);
        await tx.updateTable('aura_faces').set({ person_id: null }).where('org_id', '=', job.orgId).where('person_id', 'in', unnamed).execute();
        await tx.deleteFrom('aura_people').where('org_id', '=', job.orgId).where('name', 'is', null).execute();
        const named = await tx.selectFrom('aura_people').select('id').where('org_id', '=', job.orgId).execute();
        await refreshPeople(tx, job.orgId, named.map((p) => p.id));
      }
      const row = await tx.selectFrom('aura_faces').select((eb) => eb.fn.countAll<string>().as('n')).where('org_id', '=', job.orgId).where('person_id', 'is', null).where('quality', '>=', options.minQuality).executeTakeFirstOrThrow();
      return Number(row.n);
    });
    let done = 0;
    let created = 0;
    for (;;) {
      const batch = await auraDb.withTenant(ctx, scope, async (tx) => {
        await lockOrgPeople(tx, job.orgId);
        return assignFaces(tx, job.orgId, options, { limit: BATCH });
      });
      if (batch.assigned === 0) break;
      done += batch.assigned;
      created += batch.created;
      await job.reportProgress(Math.min(99, Math.round((done / Math.max(total, 1)) * 100)), `clustered ${done} of ${total} faces`);
    }
    return { faces: done, new_people: created };
  },
});
