/**
 * Social's figures in a real browser, at desktop and phone width, against the local fake
 * networks: an owner adapts a draft for X with AI and applies it as X's text, publishes it,
 * and a second post; the fake X reports figures (one post clearly better), the metrics sweep
 * runs (called directly, as the social.metrics job does); the analytics page and the post's
 * panel show them; an A/B test of the two posts is created and evaluated: the winner and its
 * p-value. Every page visited is scanned for accessibility and photographed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { checkPage, launchBrowser, openPage, viewports, type ViewportName } from './support/browser';
import { startSocialServer, type SocialServer } from './support/social-server';
import { socialSettings } from '../../src/apps/social/config';
import { sweepMetrics } from '../../src/apps/social/analytics/collect-metrics';

const field = (page: Page, label: string) => page.getByRole('textbox', { name: new RegExp(`^${label}( \\*)?$`) });

describe('Social analytics and A/B tests in the browser', () => {
  let server: SocialServer;
  let browser: Browser;

  before(async () => {
    [server, browser] = await Promise.all([startSocialServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const viewport of Object.keys(viewports) as ViewportName[]) {
    test(`adapt with AI, publish, read the figures, A/B test two posts (${viewport})`, async () => {
      const owner = await server.api.signup(`social-figures-${viewport}`, { accept_terms: true });
      const connect = await server.api.request('POST', '/social/api/accounts/connect/x', { token: owner.token, body: {} });
      const authorize = (connect.json() as { data: { authorize_url: string } }).data.authorize_url;
      const back = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location')!);
      const connected = await server.api.request('GET', `/social/api/accounts/callback/x${back.search}`, { token: owner.token });
      assert.equal(connected.statusCode, 200, connected.body);
      const xAccount = (connected.json() as { data: { account_ids: string[] } }).data.account_ids[0];

      const context = await browser.newContext({ viewport: viewports[viewport] });
      context.setDefaultTimeout(30_000);
      const page = await openPage(context);
      await page.goto(`${server.url}/login`);
      await field(page, 'Email').fill(owner.email);
      await field(page, 'Password').fill(owner.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(/\/home$/);

      // The composer: adapt the draft for X, read what was done, use it as X's text, publish.
      await page.goto(`${server.url}/social/compose`);
      await page.getByRole('textbox', { name: /^Post/ }).fill(`Autumn sale (${viewport}): everything half price this weekend.`);
      await page.getByRole('checkbox', { name: /^X · / }).check();
      await field(page, 'Keywords \\(comma-separated\\)').fill('autumn, weekend deals');
      await page.getByRole('textbox', { name: /^Hashtags at most/ }).fill('1');
      await page.getByRole('button', { name: 'Adapt with AI' }).click();
      await page.getByTestId('ai-x').getByText('added #Autumn from the keywords').waitFor();
      assert.equal(await page.getByTestId('ai-x').getByText('#WeekendDeals').count(), 0, 'one hashtag at most, as asked');
      await checkPage(page, 'social-compose-ai', viewport);
      await page.getByRole('button', { name: 'Use for X' }).click();
      await page.getByRole('button', { name: 'Applied to X' }).waitFor();
      const adapted = await page.getByRole('textbox', { name: 'Text for X' }).inputValue();
      assert.match(adapted, /#Autumn/);
      await page.getByText('Publish now', { exact: true }).click();
      await page.getByRole('button', { name: 'Save and publish now' }).click();
      await page.waitForURL(/\/social\/posts\/[0-9a-f-]{36}$/);
      const postA = page.url().split('/').pop()!;
      await page.getByTestId('post-status').getByText('Published').waitFor();

      // A second post, published through the API.
      const b = await server.api.request('POST', '/social/api/posts', { token: owner.token, body: { title: `Plain ${viewport}`, text: `Sale this weekend (${viewport}).`, account_ids: [xAccount] } });
      assert.equal(b.statusCode, 201, b.body);
      const postB = (b.json() as { data: { post: { id: string } } }).data.post.id;
      assert.equal((await server.api.request('POST', `/social/api/posts/${postB}/publish`, { token: owner.token })).statusCode, 200);
      const remote: Record<string, string> = {};
      for (const id of [postA, postB]) {
        // Wait on the publisher's realtime events (subscribed before each read, so none is missed).
        for (;;) {
          let wake!: () => void;
          const changed = new Promise<void>((resolve) => (wake = resolve));
          const stop = server.api.platform.ctx.events.subscribe(owner.orgId, ['social:posts'], () => wake());
          try {
            const p = (await server.api.request('GET', `/social/api/posts/${id}`, { token: owner.token })).json() as { data: { status: string; targets: Array<{ remote_id: string | null }> } };
            if (p.data.status === 'published') { remote[id] = p.data.targets[0].remote_id!; break; }
            assert.ok(['scheduled', 'publishing'].includes(p.data.status), `post ${id} ended ${p.data.status}`);
            await changed;
          } finally {
            stop();
          }
        }
      }
      assert.equal([...server.fakes.x.tweets.values()].filter((t) => t.text === adapted).length, 1);

      // X reports figures: A clearly better. The sweep reads them.
      Object.assign(server.fakes.x.tweets.get(remote[postA])!.metrics, { impression_count: 1000, like_count: 120, reply_count: 10 });
      Object.assign(server.fakes.x.tweets.get(remote[postB])!.metrics, { impression_count: 1000, like_count: 30, reply_count: 2 });
      const platform = server.api.platform;
      await sweepMetrics(platform.ctx, socialSettings.load(platform.ctx.config).metrics);

      await page.goto(`${server.url}/social/analytics`);
      await page.getByTestId('overview-totals-impressions').getByText('2,000').waitFor();
      await page.getByTestId('network-x').waitFor();
      await page.getByTestId('top-post').first().getByRole('link', { name: /Autumn sale/ }).waitFor();
      await checkPage(page, 'social-analytics', viewport);
      await page.getByTestId('top-post').first().getByRole('link', { name: /Autumn sale/ }).click();
      await page.getByTestId('post-totals-impressions').getByText('1,000').waitFor();
      await page.getByTestId('post-totals-engagement-rate').getByText('13.00 %').waitFor();
      await checkPage(page, 'social-post-figures', viewport);

      // The X account's own figures, from the accounts page: both posts, their totals per day.
      await page.goto(`${server.url}/social/accounts`);
      await page.getByRole('link', { name: /^Figures of .* on X/ }).click();
      await page.waitForURL(/\/social\/accounts\/[0-9a-f-]{36}\/analytics$/);
      await page.getByTestId('account-summary').getByText(/: 2 post\(s\) published$/).waitFor();
      await page.getByTestId('account-totals-impressions').getByText('2,000').waitFor();
      await page.getByTestId('account-totals-engagements').getByText('162').waitFor();
      await page.getByRole('img', { name: /^The account per publishing day: Impressions 2,000/ }).waitFor();
      await checkPage(page, 'social-account-figures', viewport);
      // The navigation marks this page's section, Accounts, and only it (not Posts at /social, a prefix of every page).
      const current = await page.locator('[aria-label="Main"] a[aria-current="page"]').allTextContents();
      assert.deepEqual(current, ['Social: Accounts']);
      const before = await page.getByTestId('account-summary').textContent();
      await page.locator('label', { hasText: /^7 days$/ }).click();
      assert.ok(await page.getByRole('radio', { name: '7 days' }).isChecked());
      await page.waitForFunction((old) => document.querySelector('[data-testid="account-summary"]')?.textContent !== old, before);
      await page.getByTestId('account-summary').getByText(/: 2 post\(s\) published$/).waitFor();

      // An A/B test of the two posts: evaluated, A wins with its p-value.
      await page.goto(`${server.url}/social/ab-tests`);
      await page.getByText('No A/B tests yet').waitFor();
      await page.getByRole('button', { name: 'New A/B test' }).click();
      await field(page, 'Name').fill(`Hashtags ${viewport}`);
      await page.getByRole('checkbox', { name: /Autumn sale/ }).check();
      await page.getByRole('checkbox', { name: `Plain ${viewport}` }).check();
      // Both versions before the same audience: the X account's targets only.
      await page.getByRole('combobox', { name: 'Compare on', exact: true }).click();
      await page.getByRole('option', { name: / on X$/ }).click();
      await checkPage(page, 'social-ab-new', viewport);
      await page.getByRole('button', { name: 'Start test' }).click();
      await page.waitForURL(/\/social\/ab-tests\/[0-9a-f-]{36}$/);
      await page.getByTestId('ab-status').getByText('Running').waitFor();
      await page.getByRole('button', { name: 'Evaluate' }).click();
      await page.getByTestId('ab-status').getByText('Completed').waitFor();
      const verdict = page.getByTestId('ab-verdict');
      await verdict.getByText('Winner: A').waitFor();
      await verdict.getByText(/two-proportion z-test · p-value .* · alpha 0.05/).waitFor();
      await page.getByTestId('variant-A').getByText('Winner').waitFor();
      await page.getByTestId('variant-B').getByText(/^on .* on X$/).waitFor();
      await checkPage(page, 'social-ab-test', viewport);

      assert.deepEqual(page.consoleErrors, []);
      await context.close();
    });
  }
});
