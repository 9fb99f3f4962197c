import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Plan, PlatformTables } from '../db/schema.js';
import { conflict, isUniqueViolation } from '../errors.js';

export function slugify(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return base.length >= 2 ? base : `org-${base}`.replace(/-$/, '') || 'org';
}

/**
 * Create an org and make `ownerId` its owner, inside the caller's (system) transaction.
 * Without an explicit slug, a short random suffix keeps generated slugs unique.
 */
export async function createOrgWithOwner(
  tx: Transaction<PlatformTables>,
  input: { name: string; ownerId: string | null; storageLimitBytes: number; slug?: string; plan?: Plan },
) {
  const slug = input.slug ?? `${slugify(input.name)}-${randomBytes(3).toString('hex')}`;
  const org = await tx
    .insertInto('orgs')
    .values({ name: input.name, slug, plan: input.plan ?? 'free', storage_limit_bytes: input.storageLimitBytes, settings: '{}' })
    .returning(['id', 'name', 'slug'])
    .executeTakeFirstOrThrow()
    .catch((err) => {
      if (isUniqueViolation(err)) throw conflict(`The slug "${slug}" is taken: choose another`, 'SLUG_TAKEN');
      throw err;
    });
  if (input.ownerId) {
    await tx.insertInto('memberships').values({ org_id: org.id, user_id: input.ownerId, role: 'owner' }).execute();
  }
  return org;
}
