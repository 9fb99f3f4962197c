import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { assertTenantIsolation } from '../../support/isolation.js';
import { genadsApp } from '../../../src/apps/genads/index.js';
import { GenAdsClient } from './support/genads-client.js';
import { bottlePhoto } from './support/images.js';

/** The isolation matrix over every GenAds route that takes an id: another brand's ids answer 404. */
describe('genads tenant isolation', () => {
  let t: TestPlatform;
  let attacker: GenAdsClient;
  let owner: GenAdsClient;
  let ids: { perfume: string; campaign: string };

  before(async () => {
    t = await startTestPlatform({ apps: [genadsApp], env: { WORKERS: 'off' } });
    attacker = new GenAdsClient(t, await t.signup('genads-attacker'));
    owner = new GenAdsClient(t, await t.signup('genads-owner'));
    const tag = randomBytes(3).toString('hex');
    await attacker.onboard(`Attacker ${tag}`);
    await owner.onboard(`Victim ${tag}`);
    // The attacker has perfumes and campaigns of its own, so a 404 cannot mean "you have none".
    const own = await attacker.createPerfume('Attacker Perfume');
    await attacker.createCampaign(own.perfume_id);
    const perfume = await owner.createPerfume('Victim Perfume', 'masculine', { back: await bottlePhoto() });
    const campaign = await owner.createCampaign(perfume.perfume_id, { num_variations: 2 });
    ids = { perfume: perfume.perfume_id, campaign: campaign.campaign_id };
  });
  after(() => t.close());

  it('answers 404 on every route for the other brand', async () => {
    const campaignBody = (i: typeof ids) => ({
      perfume_id: i.perfume, campaign_name: 'Hijack', creative_prompt: 'A campaign on someone else\'s perfume', selected_style: 'gold_luxe', target_duration: 15,
    });
    await assertTenantIsolation(t, {
      attackerToken: attacker.user.token,
      ownerToken: owner.user.token,
      ids,
      routes: [
        { method: 'GET', url: (i) => `/genads/api/perfumes/${i.perfume}`, ownerStatus: 200 },
        { method: 'GET', url: (i) => `/genads/api/perfumes/${i.perfume}/images/front`, ownerStatus: 302 },
        { method: 'GET', url: (i) => `/genads/api/perfumes/${i.perfume}/images/back`, ownerStatus: 302 },
        { method: 'GET', url: (i) => `/genads/api/perfumes/${i.perfume}/images/front/link`, ownerStatus: 200 },
        { method: 'PUT', url: (i) => `/genads/api/perfumes/${i.perfume}`, body: { perfume_name: 'pwned' } },
        { method: 'GET', url: (i) => `/genads/api/campaigns?perfume_id=${i.perfume}`, ownerStatus: 200 },
        { method: 'POST', url: () => '/genads/api/campaigns', body: campaignBody },
        { method: 'GET', url: (i) => `/genads/api/campaigns/${i.campaign}`, ownerStatus: 200 },
        { method: 'GET', url: (i) => `/genads/api/campaigns/${i.campaign}/videos`, ownerStatus: 200 },
        { method: 'GET', url: (i) => `/genads/api/generation/campaigns/${i.campaign}/progress`, ownerStatus: 200 },
        { method: 'POST', url: (i) => `/genads/api/generation/campaigns/${i.campaign}/select-variation`, body: { variation_index: 0 }, ownerStatus: 409 },
        { method: 'POST', url: (i) => `/genads/api/generation/campaigns/${i.campaign}/generate`, ownerStatus: 202 },
        { method: 'DELETE', url: (i) => `/genads/api/campaigns/${i.campaign}`, ownerStatus: 409 },
        { method: 'DELETE', url: (i) => `/genads/api/perfumes/${i.perfume}`, ownerStatus: 409 },
      ],
    });
  });
});
