import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LifecycleRegistry, LIFECYCLE_TAG } from '../../../src/platform/storage/lifecycle-rules.js';

describe('lifecycle rules', () => {
  const now = new Date('2025-01-01T00:00:00Z');
  const registry = new LifecycleRegistry();
  registry.register({ name: 'previews', prefix: 'previews/', expireAfterDays: 7 });
  registry.register({ name: 'ephemeral', tag: { key: 'ephemeral', value: 'yes' }, expireAfterDays: 1 });

  it('picks the first rule matching the key prefix or a tag, or an explicit class', () => {
    assert.deepEqual(registry.decide({ key: 'previews/a.webp', tags: {} }, now), { lifecycleClass: 'previews', expiresAt: new Date('2025-01-08T00:00:00Z') });
    assert.deepEqual(registry.decide({ key: 'x/a', tags: { ephemeral: 'yes' } }, now), { lifecycleClass: 'ephemeral', expiresAt: new Date('2025-01-02T00:00:00Z') });
    assert.deepEqual(registry.decide({ key: 'x/a', tags: { ephemeral: 'no' } }, now), { lifecycleClass: null, expiresAt: null });
    assert.equal(registry.decide({ key: 'x/a', tags: {}, lifecycleClass: 'previews' }, now).lifecycleClass, 'previews');
    assert.throws(() => registry.decide({ key: 'x', tags: {}, lifecycleClass: 'nope' }), /Unknown lifecycle class "nope": use one of previews, ephemeral/);
  });

  it('refuses malformed or duplicate rules', () => {
    assert.throws(() => registry.register({ name: 'previews', prefix: 'p/', expireAfterDays: 1 }), /already registered/);
    assert.throws(() => registry.register({ name: 'nomatch', expireAfterDays: 1 }), /needs a prefix or a tag/);
    assert.throws(() => registry.register({ name: 'zero', prefix: 'z/', expireAfterDays: 0 }), /expireAfterDays >= 1/);
  });

  it('exports the equivalent S3 lifecycle configuration, matching on the lifecycle tag', () => {
    const config = registry.toS3LifecycleConfiguration();
    assert.deepEqual(config.Rules[0], { ID: 'tenantry-previews', Status: 'Enabled', Filter: { Tag: { Key: LIFECYCLE_TAG, Value: 'previews' } }, Expiration: { Days: 8 } });
    assert.ok(config.Rules.some((r) => r.ID === 'tenantry-incomplete-multipart'));
    assert.ok(config.Rules.some((r) => (r.Filter as { Prefix?: string }).Prefix === 'staging/'));
  });
});
