/**
 * The Social Media OS journey in a real browser, at desktop and phone width, against the
 * local fake networks: an admin connects X and Mastodon through their OAuth pages, requires
 * approval; an editor writes a post whose X variant is shorter (the live checks say why),
 * submits it; the admin approves it in the queue; the editor publishes it and watches both
 * targets publish live; the fakes hold the two statuses with each network's own text. Every
 * page visited is scanned for accessibility and photographed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { checkPage, launchBrowser, openPage, viewports, type ViewportName } from './support/browser';
import { startSocialServer, type SocialServer } from './support/social-server';

const field = (page: Page, label: string) => page.getByRole('textbox', { name: new RegExp(`^${label}( \\*)?$`) });

async function logIn(context: BrowserContext, url: string, email: string, password: string) {
  const page = await openPage(context);
  await page.goto(`${url}/login`);
  await field(page, 'Email').fill(email);
  await field(page, 'Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/home$/);
  return page;
}

describe('Social in the browser', () => {
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
    test(`connect two networks, write variants, approve, publish to both live (${viewport})`, async () => {
      const owner = await server.api.signup(`social-${viewport}`, { accept_terms: true });
      const editor = await server.api.addMember(owner, 'editor', `editor-${viewport}`);
      const accepted = await server.api.request('POST', '/api/v1/auth/accept-terms', { token: editor.token });
      assert.equal(accepted.statusCode, 200, accepted.body);

      // The admin: connect X through its consent page (the fake approves and sends the browser back).
      const adminContext = await browser.newContext({ viewport: viewports[viewport] });
      adminContext.setDefaultTimeout(30_000);
      const admin = await logIn(adminContext, server.url, owner.email, owner.password);
      await admin.goto(`${server.url}/social/accounts`);
      await admin.getByText('No accounts yet').waitFor();
      await checkPage(admin, 'social-accounts-empty', viewport);
      await admin.getByRole('button', { name: 'Connect X' }).click();
      await admin.waitForURL(/\/social\/accounts\?connected=1$/);
      await admin.getByText('Account connected').waitFor();
      await admin.getByTestId('account-x').getByText('Connected').waitFor();

      // Mastodon: the instance first (the app registers itself there), then its consent page.
      await admin.getByRole('button', { name: 'Connect Mastodon' }).click();
      await admin.getByText('Enter your Mastodon server, e.g. mastodon.social').waitFor();
      await field(admin, 'Mastodon server').fill(server.fakes.mastodonInstanceUrl);
      await admin.getByRole('button', { name: 'Connect Mastodon' }).click();
      await admin.waitForURL(/\/social\/accounts\?connected=1$/);
      await admin.getByTestId('account-mastodon').getByText('Connected').waitFor();
      await checkPage(admin, 'social-accounts', viewport);

      // A used state is refused in words on the return page.
      const reused = await server.api.request('POST', '/social/api/accounts/connect/x', { token: owner.token, body: {} });
      const authorize = (reused.json() as { data: { authorize_url: string } }).data.authorize_url;
      const back = new URL((await fetch(authorize, { redirect: 'manual' })).headers.get('location')!);
      assert.equal(back.pathname, '/social/accounts/callback/x');
      const used = await server.api.request('GET', `/social/api/accounts/callback/x${back.search}`, { token: owner.token });
      assert.equal(used.statusCode, 200, used.body);
      await admin.goto(back.toString());
      await admin.getByText('This connection request was already used: start again from Connect').waitFor();
      await admin.getByRole('link', { name: 'Back to accounts' }).waitFor();
      await checkPage(admin, 'social-connect-refused', viewport);
      // The refused callback's 410 is the browser's own console line for an answer the page expected.
      admin.consoleErrors.length = 0;

      // The workspace requires approval.
      await admin.goto(`${server.url}/social/settings`);
      await admin.getByRole('switch', { name: /need an admin's approval/ }).check();
      await admin.getByRole('button', { name: 'Save settings' }).click();
      await admin.getByText('Saved.').waitFor();
      await checkPage(admin, 'social-settings', viewport);

      // The editor writes the post: too long for X, so X gets its own shorter text.
      const editorContext = await browser.newContext({ viewport: viewports[viewport], acceptDownloads: true });
      editorContext.setDefaultTimeout(30_000);
      const author = await logIn(editorContext, server.url, editor.email, editor.password);
      await author.goto(`${server.url}/social/compose`);
      await author.getByText('Approval required').waitFor();
      const long = `Spring launch (${viewport}): ${'our new collection arrives in every store this week, '.repeat(6)}come and see it.`;
      await author.getByRole('textbox', { name: /^Post/ }).fill(long);
      await author.getByRole('checkbox', { name: /^X · / }).check();
      await author.getByRole('checkbox', { name: /^Mastodon · / }).check();
      await author.getByTestId('check-x').getByText(/X allows 280 weighted characters; this text has \d+: shorten it/).waitFor();
      await author.getByTestId('check-mastodon').getByText('Ready for Mastodon.').waitFor();
      await checkPage(author, 'social-compose-too-long', viewport);
      await author.getByRole('switch', { name: 'Different text for X' }).check();
      const short = `Spring launch (${viewport}): in every store this week.`;
      await author.getByRole('textbox', { name: 'Text for X' }).fill(short);
      await author.getByTestId('check-x').getByText('Ready for X.').waitFor();
      await checkPage(author, 'social-compose', viewport);
      await author.getByRole('button', { name: 'Save and submit for approval' }).click();
      await author.waitForURL(/\/social\/posts\/[0-9a-f-]{36}$/);
      const postId = author.url().split('/').pop()!;
      await author.getByTestId('post-status').getByText('Waiting for approval').waitFor();
      await checkPage(author, 'social-post-submitted', viewport);

      // The admin approves it from the queue.
      await admin.goto(`${server.url}/social/approvals`);
      await admin.getByTestId('approval-row').getByText(long.slice(0, 40)).first().waitFor();
      await checkPage(admin, 'social-approvals', viewport);
      await admin.getByRole('button', { name: 'Approve this post' }).click();
      await admin.getByRole('textbox', { name: 'Comment (optional)' }).fill('Lovely, go ahead.');
      await checkPage(admin, 'social-approve-dialog', viewport);
      await admin.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
      await admin.getByText('Nothing waits for approval').waitFor();

      // The editor's page follows on its own (realtime), then publishes now and watches both targets.
      await author.getByTestId('post-status').getByText('Approved').waitFor();
      await author.getByText('Live').waitFor();
      await author.getByRole('button', { name: 'Publish now' }).click();
      await author.getByTestId('target-x').getByText('published', { exact: true }).waitFor();
      await author.getByTestId('target-mastodon').getByText('published', { exact: true }).waitFor();
      await author.getByTestId('post-status').getByText('Published').waitFor();
      await author.getByTestId('target-x').getByRole('link', { name: 'View on X' }).waitFor();
      await checkPage(author, 'social-post-published', viewport);

      // Each network got its own words, once.
      assert.equal([...server.fakes.x.tweets.values()].filter((t) => t.text === short).length, 1);
      assert.equal([...server.fakes.mastodon.statuses.values()].filter((s) => s.text === long).length, 1);

      // The posts list and the calendar show it; the activity log has the decision.
      await author.goto(`${server.url}/social`);
      await author.getByRole('link', { name: new RegExp(`^Spring launch \\(${viewport}\\)`) }).waitFor();
      await checkPage(author, 'social-posts', viewport);

      // The list as CSV, and drafts from a CSV: a bad row is named and nothing imported; a good file imports.
      const [download] = await Promise.all([author.waitForEvent('download'), author.getByRole('button', { name: 'Export CSV' }).click()]);
      assert.equal(download.suggestedFilename(), 'posts.csv');
      assert.match(readFileSync((await download.path())!, 'utf8'), new RegExp(`Spring launch \\(${viewport}\\)`));
      const importFile = (name: string, csv: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(csv) });
      const [badChooser] = await Promise.all([author.waitForEvent('filechooser'), author.getByRole('button', { name: 'Import CSV' }).click()]);
      await badChooser.setFiles(importFile('bad.csv', `title,text\nGood row ${viewport},Fine words\nEmpty row ${viewport},\n`));
      await author.getByText(/Row 3, text: a post needs text/).waitFor();
      await checkPage(author, 'social-posts-import-refused', viewport);
      author.consoleErrors.length = 0; // the refusal's 422, which the page shows
      const [goodChooser] = await Promise.all([author.waitForEvent('filechooser'), author.getByRole('button', { name: 'Import CSV' }).click()]);
      await goodChooser.setFiles(importFile('good.csv', `title,text\nImported ${viewport},Autumn words from a spreadsheet\n`));
      await author.getByText('1 post(s) imported as drafts').waitFor();
      await author.getByRole('link', { name: new RegExp(`^Imported ${viewport}`) }).waitFor();
      await checkPage(author, 'social-posts-imported', viewport);

      await admin.goto(`${server.url}/social/activity`);
      await admin.getByText('post.approved').first().waitFor();
      await checkPage(admin, 'social-activity', viewport);
      await admin.goto(`${server.url}/social/posts/${postId}`);
      await admin.getByTestId('post-status').getByText('Published').waitFor();

      // The calendar shows it on today's date in the workspace's zone (UTC by default).
      await author.goto(`${server.url}/social/calendar`);
      const today = new Date().toISOString().slice(0, 10);
      await author.getByTestId(`day-${today}`).getByRole('link', { name: /Spring launch/ }).waitFor();
      await checkPage(author, 'social-calendar', viewport);
      await author.getByText('Week', { exact: true }).click();
      await author.getByRole('heading', { name: /^Week of/ }).waitFor();
      await author.getByTestId(`day-${today}`).getByRole('link', { name: /Spring launch/ }).waitFor();

      // A draft planned for tomorrow is moved in the calendar: refused in words until it is approved, then moved.
      const accounts = (await server.api.request('GET', '/social/api/accounts', { token: owner.token })).json() as { data: Array<{ id: string; network: string }> };
      const xAccount = accounts.data.find((a) => a.network === 'x')!.id;
      const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
      const teaser = await server.api.request('POST', '/social/api/posts', {
        token: editor.token,
        body: { title: `Teaser ${viewport}`, text: `Summer teaser (${viewport})`, account_ids: [xAccount], scheduled_at: `${day(1)}T09:00:00Z` },
      });
      assert.equal(teaser.statusCode, 201, teaser.body);
      const teaserId = (teaser.json() as { data: { post: { id: string } } }).data.post.id;
      await author.getByText('Month', { exact: true }).click();
      await author.reload();
      // Today's cell is in every month view: once it is drawn, a missing tomorrow means tomorrow is next month.
      await author.getByTestId(`day-${today}`).waitFor({ state: 'attached' });
      if ((await author.getByTestId(`day-${day(1)}`).count()) === 0) await author.getByRole('button', { name: 'Next' }).click();
      await author.getByRole('button', { name: `Move Teaser ${viewport}` }).click();
      const dialog = author.getByRole('dialog');
      await dialog.getByLabel('Publish at').fill(`${day(2)}T10:00`);
      await dialog.getByRole('button', { name: 'Schedule' }).click();
      await dialog.getByText('This workspace publishes approved posts only: submit the post for approval first').waitFor();
      await checkPage(author, 'social-calendar-move-refused', viewport);
      // The refusal's 409 is the browser's own console line for an answer the dialog shows.
      author.consoleErrors.length = 0;
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      assert.equal((await server.api.request('POST', `/social/api/posts/${teaserId}/submit`, { token: editor.token })).statusCode, 200);
      assert.equal((await server.api.request('POST', `/social/api/posts/${teaserId}/approve`, { token: owner.token, body: {} })).statusCode, 200);
      await author.getByRole('button', { name: `Move Teaser ${viewport}` }).click();
      await dialog.getByLabel('Publish at').fill(`${day(2)}T10:00`);
      await dialog.getByRole('button', { name: 'Schedule' }).click();
      await dialog.waitFor({ state: 'detached' });
      if ((await author.getByTestId(`day-${day(2)}`).count()) === 0) await author.getByRole('button', { name: 'Next' }).click();
      await author.getByTestId(`day-${day(2)}`).getByRole('link', { name: /10:00 Teaser/ }).waitFor();
      const moved = (await server.api.request('GET', `/social/api/posts/${teaserId}`, { token: editor.token })).json() as { data: { status: string; scheduled_at: string } };
      assert.equal(moved.data.status, 'scheduled');
      assert.equal(moved.data.scheduled_at, `${day(2)}T10:00:00.000Z`);
      if (viewport === 'desktop') {
        // Dragged to another day of the same view: same time of day, its new day; the dialog is not needed.
        const target = (await author.getByTestId(`day-${day(3)}`).count()) > 0 ? day(3) : day(1);
        await author.getByTestId(`calendar-post-${teaserId}`).dragTo(author.getByTestId(`day-${target}`));
        await author.getByTestId(`day-${target}`).getByRole('link', { name: /10:00 Teaser/ }).waitFor();
        const dragged = (await server.api.request('GET', `/social/api/posts/${teaserId}`, { token: editor.token })).json() as { data: { status: string; scheduled_at: string } };
        assert.deepEqual([dragged.data.status, dragged.data.scheduled_at], ['scheduled', `${target}T10:00:00.000Z`]);
        // Dropped on a day gone by: refused in words, and the post stays where it was.
        const firstDay = (await author.locator('[data-testid^="day-"]').first().getAttribute('data-testid'))!.slice(4);
        if (firstDay < today) {
          await author.getByTestId(`calendar-post-${teaserId}`).dragTo(author.getByTestId(`day-${firstDay}`));
          await author.getByRole('alert').getByText(/is in the past: choose a time from now on/).waitFor();
          author.consoleErrors.length = 0;
          await author.getByTestId(`day-${target}`).getByRole('link', { name: /10:00 Teaser/ }).waitFor();
        }
        // The published post is not draggable: it has nowhere to go.
        assert.equal(await author.getByTestId(`day-${today}`).locator('[draggable="true"]').filter({ hasText: 'Spring launch' }).count(), 0);
      }

      // A campaign: the form checks itself, then the campaign is listed and opens with no posts yet.
      await author.goto(`${server.url}/social/campaigns`);
      await author.getByText('No campaigns yet').waitFor();
      await author.getByRole('button', { name: 'Create campaign' }).click();
      await author.getByText('Give the campaign a name').waitFor();
      await field(author, 'Name').fill(`Spring ${viewport}`);
      await author.getByRole('button', { name: 'Create campaign' }).click();
      await author.getByRole('link', { name: `Spring ${viewport}` }).click();
      await author.getByText('No posts in this campaign').waitFor();
      await checkPage(author, 'social-campaign', viewport);

      // The media library, empty, with its upload form.
      await author.goto(`${server.url}/social/media`);
      await author.getByText('The library is empty').waitFor();
      await checkPage(author, 'social-media', viewport);
      // An image uploaded with its alt text: its thumbnail appears in the list once the server has made it.
      const chooser = author.waitForEvent('filechooser');
      await author.getByRole('button', { name: /^File/ }).click();
      const image = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#d9822b' } }).jpeg().toBuffer();
      await (await chooser).setFiles({ name: `harvest-${viewport}.jpg`, mimeType: 'image/jpeg', buffer: image });
      await field(author, 'Alt text').fill(`An orange field (${viewport})`);
      await author.getByRole('button', { name: 'Upload', exact: true }).click();
      await author.getByTestId('media-row').getByRole('img', { name: `An orange field (${viewport})` }).waitFor();
      await checkPage(author, 'social-media-thumbnail', viewport);
      // A video: once the server has read it, its row shows a frame of it, marked as a video, and its length.
      const videoChooser = author.waitForEvent('filechooser');
      await author.getByRole('button', { name: /^File/ }).click();
      await (await videoChooser).setFiles({ name: `reel-${viewport}.mp4`, mimeType: 'video/mp4', buffer: testVideo() });
      await field(author, 'Alt text').fill(`A moving pattern (${viewport})`);
      await author.getByRole('button', { name: 'Upload', exact: true }).click();
      const videoRow = author.getByTestId('media-row').filter({ hasText: `reel-${viewport}.mp4` });
      await videoRow.getByRole('img', { name: `A moving pattern (${viewport})` }).waitFor();
      await videoRow.getByText('video/mp4 · 160×90 · 0:02').waitFor();
      await videoRow.getByText('Video', { exact: true }).waitFor();

      // The team in Social's roles: the owner is an admin, the editor an editor; a viewer invited by email.
      await admin.goto(`${server.url}/social/team`);
      const rowOf = (email: string) => admin.getByRole('row').filter({ hasText: email });
      const roleOf = (email: string) => rowOf(email).getByRole('combobox', { name: `Role of ${email}` });
      await roleOf(editor.email).waitFor();
      assert.deepEqual([await roleOf(owner.email).inputValue(), await roleOf(editor.email).inputValue()], ['admin (owner)', 'editor']);
      const invitee = `reviewer-${viewport}-${Date.now()}@example.test`;
      await field(admin, 'Email').fill(invitee);
      await admin.getByRole('combobox', { name: 'Role', exact: true }).click();
      await admin.getByRole('option', { name: 'viewer', exact: true }).click();
      await admin.getByRole('button', { name: 'Invite' }).click();
      await admin.getByRole('status').getByText(`Invitation sent to ${invitee}.`).waitFor();
      await rowOf(invitee).getByRole('cell', { name: 'viewer', exact: true }).waitFor();
      await checkPage(admin, 'social-team', viewport);
      const invites = (await server.api.request('GET', '/api/v1/invites', { token: owner.token })).json() as { items: Array<{ email: string; role: string }> };
      assert.equal(invites.items.find((i) => i.email === invitee)?.role, 'viewer', 'Social\'s viewer is the platform\'s viewer');

      for (const page of [admin, author]) assert.deepEqual(page.consoleErrors, []);
      await adminContext.close();
      await editorContext.close();
    });
  }
});

/** A two-second 160x90 MP4 made by FFmpeg. */
function testVideo(): Buffer {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'journey-video-'));
  try {
    const file = path.join(dir, 'reel.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=10:duration=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
    return readFileSync(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
