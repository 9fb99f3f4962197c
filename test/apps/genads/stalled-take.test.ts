import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { withSystem } from '../../../src/platform/db/tenant.js';
import { genadsApp } from '../../../src/apps/genads/index.js';
import { genadsDb } from '../../../src/apps/genads/db.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { GenAdsClient } from './support/genads-client.js';

/**
 * A take whose job ended without its handler saying so (a worker killed in its last attempt)
 * is failed when the campaign is next read, like a take that failed in the handler: recorded
 * as the failed run, and a new take can start.
 */
describe('genads: a take whose job died', () => {
  let t: TestPlatform;
  let ana: GenAdsClient;
  before(async () => {
    t = await startTestPlatform({ apps: [genadsApp], env: { WORKERS: 'off' } });
    ana = new GenAdsClient(t, await t.signup('genads-stalled'));
    await ana.onboard(`Maison Stalled ${randomBytes(3).toString('hex')}`);
  });
  after(() => t.close());

  it('is failed on the next read, recorded as the failed run, and the next generation is take 2', async () => {
    const perfume = await ana.createPerfume('Fantôme', 'unisex');
    const campaign = await ana.createCampaign(perfume.perfume_id, { campaign_name: 'Stalled' });
    const id = campaign.campaign_id;
    const started = await ana.send('POST', `/genads/api/generation/campaigns/${id}/generate`);
    assert.equal(started.statusCode, 202, started.body);
    assert.deepEqual([started.json().take, started.json().shown_take], [1, undefined]);
    let p = (await ana.get(`/genads/api/generation/campaigns/${id}/progress`)).json();
    assert.deepEqual([p.status, p.take, p.variations_completed], ['processing', 1, 0]);
    assertNoSelection(await ana.send('POST', `/genads/api/generation/campaigns/${id}/select-variation`, { variation_index: 0 }));

    // The job ends behind the campaign's back.
    await withSystem(t.db, (tx) => tx.updateTable('job_runs').set({ state: 'failed', error: 'worker killed', finished_at: new Date() }).where('id', '=', started.json().job_id).execute());
    p = (await ana.get(`/genads/api/generation/campaigns/${id}/progress`)).json();
    assert.equal(p.status, 'failed');
    assert.match(p.error_message, /worker killed: generate the campaign again/);
    const videos = (await ana.get(`/genads/api/campaigns/${id}/videos`)).json();
    assert.equal(videos.take, undefined, 'nothing shown yet');
    assert.deepEqual([videos.failed_run.take, videos.failed_run.variations], [1, []]);
    assert.match(videos.failed_run.error_message, /worker killed/);
    const runs = await genadsDb.withTenant(t.platform.ctx, { orgId: ana.user.orgId }, (tx) => tx.selectFrom('genads_generation_runs').select(['take', 'status', 'error_message']).where('campaign_id', '=', id).execute());
    assert.deepEqual(runs.map((r) => [r.take, r.status]), [[1, 'failed']]);

    const again = await ana.send('POST', `/genads/api/generation/campaigns/${id}/generate`);
    assert.equal(again.statusCode, 202, again.body);
    assert.equal(again.json().take, 2);
    const c = (await ana.get(`/genads/api/campaigns/${id}`)).json();
    assert.deepEqual([c.status, c.takes_started, c.variations_completed], ['processing', 2, 0]);
  });
});

function assertNoSelection(res: { statusCode: number; json(): { code: string } }) {
  assert.equal(res.statusCode, 409);
  assert.equal(res.json().code, 'CAMPAIGN_NOT_COMPLETED');
}
