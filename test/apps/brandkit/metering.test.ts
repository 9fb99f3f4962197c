import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { brandkitApp } from '../../../src/apps/brandkit/index.js';
import { brandkitDb } from '../../../src/apps/brandkit/db.js';
import { brandkitSettings } from '../../../src/apps/brandkit/config.js';
import { generationAllowance, useGenerations } from '../../../src/apps/brandkit/metering/generation-quota.js';
import { AppError } from '../../../src/platform/errors.js';

describe('brandkit generation metering', () => {
  let t: TestPlatform;
  let user: TestUser;
  before(async () => {
    t = await startTestPlatform({ apps: [brandkitApp], env: { BRANDKIT_LOGO_GENERATIONS_FREE: '5', BRANDKIT_MOCKUP_GENERATIONS_FREE: '0' } });
    user = await t.signup('bk-meter');
  });
  after(() => t.close());

  const use = (kind: 'logo' | 'mockup', count: number, now?: Date) =>
    brandkitDb.withTenant(t.platform.ctx, user, (tx) => useGenerations(tx, brandkitSettings.load(t.platform.ctx.config), { orgId: user.orgId, userId: user.userId, kind, count }, now));

  it('counts generations as platform usage and refuses past the plan\'s allowance, saying when more come', async () => {
    const first = await use('logo', 4);
    assert.deepEqual([first.used, first.remaining, first.limit, first.plan], [4, 1, 5, 'free']);
    const err = await use('logo', 2).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof AppError);
    assert.equal(err.status, 429);
    assert.equal(err.code, 'GENERATION_LIMIT_REACHED');
    assert.equal(err.retryable, false);
    assert.match(err.message, /only 1 of 5 logo generations are left this month and this needs 2/);
    assert.match(err.message, /More come on \d{4}-\d{2}-01/);
    assert.ok(Number(err.headers?.['retry-after']) > 0);
    await use('logo', 1);
    await assert.rejects(use('logo', 1), /all 5 logo generations of this month are used/);
    await assert.rejects(use('mockup', 1), /all 0 mockup generations/);

    const usage = await t.request('GET', '/brandkit/api/usage', { token: user.token });
    assert.deepEqual(usage.json().items.map((i: { kind: string; used: number; remaining: number }) => [i.kind, i.used, i.remaining]), [['logo', 5, 0], ['mockup', 0, 0]]);
    // The platform's usage report shows them too.
    const report = await t.request('GET', '/api/v1/usage', { token: user.token });
    assert.equal(report.json().actions.find((a: { action: string }) => a.action === 'brandkit.logo.generated').events, 5);
  });

  it('gives the allowance back in the next calendar month', async () => {
    const nextMonth = new Date();
    nextMonth.setUTCMonth(nextMonth.getUTCMonth() + 1, 1);
    // Events recorded now are before next month's start, so next month starts from zero.
    const a = await brandkitDb.withTenant(t.platform.ctx, user, (tx) => generationAllowance(tx, brandkitSettings.load(t.platform.ctx.config), user.orgId, 'logo', nextMonth));
    assert.equal(a.used, 0);
    assert.equal(a.remaining, 5);
  });

  it('lets two requests at once take no more than the allowance', async () => {
    const other = await t.signup('bk-meter-race');
    const config = brandkitSettings.load(t.platform.ctx.config);
    const attempt = () => brandkitDb.withTenant(t.platform.ctx, other, (tx) => useGenerations(tx, config, { orgId: other.orgId, userId: other.userId, kind: 'logo', count: 3 })).then(() => 'ok', (e: AppError) => e.code);
    const results = await Promise.all([attempt(), attempt()]);
    assert.deepEqual(results.sort(), ['GENERATION_LIMIT_REACHED', 'ok']);
  });
});
