import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { socialApp } from '../../../src/apps/social/index.js';
import { withTenant } from '../../../src/platform/db/tenant.js';
import type { Network } from '../../../src/apps/social/schema.js';

export async function startSocial(env: Record<string, string> = {}): Promise<TestPlatform> {
  return startTestPlatform({ apps: [socialApp], env });
}

/**
 * A connected account, written as the OAuth flow would leave it (tokens sealed by the
 * platform's credential store). Connecting through OAuth is another module's; posts only
 * need the row to target.
 */
export async function connectAccount(t: TestPlatform, owner: TestUser, network: Network, name = `${network} account`): Promise<string> {
  const ctx = t.platform.ctx;
  const id = crypto.randomUUID();
  const binding = { orgId: owner.orgId, purpose: `social.oauth.${network}`, subject: id };
  await withTenant(t.db, { orgId: owner.orgId, userId: owner.userId }, (tx) =>
    tx
      .insertInto('social_accounts' as never)
      .values({
        id,
        org_id: owner.orgId,
        network,
        remote_account_id: `remote-${id.slice(0, 8)}`,
        display_name: name,
        access_token_sealed: ctx.credentials.seal('access-token', binding),
        connected_by: owner.userId,
      } as never)
      .execute(),
  );
  return id;
}

/** The `data` of a wrapped success body, failing loudly with the body otherwise. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are read field by field, as a client would
export function dataOf<T = any>(res: { statusCode: number; body: string; json(): unknown }, status = 200): T {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body.slice(0, 500)}`);
  const body = res.json() as { success?: unknown; data?: unknown };
  if (body.success !== true) throw new Error(`not a success envelope: ${res.body.slice(0, 300)}`);
  return body.data as T;
}
