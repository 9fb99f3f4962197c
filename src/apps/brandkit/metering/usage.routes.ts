import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireBrandkitUser } from '../access.js';
import { brandkitDb } from '../db.js';
import type { BrandkitConfig } from '../config.js';
import { generationAllowance } from './generation-quota.js';

const allowanceView = z.object({ kind: z.enum(['logo', 'mockup']), plan: z.string(), limit: z.number().int(), used: z.number().int(), remaining: z.number().int(), resets_at: z.date() });

/** How many logo and mockup generations the org has left this month. */
export async function usageRoutes(root: FastifyInstance, opts: { config: BrandkitConfig }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get('/usage', { schema: { tags: ['brandkit: usage'], response: { 200: z.object({ items: z.array(allowanceView) }) } } }, async (request) => {
    const p = requireBrandkitUser(request);
    return brandkitDb.withTenant(app.ctx, p, async (tx) => ({
      items: [await generationAllowance(tx, opts.config, p.orgId, 'logo'), await generationAllowance(tx, opts.config, p.orgId, 'mockup')],
    }));
  });
}
