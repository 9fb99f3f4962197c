import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { notFound } from '../../../platform/errors.js';
import { socialDb } from '../db.js';
import type { Network } from '../schema.js';
import { checkRules, NETWORK_RULES, type RuleViolation } from '../providers/rules.js';

/**
 * The composer's live check: the same per-network rules the publisher enforces
 * (providers/rules.ts), answered for a draft before it is saved, so the page never keeps its
 * own copy of the networks' limits.
 */
export interface RuleCheckInput {
  text: string;
  networks: Network[];
  variants?: Partial<Record<Network, { text: string }>>;
  media?: Partial<Record<Network | '*', string[]>>;
}

export interface NetworkCheck {
  network: Network;
  length: number;
  max_length: number;
  length_unit: string;
  media_required: boolean;
  max_media: number;
  violations: RuleViolation[];
}

export async function checkDraft(ctx: PlatformContext, p: Principal, input: RuleCheckInput): Promise<NetworkCheck[]> {
  const ids = [...new Set(Object.values(input.media ?? {}).flat())] as string[];
  const rows = ids.length === 0 ? [] : await socialDb.withTenant(ctx, p, (tx) =>
    tx.selectFrom('social_media_assets').select(['id', 'mime_type', 'size_bytes', 'alt_text', 'duration_seconds']).where('org_id', '=', p.orgId).where('id', 'in', ids).where('deleted_at', 'is', null).execute(),
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  // Another workspace's id or a deleted file: the same 404 the post routes give.
  const missing = ids.find((id) => !byId.has(id));
  if (missing) throw notFound(`Media ${missing} is not in this workspace's library`);
  return [...new Set(input.networks)].map((network) => {
    const text = input.variants?.[network]?.text ?? input.text;
    const media = (input.media?.[network] ?? input.media?.['*'] ?? []).map((id) => {
      const m = byId.get(id)!;
      return { contentType: m.mime_type, size: Number(m.size_bytes), alt: m.alt_text ?? undefined, durationSeconds: m.duration_seconds };
    });
    const rules = NETWORK_RULES[network];
    return {
      network,
      length: rules.countLength(text),
      max_length: rules.maxLength,
      length_unit: rules.lengthUnit,
      media_required: rules.mediaRequired,
      max_media: rules.maxMedia,
      violations: checkRules(network, { text, media }),
    };
  });
}
