import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { PlatformTables } from '../db/schema.js';
import { withSystem } from '../db/tenant.js';
import { hashPassword } from '../auth/secrets.js';
import { createOrgWithOwner } from '../tenancy/orgs.service.js';

export const SUPERADMIN_ORG_NAME = 'Platform administration';

/**
 * Create a superadmin, or promote an existing user and set their password (the
 * `tenantry admin create-superadmin` command). Every session is bound to an org, so a
 * superadmin who belongs to none gets an org of their own: without it they could not log in.
 */
export async function createSuperadmin(
  db: Kysely<PlatformTables>,
  input: { email: string; password: string; storageLimitBytes: number },
): Promise<{ id: string; created: boolean; orgId: string }> {
  const email = z.email().safeParse(input.email.trim());
  if (!email.success) throw new Error(`--email: "${input.email}" is not an email address`);
  if (input.password.length < 8) throw new Error('--password: must be at least 8 characters');
  const passwordHash = await hashPassword(input.password);
  return withSystem(db, async (tx) => {
    const existing = await tx.selectFrom('users').select('id').where(sql`lower(email)`, '=', email.data.toLowerCase()).executeTakeFirst();
    let id: string;
    if (existing) {
      await tx.updateTable('users').set({ is_superadmin: true, password_hash: passwordHash, updated_at: new Date() }).where('id', '=', existing.id).execute();
      id = existing.id;
    } else {
      const row = await tx
        .insertInto('users')
        .values({ email: email.data, password_hash: passwordHash, is_superadmin: true, email_verified_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
      id = row.id;
    }
    const membership = await tx.selectFrom('memberships').select('org_id').where('user_id', '=', id).orderBy('created_at').executeTakeFirst();
    const orgId = membership?.org_id ?? (await createOrgWithOwner(tx, { name: SUPERADMIN_ORG_NAME, ownerId: id, storageLimitBytes: input.storageLimitBytes })).id;
    return { id, created: !existing, orgId };
  });
}
