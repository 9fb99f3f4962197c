/**
 * The Visant journey in a real browser, at desktop and phone width: sign up → register a
 * camera → the camera posts a capture with its key → it appears live → share → the public
 * page opens logged out. Every page visited is scanned for accessibility and photographed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { startServer, type RunningServer } from './support/server';
import { checkPage, launchBrowser, openPage, viewports, type ViewportName } from './support/browser';
import { sceneJpeg } from '../../test/support/images';

/** A text field by its label, whether or not the label carries the required-field asterisk. */
const field = (page: Page, label: string) => page.getByRole('textbox', { name: new RegExp(`^${label}( \\*)?$`) });

describe('Visant in the browser', () => {
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const viewport of Object.keys(viewports) as ViewportName[]) {
    test(`sign up, register a camera, see its capture live, share it (${viewport})`, async () => {
      const context = await browser.newContext({ viewport: viewports[viewport] });
      context.setDefaultTimeout(30_000);
      const page = await openPage(context);
      const email = `e2e-${randomBytes(4).toString('hex')}@example.test`;

      await page.goto(`${server.url}/`);
      await page.getByRole('heading', { name: /cameras, ads and team/ }).waitFor();
      await checkPage(page, 'landing', viewport);
      await page.getByRole('link', { name: 'Create an account' }).click();

      // The form checks itself before sending anything.
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByText('Accept the terms to continue').waitFor();
      await checkPage(page, 'signup-invalid', viewport);
      await field(page, 'Studio or company').fill('Atelier Nord');
      await field(page, 'Email').fill(email);
      await field(page, 'Password').fill('a long password');
      await page.getByRole('checkbox', { name: 'I accept the terms of service' }).check();
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForURL(/\/home$/);
      await page.getByRole('heading', { name: 'Atelier Nord' }).waitFor();
      await checkPage(page, 'home', viewport);

      await page.getByRole('link', { name: 'Open Visant' }).click();
      await page.getByText('No cameras yet').waitFor();
      await checkPage(page, 'cameras-empty', viewport);
      await page.getByRole('button', { name: 'Register a camera' }).click();
      await field(page, 'Name').fill('Front door');
      await field(page, 'Device id').fill('front-door');
      await page.getByRole('button', { name: 'Register', exact: true }).click();
      const deviceKey = (await page.getByTestId('secret').textContent())!.trim();
      assert.match(deviceKey, /^tnt_/);
      await checkPage(page, 'camera-registered', viewport);
      await page.getByRole('link', { name: 'Open the camera' }).click();
      await page.getByTestId('live-status').filter({ hasText: 'live' }).waitFor();
      await page.getByText('No captures yet').waitFor();
      await checkPage(page, 'camera-empty', viewport);

      // The camera's configuration: the API's bounds are checked before sending.
      const interval = page.getByRole('textbox', { name: 'Capture every (seconds)' });
      await interval.fill('3');
      await page.getByRole('button', { name: 'Save configuration' }).click();
      await page.getByText('Between 5 and 86,400 seconds').waitFor();
      await interval.fill('30');
      await page.getByRole('textbox', { name: 'What normal looks like' }).fill('An empty porch, the door closed.');
      const recipients = page.locator('input').and(page.getByLabel('Email these people about abnormal captures'));
      // An address the form lets through but the server refuses: its message shows at the field.
      await recipients.fill('night-guard@porch.x');
      await recipients.press('Enter');
      await page.getByRole('button', { name: 'Save configuration' }).click();
      await page.locator('input[aria-invalid="true"]').and(page.getByLabel('Email these people about abnormal captures')).waitFor();
      // The browser itself logs the refused request; that line is expected, nothing else is.
      page.consoleErrors.splice(0, page.consoleErrors.length, ...page.consoleErrors.filter((e) => !/status of 400 .*\/devices\/front-door\/config/.test(e)));
      await recipients.press('Backspace');
      await recipients.fill('night-guard@example.test');
      await recipients.press('Enter');
      await page.getByRole('textbox', { name: 'At most one email every (minutes)' }).fill('15');
      await page.getByRole('button', { name: 'Save configuration' }).click();
      await page.getByText('Saved. The camera picks it up on its next check-in.').waitFor();
      await checkPage(page, 'camera-configured', viewport);
      const saved = await page.evaluate(async (id) => {
        const token = (JSON.parse(localStorage.getItem('tenantry.session')!) as { access_token: string }).access_token;
        return (await fetch(`/visant/v1/devices/${id}/config`, { headers: { authorization: `Bearer ${token}` } })).json();
      }, 'front-door');
      assert.deepEqual(saved.trigger, { enabled: true, interval_seconds: 30 });
      assert.deepEqual(saved.notifications, { email_recipients: ['night-guard@example.test'], cooldown_minutes: 15 });
      assert.equal(saved.normal_description, 'An empty porch, the door closed.');

      // The camera posts a capture with its own key, over plain HTTP like a real one.
      const res = await fetch(`${server.url}/visant/v1/captures`, {
        method: 'POST',
        headers: { authorization: `Bearer ${deviceKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ device_id: 'front-door', image_base64: (await sceneJpeg()).toString('base64'), trigger_label: 'motion' }),
      });
      assert.equal(res.status, 201, await res.text());
      // It appears without a reload, then its evaluation arrives on the same stream.
      const card = page.getByTestId('capture-card').first();
      await card.waitFor();
      await card.getByText(/uncertain|normal|abnormal/).waitFor();
      await checkPage(page, 'camera-live', viewport);

      await card.click();
      await page.getByTestId('capture-reason').waitFor();
      await page.getByRole('button', { name: 'Mark as normal' }).click();
      await page.getByText("Marked normal: part of this camera's baseline.").waitFor();
      await checkPage(page, 'capture', viewport);
      await page.getByRole('link', { name: '← front-door' }).click();

      await page.getByRole('button', { name: 'Share', exact: true }).click();
      await page.getByRole('button', { name: 'Create link' }).click();
      const shareUrl = (await page.getByTestId('secret').textContent())!.trim();
      assert.match(shareUrl, /\/s\//);
      await checkPage(page, 'share-created', viewport);
      assert.deepEqual(page.consoleErrors, [], 'no console errors in the signed-in pages');

      // Someone without an account opens the link.
      const visitor = await browser.newContext({ viewport: viewports[viewport] });
      const publicPage = await openPage(visitor);
      await publicPage.goto(shareUrl);
      await publicPage.getByText('Front door').first().waitFor();
      assert.ok((await publicPage.locator('img').count()) >= 1, 'the public gallery shows the capture');
      await checkPage(publicPage, 'public-gallery', viewport);
      assert.deepEqual(publicPage.consoleErrors, [], 'no console errors on the public page');
      await visitor.close();

      // A new key for the camera: asked first, shown once; the old key is refused from then on.
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Issue a new key' }).click();
      const confirm = page.getByRole('dialog', { name: 'Issue a new key for Front door?' });
      await confirm.getByText('stops working at once').waitFor();
      await checkPage(page, 'camera-new-key-confirm', viewport);
      await confirm.getByRole('button', { name: 'Issue the new key' }).click();
      const issued = page.getByRole('dialog', { name: 'New key for Front door' });
      await confirm.waitFor({ state: 'detached' });
      const newKey = (await issued.getByTestId('secret').textContent())!.trim();
      assert.match(newKey, /^tnt_/);
      assert.notEqual(newKey, deviceKey);
      await issued.getByRole('img', { name: 'Configuration QR code for Front door' }).waitFor();
      await issued.getByRole('button', { name: /^Download .+\.json$/ }).waitFor();
      await checkPage(page, 'camera-new-key', viewport);
      // The camera reads its configuration with its key, as it does at each check-in.
      const configWith = (key: string) => fetch(`${server.url}/visant/v1/devices/front-door/config`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal((await configWith(deviceKey)).status, 401, 'the old key is refused');
      const withNew = await configWith(newKey);
      assert.ok(withNew.ok, `the new key is accepted: ${withNew.status} ${await withNew.text()}`);
      await issued.getByRole('button', { name: 'Done' }).click();
      await issued.waitFor({ state: 'detached' });

      if (viewport === 'desktop') {
        // A deactivated camera (here through the API) is reactivated from its page, with a new key.
        const deactivated = await page.evaluate(async () => {
          const token = (JSON.parse(localStorage.getItem('tenantry.session')!) as { access_token: string }).access_token;
          const res = await fetch('/visant/v1/devices/front-door', { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'inactive' }) });
          return res.status;
        });
        assert.equal(deactivated, 200);
        await page.reload();
        await page.getByText('This camera is deactivated').waitFor();
        assert.equal((await configWith(newKey)).status, 401, 'a deactivated camera is refused');
        await page.getByRole('button', { name: 'Reactivate' }).click();
        const reactivate = page.getByRole('dialog', { name: 'Reactivate Front door?' });
        await reactivate.getByRole('button', { name: 'Reactivate' }).click();
        await reactivate.waitFor({ state: 'detached' });
        const again = page.getByRole('dialog', { name: 'New key for Front door' });
        const reactivatedKey = (await again.getByTestId('secret').textContent())!.trim();
        await checkPage(page, 'camera-reactivated', viewport);
        assert.ok((await configWith(reactivatedKey)).ok, 'the reactivated camera works with its new key');
        await again.getByRole('button', { name: 'Done' }).click();
        await page.getByRole('button', { name: 'Issue a new key' }).waitFor();
      }

      if (viewport === 'desktop') {
        // API keys: the secret is shown once, then the key can be revoked.
        await page.goto(`${server.url}/settings/api-keys`);
        // The camera's key is an API key of the org too.
        await page.getByRole('cell', { name: 'Visant device front-door' }).waitFor();
        await field(page, 'Name').fill('Backup script');
        await page.getByRole('button', { name: 'Create key' }).click();
        assert.match((await page.getByTestId('secret').textContent())!, /^tnt_/);
        await page.getByRole('cell', { name: 'Backup script' }).waitFor();
        await checkPage(page, 'api-keys', viewport);
        await page.getByRole('row', { name: /Backup script/ }).getByRole('button', { name: 'Revoke' }).click();
        await page.getByRole('dialog', { name: 'Revoke "Backup script"?' }).getByRole('button', { name: 'Revoke' }).click();
        await page.getByRole('cell', { name: 'Backup script' }).waitFor({ state: 'detached' });

        // An access token the server refuses is renewed silently with the refresh token…
        const stored = () => page.evaluate(() => JSON.parse(localStorage.getItem('tenantry.session') ?? 'null') as { access_token: string; refresh_token: string } | null);
        const before = (await stored())!;
        await page.evaluate(() => {
          const s = JSON.parse(localStorage.getItem('tenantry.session')!);
          localStorage.setItem('tenantry.session', JSON.stringify({ ...s, access_token: 'expired.access.token' }));
        });
        await page.goto(`${server.url}/settings/members`);
        await page.getByRole('cell', { name: email }).waitFor();
        const after = (await stored())!;
        assert.notEqual(after.refresh_token, before.refresh_token, 'the refresh token was rotated');
        // …and when the refresh token is refused too, the login page says the session ended.
        await page.evaluate(() => {
          const s = JSON.parse(localStorage.getItem('tenantry.session')!);
          localStorage.setItem('tenantry.session', JSON.stringify({ ...s, access_token: 'expired.access.token', refresh_token: 'rt_not_a_real_refresh_token' }));
        });
        await page.goto(`${server.url}/settings/members`);
        await page.waitForURL(/\/login/);
        await page.getByText('Your session has ended: log in again.').waitFor();
        await checkPage(page, 'session-ended', viewport);
        // The failed renewal's 401s are expected console noise from the browser itself.
        page.consoleErrors.length = 0;

        // Logging in again with a wrong password shows the server's words.
        await field(page, 'Email').fill(email);
        await field(page, 'Password').fill('not the password');
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.getByText('Email or password is wrong').waitFor();
        await field(page, 'Password').fill('a long password');
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.getByRole('cell', { name: email }).waitFor();
        assert.deepEqual(page.consoleErrors.filter((e) => !/status of 401/.test(e)), []);
      }
      await context.close();
    });
  }
});
