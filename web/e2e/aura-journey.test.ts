/**
 * The Aura Pro journey in a real browser, at desktop and phone width: sign up (the studio's
 * admin) → /aura sends an admin to the studio page → create an event → upload face-api's
 * sample photos with per-file outcomes → the gallery shows them → bundle them and share the
 * bundle (the public page opens logged out) → delete a photo and restore it from trash. Then a
 * gallery of more photos than a page holds: only the rows near the window are in the page, and
 * scrolling down loads the next page. Every page visited is scanned for accessibility and
 * photographed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { repositoryRoot, startServer, type RunningServer } from './support/server';
import { checkPage, launchBrowser, openPage, viewports, type ViewportName } from './support/browser';

const field = (page: Page, label: string) => page.getByRole('textbox', { name: new RegExp(`^${label}( \\*)?$`) });
const sample = (n: number) => path.join(repositoryRoot, `node_modules/@vladmandic/face-api/demo/sample${n}.jpg`);

describe('Aura Pro in the browser', () => {
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
    test(`admin: event, upload, gallery, bundle shared, trash and restore (${viewport})`, async () => {
      const context = await browser.newContext({ viewport: viewports[viewport] });
      context.setDefaultTimeout(30_000);
      const page = await openPage(context);
      const email = `aura-${randomBytes(4).toString('hex')}@example.test`;

      await page.goto(`${server.url}/signup`);
      await field(page, 'Studio or company').fill('Studio Lumen');
      await field(page, 'Email').fill(email);
      await field(page, 'Password').fill('a long password');
      await page.getByRole('checkbox', { name: 'I accept the terms of service' }).check();
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForURL(/\/home$/);

      // The seed's redirect: an admin lands on the studio page.
      await page.goto(`${server.url}/aura`);
      await page.waitForURL(/\/aura\/admin$/);
      await page.getByText('No events yet').waitFor();
      await page.getByTestId('storage-meter').waitFor();
      await checkPage(page, 'aura-admin-empty', viewport);

      await page.getByRole('button', { name: 'New event' }).click();
      await page.getByRole('button', { name: 'Create event' }).click();
      await page.getByText('Name the event').waitFor();
      await field(page, 'Name').fill('Wedding Jan 15');
      await page.getByRole('button', { name: 'Create event' }).click();
      await page.getByText('Wedding Jan 15').waitFor();
      await page.getByRole('dialog').waitFor({ state: 'detached' });
      await checkPage(page, 'aura-admin-event', viewport);

      // Guest link: on, QR drawn.
      await page.getByRole('button', { name: 'Guest link' }).click();
      // By keyboard: the switch is usable without a pointer.
      await page.getByRole('switch', { name: 'Guests may scan this event' }).focus();
      await page.keyboard.press('Space');
      await page.getByRole('img', { name: /QR code of Wedding Jan 15/ }).waitFor();
      await checkPage(page, 'aura-guest-link', viewport);
      await page.keyboard.press('Escape');

      // Upload into the event: two photos stored, the same one again is a duplicate, a text file refused.
      await page.getByRole('link', { name: 'Photos', exact: true }).first().click();
      await page.waitForURL(/\/aura\/admin\/photos\?event=/);
      await page.getByText('No photos here').waitFor();
      await page.getByRole('button', { name: 'Upload' }).click();
      await page.getByTestId('aura-file-input').setInputFiles([sample(1), sample(2)]);
      const list = page.getByTestId('aura-upload-list');
      await list.getByText('stored').nth(1).waitFor();
      await page.getByTestId('aura-file-input').setInputFiles([{ name: 'sample1.jpg', mimeType: 'image/jpeg', buffer: readFileSync(sample(1)) }, { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') }]);
      await list.getByText('duplicate').waitFor();
      await list.getByText('rejected').waitFor();
      await checkPage(page, 'aura-upload', viewport);
      const gallery = page.getByTestId('aura-gallery');
      await gallery.getByRole('img', { name: 'sample1.jpg' }).waitFor();
      await gallery.getByRole('img', { name: 'sample2.jpg' }).waitFor();
      await checkPage(page, 'aura-gallery', viewport);

      // Both into a new bundle, shared, opened logged out.
      await page.getByRole('checkbox', { name: 'Select sample1.jpg' }).check();
      await page.getByRole('checkbox', { name: 'Select sample2.jpg' }).check();
      await page.getByRole('button', { name: 'Add to bundle (2)' }).click();
      await field(page, "New bundle's name").fill('Selects');
      await page.getByRole('button', { name: 'Add 2 photos' }).click();
      await page.goto(`${server.url}/aura/admin/bundles`);
      await page.getByText('2 photos').waitFor();
      await checkPage(page, 'aura-bundles', viewport);
      await page.getByRole('button', { name: 'Share' }).click();
      await page.getByRole('button', { name: 'Create link' }).click();
      const shareUrl = (await page.getByTestId('aura-share-url').textContent())!.trim();
      assert.match(shareUrl, /\/s\//);
      await checkPage(page, 'aura-bundle-shared', viewport);
      await page.keyboard.press('Escape');
      const guest = await openPage(await browser.newContext({ viewport: viewports[viewport] }));
      await guest.goto(shareUrl);
      await guest.getByText(/Download all/).first().waitFor();
      await guest.context().close();

      // Delete a photo, find it in trash, restore it. (The navigation is behind the menu on a phone: pages are opened by address.)
      await page.goto(`${server.url}/aura/admin/photos`);
      await page.getByRole('link', { name: 'Open sample2.jpg' }).click();
      await page.getByRole('img', { name: 'sample2.jpg' }).waitFor();
      // Its three faces are boxed on the picture (once the detection job has run) and link to their people.
      const faceBoxes = page.getByTestId('face-box');
      await faceBoxes.nth(2).waitFor();
      assert.equal(await faceBoxes.count(), 3);
      const picture = (await page.getByRole('img', { name: 'sample2.jpg' }).boundingBox())!;
      for (const box of await Promise.all((await faceBoxes.all()).map((b) => b.boundingBox()))) {
        assert.ok(box!.x >= picture.x && box!.y >= picture.y && box!.x + box!.width <= picture.x + picture.width + 1 && box!.y + box!.height <= picture.y + picture.height + 1, 'each box lies on the picture');
      }
      assert.equal(await page.getByTestId('photo-people').getByRole('link').count(), 3);
      await checkPage(page, 'aura-photo', viewport);
      await faceBoxes.first().click();
      await page.waitForURL(/\/aura\/admin\/people\/[0-9a-f-]{36}$/);
      await page.goBack();
      await page.getByRole('img', { name: 'sample2.jpg' }).waitFor();
      await page.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Move to trash' }).click();
      await page.waitForURL(/\/aura\/admin\/photos$/);
      await page.goto(`${server.url}/aura/admin/trash`);
      await page.getByRole('cell', { name: 'sample2.jpg', exact: true }).waitFor();
      await checkPage(page, 'aura-trash', viewport);
      await page.getByRole('button', { name: 'Restore' }).click();
      await page.getByText('Trash is empty').waitFor();
      await page.goto(`${server.url}/aura/admin/photos`);
      await page.getByTestId('aura-gallery').getByRole('img', { name: 'sample2.jpg' }).waitFor();

      assert.deepEqual(page.consoleErrors, []);
      await context.close();
    });
  }

  test('a large gallery keeps only the rows near the window in the page and loads more as it scrolls (desktop)', async () => {
    // A server of its own without job workers: the face detection of 110 photos is not what this
    // test is about, and would triple its time.
    const quiet = await startServer({ WORKERS: 'off' });
    after(() => quiet.close());
    // 110 photos through the API, more than the gallery's first page of 100: distinct tiny JPEGs
    // (equal bytes would be one photo), two requests one after the other (newest first: p109 on top).
    const email = `aura-many-${randomBytes(4).toString('hex')}@example.test`;
    const signup = await fetch(`${quiet.url}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ org_name: 'Studio Many', email, password: 'a long password', accept_terms: true }) });
    assert.equal(signup.status, 201, await signup.clone().text());
    const token = ((await signup.json()) as { access_token: string }).access_token;
    const TOTAL = 110;
    const upload = async (first: number, count: number) => {
      const form = new FormData();
      for (let n = first; n < first + count; n++) {
        const jpeg = await sharp({ create: { width: 24, height: 16, channels: 3, background: { r: n % 256, g: (n * 7) % 256, b: 90 } } }).jpeg().toBuffer();
        form.append('files', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), `p${String(n).padStart(3, '0')}.jpg`);
      }
      const res = await fetch(`${quiet.url}/aura/api/photos`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(((await res.json()) as { stored: number }).stored, count);
    };
    await upload(0, TOTAL / 2);
    await upload(TOTAL / 2, TOTAL / 2);
    const context = await browser.newContext({ viewport: viewports.desktop });
    context.setDefaultTimeout(30_000);
    const page = await openPage(context);
    await page.goto(`${quiet.url}/login`);
    await field(page, 'Email').fill(email);
    await field(page, 'Password').fill('a long password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/home$/);
    await page.goto(`${quiet.url}/aura/admin/photos`);
    await page.getByText(`${TOTAL} photos`).waitFor();
    const gallery = page.getByTestId('aura-gallery');
    // Newest first: the last one uploaded is at the top.
    await gallery.getByRole('img', { name: 'p109.jpg' }).waitFor();
    const cards = () => gallery.getByRole('checkbox').count();
    const atTop = await cards();
    assert.ok(atTop > 0 && atTop < 100, `${atTop} cards in the page at the top, of ${TOTAL}`);
    await checkPage(page, 'aura-gallery-large', 'desktop');

    // Scrolled to the bottom again and again until the first photo uploaded (on the second page) shows.
    const oldest = gallery.getByRole('img', { name: 'p000.jpg' });
    const deadline = Date.now() + 60_000;
    while (!(await oldest.isVisible())) {
      assert.ok(Date.now() < deadline, 'p000.jpg never showed while scrolling down');
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      // A next page makes the page taller; past the last one nothing changes and the bottom rows render.
      await page.waitForFunction((h) => document.documentElement.scrollHeight > h, height, { timeout: 2_000 }).catch(() => undefined);
    }
    await oldest.waitFor();
    const atBottom = await cards();
    assert.ok(atBottom < 100, `${atBottom} cards in the page at the bottom: rows out of view are not rendered`);
    assert.equal(await gallery.getByRole('img', { name: 'p109.jpg' }).count(), 0, 'the top rows left the page');
    assert.deepEqual(page.consoleErrors, []);
    await context.close();
  });
});
