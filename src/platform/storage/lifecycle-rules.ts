import { badRequest } from '../errors.js';

/**
 * Expiry rules apps register, e.g. `{ name: 'genads-previews', prefix: 'previews/', expireAfterDays: 7 }`.
 * At upload the first matching rule sets the object's lifecycle_class and expires_at;
 * applyLifecycle() deletes what has expired. An explicit lifecycleClass picks a rule by name.
 */
export interface LifecycleRule {
  name: string;
  /** Matches tenant-relative keys starting with this. */
  prefix?: string;
  /** Matches objects carrying this tag (and value, when given). */
  tag?: { key: string; value?: string };
  expireAfterDays: number;
  /**
   * How the bucket rule is exported (toS3LifecycleConfiguration), when an app's spec names
   * its own: an ID and the object tags to match. Objects carry their catalog tags in S3, so a
   * rule on the app's tags matches across tenants' "{org_id}/" prefixes.
   */
  s3?: { id: string; tags: Record<string, string>; noncurrentVersionDays?: number };
}

export interface LifecycleDecision {
  lifecycleClass: string | null;
  expiresAt: Date | null;
}

const NAME = /^[a-z][a-z0-9_.-]{0,63}$/;
/** Objects in S3 carry their rule name in this tag so the bucket configuration can match it. */
export const LIFECYCLE_TAG = 'tenantry-lifecycle';
const DAY_MS = 86_400_000;

export class LifecycleRegistry {
  private readonly rules: LifecycleRule[] = [];

  register(rule: LifecycleRule): void {
    if (!NAME.test(rule.name)) throw new Error(`Lifecycle rule name "${rule.name}" must match ${NAME}`);
    if (!rule.prefix && !rule.tag) throw new Error(`Lifecycle rule "${rule.name}" needs a prefix or a tag to match`);
    if (!Number.isInteger(rule.expireAfterDays) || rule.expireAfterDays < 1) throw new Error(`Lifecycle rule "${rule.name}" needs expireAfterDays >= 1`);
    if (this.rules.some((r) => r.name === rule.name)) throw new Error(`Lifecycle rule "${rule.name}" is already registered`);
    this.rules.push(rule);
  }

  list(): readonly LifecycleRule[] {
    return this.rules;
  }

  decide(input: { key: string; tags: Record<string, string>; lifecycleClass?: string }, now = new Date()): LifecycleDecision {
    let rule: LifecycleRule | undefined;
    if (input.lifecycleClass) {
      rule = this.rules.find((r) => r.name === input.lifecycleClass);
      if (!rule) {
        const known = this.rules.map((r) => r.name);
        throw badRequest(`Unknown lifecycle class "${input.lifecycleClass}"${known.length ? `: use one of ${known.join(', ')}` : ': no lifecycle rules are registered'}`, undefined, 'UNKNOWN_LIFECYCLE_CLASS');
      }
    } else {
      rule = this.rules.find((r) => matches(r, input.key, input.tags));
    }
    if (!rule) return { lifecycleClass: null, expiresAt: null };
    return { lifecycleClass: rule.name, expiresAt: new Date(now.getTime() + rule.expireAfterDays * DAY_MS) };
  }

  /**
   * The S3 bucket lifecycle configuration equivalent to these rules, for operators who want
   * the bucket to clean up too. Keys are "{org_id}/…", so prefixes cannot be expressed across
   * tenants; rules match the lifecycle tag instead. S3 expires a day later than the platform,
   * so the catalog (and quota) normally sees the deletion first.
   */
  toS3LifecycleConfiguration(): { Rules: Record<string, unknown>[] } {
    return {
      Rules: [
        ...this.rules.map((r) => (r.s3 ? appRule(r, r.s3) : {
          ID: `tenantry-${r.name}`,
          Status: 'Enabled',
          Filter: { Tag: { Key: LIFECYCLE_TAG, Value: r.name } },
          Expiration: { Days: r.expireAfterDays + 1 },
        })),
        { ID: 'tenantry-abandoned-staging', Status: 'Enabled', Filter: { Prefix: 'staging/' }, Expiration: { Days: 2 } },
        { ID: 'tenantry-incomplete-multipart', Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
      ],
    };
  }
}

function appRule(r: LifecycleRule, s3: NonNullable<LifecycleRule['s3']>): Record<string, unknown> {
  const tags = Object.entries(s3.tags).map(([Key, Value]) => ({ Key, Value }));
  return {
    ID: s3.id,
    Status: 'Enabled',
    Filter: tags.length === 1 ? { Tag: tags[0] } : { And: { Tags: tags } },
    // The app's spec gives the bucket rule's days exactly; the platform's sweep runs daily too.
    Expiration: { Days: r.expireAfterDays },
    ...(s3.noncurrentVersionDays ? { NoncurrentVersionExpiration: { NoncurrentDays: s3.noncurrentVersionDays } } : {}),
  };
}

function matches(rule: LifecycleRule, key: string, tags: Record<string, string>): boolean {
  if (rule.prefix && !key.startsWith(rule.prefix)) return false;
  if (rule.tag) {
    if (!(rule.tag.key in tags)) return false;
    if (rule.tag.value !== undefined && tags[rule.tag.key] !== rule.tag.value) return false;
  }
  return true;
}
