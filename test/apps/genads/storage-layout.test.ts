import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, GetObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { startFakeS3, type FakeS3 } from '../../platform/storage/s3rver.js';
import { genadsApp } from '../../../src/apps/genads/index.js';
import { GenAdsClient } from './support/genads-client.js';
import { bottlePhoto } from './support/images.js';

/** The seed's bucket: keys, object tags and lifecycle rules, checked on S3 (s3rver). */
describe('genads storage on S3', () => {
  let s3: FakeS3;
  let t: TestPlatform;
  let client: S3Client;
  let ana: GenAdsClient;

  before(async () => {
    s3 = await startFakeS3('genads-videos');
    t = await startTestPlatform({ apps: [genadsApp], env: { ...s3.env, WORKERS: 'off' } });
    client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    ana = new GenAdsClient(t, await t.signup('genads-s3'));
  });
  after(async () => {
    client.destroy();
    await t.close();
    await s3.close();
  });

  const tagsOf = async (key: string) => {
    const res = await client.send(new GetObjectTaggingCommand({ Bucket: s3.bucket, Key: key }));
    return Object.fromEntries((res.TagSet ?? []).map((t) => [t.Key, t.Value]));
  };

  it('stores brand and perfume assets under {org}/brands/{brand_id}/… with the seed\'s tags', async () => {
    const brand = await ana.onboard(`S3 Brand ${randomBytes(3).toString('hex')}`);
    const perfume = await ana.createPerfume('Tagged', 'unisex');
    const org = ana.user.orgId;
    assert.deepEqual(await tagsOf(`${org}/brands/${brand.brand_id}/brand_logo.png`), { type: 'brand_asset', brand_id: brand.brand_id, lifecycle: 'permanent' });
    assert.deepEqual(await tagsOf(`${org}/brands/${brand.brand_id}/perfumes/${perfume.perfume_id}/front.png`), {
      type: 'perfume_image', brand_id: brand.brand_id, perfume_id: perfume.perfume_id, angle: 'front', lifecycle: 'permanent',
    });

    // Replacing the image keeps the seed's key and serves the new bytes.
    const red = await bottlePhoto({ tint: '#cc0000' });
    const res = await ana.form('PUT', `/genads/api/perfumes/${perfume.perfume_id}`, {}, [{ field: 'front_image', filename: 'f.png', type: 'image/png', data: red }]);
    assert.equal(res.statusCode, 200, res.body);
    const object = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${org}/brands/${brand.brand_id}/perfumes/${perfume.perfume_id}/front.png` }));
    const stored = Buffer.from(await object.Body!.transformToByteArray());
    const catalog = await t.db.selectFrom('storage_objects').select('sha256').where('org_id', '=', org).where('key', '=', perfume.front_image_url).executeTakeFirstOrThrow();
    assert.equal(createHash('sha256').update(stored).digest('hex'), catalog.sha256);
  });

  it('exports the seed\'s two bucket lifecycle rules', () => {
    const rules = t.platform.ctx.storage.lifecycle.toS3LifecycleConfiguration().Rules;
    for (const [id, subtype, days] of [['DeleteDraftVideosAfter30Days', 'draft', 30], ['DeleteFinalVideosAfter90Days', 'final', 90]] as const) {
      assert.deepEqual(rules.find((r) => r.ID === id), {
        ID: id,
        Status: 'Enabled',
        Filter: { And: { Tags: [{ Key: 'type', Value: 'campaign_video' }, { Key: 'subtype', Value: subtype }] } },
        Expiration: { Days: days },
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      });
    }
  });
});
