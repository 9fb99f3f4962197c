/**
 * The platform's own journeys in a real browser, at desktop and phone width: an invitation
 * (owner invites, the invitee opens the link from the embedded outbox and lands in the org
 * with the right role), API keys (secret shown once, copy, rotate, revoke), and the
 * superadmin portal (an operator made with the CLI logs in, accepts the terms, creates an
 * organization with its first admin, suspends and activates it, sees the charts). Every page
 * visited is scanned for accessibility and photographed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startServer, type RunningServer } from './support/server';
import { checkPage, launchBrowser, openPage, viewports, type ViewportName } from './support/browser';
import { sceneJpeg } from '../../test/support/images';

const field = (page: Page, label: string) => page.getByRole('textbox', { name: new RegExp(`^${label}( \\*)?$`) });
const unique = (name: string) => `${name}-${randomBytes(4).toString('hex')}@example.test`;

/** On a phone the navigation sits behind the menu button. */
async function navigate(page: Page, viewport: ViewportName, label: string) {
  if (viewport === 'phone') await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
}

async function signUp(page: Page, server: RunningServer, org: string, email: string) {
  await page.goto(`${server.url}/signup`);
  await field(page, 'Studio or company').fill(org);
  await field(page, 'Email').fill(email);
  await field(page, 'Password').fill('a long password');
  await page.getByRole('checkbox', { name: 'I accept the terms of service' }).check();
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/home$/);
}

async function logIn(page: Page, server: RunningServer, email: string, password: string) {
  await page.goto(`${server.url}/login`);
  await field(page, 'Email').fill(email);
  await field(page, 'Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/home$/);
}

/** The link of the newest message to `to` in the embedded outbox, read as an operator does. */
async function linkFromOutbox(server: RunningServer, to: string, path: string): Promise<string> {
  const listing = await server.cli(['email', 'outbox', '--to', to]);
  const id = /id: (\S+)/.exec(listing)?.[1];
  assert.ok(id, `a message to ${to} is in the outbox:\n${listing}`);
  const message = await server.cli(['email', 'outbox', '--id', id, '--reveal']);
  const link = new RegExp(`https?://\\S+${path}\\?token=[\\w.-]+`).exec(message)?.[0];
  assert.ok(link, `the message carries a ${path} link:\n${message}`);
  // The email links to the configured public address; the browser opens this server.
  const { pathname, search } = new URL(link);
  return `${server.url}${pathname}${search}`;
}

describe('platform journeys in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  });
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
  });

  const newPage = async (viewport: ViewportName) => {
    const context = await browser.newContext({ viewport: viewports[viewport] });
    context.setDefaultTimeout(30_000);
    contexts.push(context);
    return openPage(context);
  };

  for (const viewport of Object.keys(viewports) as ViewportName[]) {
    test(`invitation: the invitee joins with the role given (${viewport})`, async () => {
      const owner = await newPage(viewport);
      const ownerEmail = unique('owner');
      const inviteeEmail = unique('invitee');
      await signUp(owner, server, `Studio ${viewport}`, ownerEmail);
      await navigate(owner, viewport, 'Members');
      await owner.getByRole('heading', { name: 'Invitations', exact: true }).waitFor();
      // The form checks the address before sending it.
      await field(owner, 'Email').fill('not an address');
      await owner.getByRole('button', { name: 'Invite' }).click();
      await owner.getByText('Enter the email address to invite').waitFor();
      await field(owner, 'Email').fill(inviteeEmail);
      await owner.getByRole('combobox', { name: 'Role', exact: true }).click();
      await owner.getByRole('option', { name: 'editor' }).click();
      await owner.getByRole('button', { name: 'Invite' }).click();
      await owner.getByRole('cell', { name: inviteeEmail }).waitFor();
      await checkPage(owner, 'invitation-sent', viewport);

      const invitee = await newPage(viewport);
      await invitee.goto(await linkFromOutbox(server, inviteeEmail, '/invite'));
      await invitee.getByText('Join your team').first().waitFor();
      await checkPage(invitee, 'invitation-accept', viewport);
      await field(invitee, 'Password').fill('the invitee password');
      await invitee.getByRole('button', { name: /Join|Accept/ }).click();
      // An account made by an invitation has not accepted the terms yet: asked first.
      await invitee.getByRole('heading', { name: 'Terms of service' }).waitFor();
      await invitee.getByRole('button', { name: 'Accept and continue' }).click();
      await invitee.getByText('Tick the box to accept the terms, or log out').waitFor();
      await checkPage(invitee, 'terms', viewport);
      await invitee.getByRole('checkbox', { name: 'I accept the terms of service' }).check();
      await invitee.getByRole('button', { name: 'Accept and continue' }).click();
      await invitee.getByRole('heading', { name: `Studio ${viewport}` }).waitFor();
      await checkPage(invitee, 'invitee-home', viewport);
      if (viewport === 'phone') await invitee.getByRole('button', { name: 'Menu' }).click();
      await invitee.getByText(`${inviteeEmail} · editor`).waitFor();
      if (viewport === 'phone') await invitee.getByRole('button', { name: 'Menu' }).click();

      // The owner sees the new member with that role.
      await owner.reload();
      await owner.getByRole('cell', { name: inviteeEmail }).first().waitFor();
      assert.equal(await owner.getByRole('combobox', { name: `Role of ${inviteeEmail}` }).inputValue(), 'editor');
      // Accepting the invitation logged them in: their last login is a date, not "never".
      const lastLogin = (await owner.getByRole('row', { name: new RegExp(inviteeEmail) }).getByTestId('last-login').textContent())?.trim();
      assert.match(lastLogin ?? '', /\b20\d\d\b/, `the invitee's last login is a date: ${lastLogin}`);

      // Logging out ends the session and comes back to the login page.
      await invitee.getByRole('button', { name: 'Log out' }).first().click();
      await invitee.waitForURL(/\/login/);
      await invitee.getByText('You are logged out.').waitFor();
      assert.equal(await invitee.evaluate(() => localStorage.getItem('tenantry.session')), null, 'the tokens are forgotten');
      assert.deepEqual(owner.consoleErrors, []);
      assert.deepEqual(invitee.consoleErrors, []);
    });

    test(`organization switcher: a member of two organizations moves between them (${viewport})`, async () => {
      const signupApi = async (org: string, email: string) => {
        const res = await fetch(`${server.url}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ org_name: org, email, password: 'a long password', accept_terms: true }) });
        assert.equal(res.status, 201, await res.clone().text());
        return ((await res.json()) as { access_token: string }).access_token;
      };
      const alpha = `Alpha ${viewport}`;
      const beta = `Beta ${viewport}`;
      const alphaToken = await signupApi(alpha, unique('alpha'));
      const betaEmail = unique('beta');
      await signupApi(beta, betaEmail);
      const invited = await fetch(`${server.url}/api/v1/invites`, { method: 'POST', headers: { authorization: `Bearer ${alphaToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ email: betaEmail, role: 'viewer' }) });
      assert.equal(invited.status, 201, await invited.text());

      // Someone with an account, already signed in, accepts with it.
      const page = await newPage(viewport);
      await logIn(page, server, betaEmail, 'a long password');
      await page.getByRole('heading', { name: beta }).waitFor();
      assert.equal(await page.getByRole('combobox', { name: 'Organization' }).count(), 0, 'no switcher with one organization');
      await page.goto(await linkFromOutbox(server, betaEmail, '/invite'));
      await page.getByText(`You are signed in as ${betaEmail}`).waitFor();
      await page.getByRole('button', { name: 'Accept the invitation' }).click();
      await page.waitForURL(/\/home$/);
      const switcher = page.getByRole('combobox', { name: 'Organization' });
      await switcher.click();
      await page.getByRole('option', { name: `${alpha} (viewer)` }).click();
      await page.getByRole('heading', { name: alpha }).waitFor();
      await checkPage(page, 'org-switched', viewport);
      const logout = (await page.getByRole('button', { name: 'Log out' }).boundingBox())!;
      assert.ok(logout.x + logout.width <= viewports[viewport].width, 'the header keeps "Log out" on screen beside the switcher');
      assert.equal(await switcher.inputValue(), `${alpha} (viewer)`);
      // A viewer of Alpha is not offered its admin pages.
      if (viewport === 'phone') await page.getByRole('button', { name: 'Menu' }).click();
      await page.getByText(`${betaEmail} · viewer`).waitFor();
      assert.equal(await page.getByRole('link', { name: 'API keys' }).count(), 0);
      if (viewport === 'phone') await page.getByRole('button', { name: 'Menu' }).click();
      await switcher.click();
      await page.getByRole('option', { name: `${beta} (owner)` }).click();
      await page.getByRole('heading', { name: beta }).waitFor();
      assert.deepEqual(page.consoleErrors, []);
    });

    test(`API keys: shown once, copied, rotated, revoked; the audit log records it (${viewport})`, async () => {
      const page = await newPage(viewport);
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
      await signUp(page, server, `Keys ${viewport}`, unique('keys'));
      await navigate(page, viewport, 'API keys');
      await page.getByText('No API keys yet').waitFor();
      await checkPage(page, 'api-keys-empty', viewport);
      await page.getByRole('button', { name: 'Create key' }).click();
      await page.getByText('Name the key after what will use it').waitFor();
      await field(page, 'Name').fill('Nightly export');
      await page.getByRole('button', { name: 'Create key' }).click();
      const first = (await page.getByTestId('secret').textContent())!.trim();
      assert.match(first, /^tnt_/);
      await page.getByRole('button', { name: 'Copy' }).click();
      await page.getByRole('button', { name: 'Copied' }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), first, 'the copy button copies the secret');
      await checkPage(page, 'api-key-created', viewport);
      // The key works, and only its prefix is listed from now on.
      assert.equal((await fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${first}` } })).status, 200);
      await page.reload();
      await page.getByRole('cell', { name: 'Nightly export' }).waitFor();
      assert.equal(await page.getByTestId('secret').count(), 0, 'the secret is not shown again');

      await page.getByRole('row', { name: /Nightly export/ }).getByRole('button', { name: 'Rotate' }).click();
      await page.getByRole('dialog', { name: 'Rotate "Nightly export"?' }).getByRole('button', { name: 'Rotate' }).click();
      await page.getByTestId('secret').waitFor();
      const second = (await page.getByTestId('secret').textContent())!.trim();
      assert.notEqual(second, first);
      assert.equal((await fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${first}` } })).status, 401, 'the old secret stops working');
      assert.equal((await fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${second}` } })).status, 200);

      await page.getByRole('row', { name: /Nightly export/ }).getByRole('button', { name: 'Revoke' }).click();
      await page.getByRole('dialog', { name: 'Revoke "Nightly export"?' }).getByRole('button', { name: 'Revoke' }).click();
      await page.getByText('No API keys yet').waitFor();
      assert.equal((await fetch(`${server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${second}` } })).status, 401);

      // The audit log shows it, filtered to API keys.
      await navigate(page, viewport, 'Audit log');
      await page.getByTestId('audit-table').waitFor();
      await page.getByRole('combobox', { name: 'Action', exact: true }).fill('api_key.*');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByText('api_key.revoked').waitFor();
      await page.getByText('api_key.rotated').waitFor();
      assert.equal(await page.getByText('auth.signup').count(), 0, 'the filter leaves other actions out');
      await checkPage(page, 'audit-log', viewport);
      // A reversed date range is refused before asking the server.
      await page.getByLabel('From').fill('2030-01-02');
      await page.getByLabel('To').fill('2030-01-01');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByText('The end date is before the start date').waitFor();
      await page.getByLabel('To').fill('2030-01-03');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByText('Nothing matches these filters').waitFor();

      await navigate(page, viewport, 'Usage and storage');
      await page.getByTestId('storage-meter').waitFor();
      // Today's storage point is the live value; this org's requests above are counted.
      await page.getByTestId('chart-storage-used').locator('.recharts-line-dot').first().waitFor();
      await page.getByTestId('chart-api-requests').locator('.recharts-bar-rectangle').first().waitFor();
      await checkPage(page, 'usage', viewport);
      assert.deepEqual(page.consoleErrors, []);
    });

    test(`superadmin: create an organization with its first admin, suspend and activate it, see the charts (${viewport})`, async () => {
      const opsEmail = unique('ops');
      const out = await server.cli(['admin', 'create-superadmin', '--email', opsEmail, '--password', 'operator password']);
      assert.match(out, new RegExp(opsEmail.replace(/[.+]/g, '\\$&'), 'i'));
      const page = await newPage(viewport);
      await logIn(page, server, opsEmail, 'operator password');
      await page.getByRole('heading', { name: 'Terms of service' }).waitFor();
      await page.getByRole('checkbox', { name: 'I accept the terms of service' }).check();
      await page.getByRole('button', { name: 'Accept and continue' }).click();
      await navigate(page, viewport, 'Superadmin');
      await page.getByTestId('platform-stats').waitFor();
      await page.getByTestId('tenants').waitFor();
      await checkPage(page, 'superadmin', viewport);

      await page.getByRole('tab', { name: 'Create an organization' }).click();
      await page.getByRole('button', { name: 'Create organization' }).click();
      await page.getByText('Name the organization').waitFor();
      const orgName = `Maison ${viewport} ${randomBytes(2).toString('hex')}`;
      const adminEmail = unique('first-admin');
      await field(page, 'Organization name').fill(orgName);
      await field(page, "First admin's email").fill(adminEmail);
      await page.getByLabel("First admin's password").fill('short');
      await page.getByRole('button', { name: 'Create organization' }).click();
      await page.getByText('At least 8 characters').waitFor();
      await page.getByLabel("First admin's password").fill('first admin password');
      await checkPage(page, 'superadmin-create', viewport);
      await page.getByRole('button', { name: 'Create organization' }).click();
      await page.getByText(`Created ${orgName}`).waitFor();
      const row = page.getByRole('row', { name: new RegExp(orgName) });
      await row.waitFor();

      // The first admin can log in and works in the new org; their upload shows in the charts.
      const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: adminEmail, password: 'first admin password' }) });
      assert.equal(login.status, 200, await login.clone().text());
      const { access_token: token, user } = (await login.json()) as { access_token: string; user: { org_name: string; role: string } };
      assert.deepEqual([user.org_name, user.role], [orgName, 'owner']);
      const upload = await fetch(`${server.url}/api/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' }, body: new Uint8Array(await sceneJpeg()) });
      assert.equal(upload.status, 201, await upload.text());

      await row.getByRole('button', { name: 'Suspend' }).click();
      await page.getByRole('dialog', { name: /^Suspend "/ }).getByRole('button', { name: 'Suspend' }).click();
      await row.getByText('suspended').waitFor();
      assert.equal((await fetch(`${server.url}/api/v1/files`, { headers: { authorization: `Bearer ${token}` } })).status, 403, 'a suspended org is refused');
      await checkPage(page, 'superadmin-suspended', viewport);
      await row.getByRole('button', { name: 'Activate' }).click();
      await row.getByText('active').waitFor();
      assert.equal((await fetch(`${server.url}/api/v1/files`, { headers: { authorization: `Bearer ${token}` } })).status, 200, 'activated again');

      // Plan and limits.
      await row.getByRole('button', { name: `Plan and limits of ${orgName}` }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('Storage limit (GB)').fill('200000');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.getByText('At most 102,400 GB').waitFor();
      await dialog.getByLabel('Storage limit (GB)').fill('2');
      await dialog.getByRole('combobox', { name: 'Plan', exact: true }).click();
      await page.getByRole('option', { name: 'pro' }).click();
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await row.getByRole('cell', { name: 'pro', exact: true }).waitFor();
      await row.getByText('/ 2.0 GB').waitFor();

      // The charts draw the upload, the storage used and the API requests (reload: the series was
      // read before them; the server writes its request counts every second here).
      await page.reload();
      await page.getByTestId('chart-actions').locator('.recharts-bar-rectangle').first().waitFor();
      await page.getByTestId('chart-bytes').locator('.recharts-bar-rectangle').first().waitFor();
      await page.getByTestId('chart-storage-used').locator('.recharts-line-dot').first().waitFor();
      await page.getByTestId('chart-api-requests').locator('.recharts-bar-rectangle').first().waitFor();
      await page.getByRole('tab', { name: 'Activity' }).click();
      await page.getByTestId('activity').getByText('admin.org_activated').first().waitFor();
      await checkPage(page, 'superadmin-activity', viewport);
      assert.deepEqual(page.consoleErrors, []);
    });
  }

  test('the superadmin portal refuses a member who is not an operator', async () => {
    const page = await newPage('desktop');
    await signUp(page, server, 'Not operators', unique('plain'));
    assert.equal(await page.getByRole('link', { name: 'Superadmin' }).count(), 0, 'no link to it');
    await page.goto(`${server.url}/superadmin`);
    await page.getByText('For platform operators only').waitFor();
  });
});
