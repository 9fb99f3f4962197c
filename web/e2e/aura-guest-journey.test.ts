/**
 * Aura's guest scan in a real browser, at phone and desktop width: a studio (set up through the
 * API) uploads face-api's sample photo into an event with guest access on; a guest, logged out,
 * opens the event's link, chooses a selfie file (a crop of one face of the photo), sees the
 * photo that matched, opens it and downloads the ZIP. A wrong link shows the worded 404.
 * Then the capture station: an invited employee logs in with the studio's slug and a PIN,
 * enrols their face with the camera (chromium's fake camera plays a photo of them), and once
 * the admin turns face login on, the station asks for the face after the PIN: a stranger's
 * selfie is refused, theirs lets them in. Every state visited is scanned for accessibility and
 * photographed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Browser } from 'playwright-core';
import { repositoryRoot, startServer, type RunningServer } from './support/server';
import { checkPage, launchBrowser, openPage, viewports, type ViewportName } from './support/browser';
import { FaceApiEngine, DEFAULT_FACE_API_OPTIONS } from '../../src/apps/aura/faces/face-api-engine';

const sample = (n: number) => readFileSync(path.join(repositoryRoot, `node_modules/@vladmandic/face-api/demo/sample${n}.jpg`));

/** A selfie-like crop around one face, half a face of margin. */
async function crop(photo: Buffer, box: { x: number; y: number; width: number; height: number }): Promise<Buffer> {
  const left = Math.max(0, Math.round(box.x - box.width * 0.5));
  const top = Math.max(0, Math.round(box.y - box.height * 0.5));
  return sharp(photo).extract({ left, top, width: Math.round(box.width * 2), height: Math.round(box.height * 2) }).resize(320).jpeg({ quality: 85 }).toBuffer();
}

describe('Aura guest scan in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let guestUrl: string;
  let selfie: Buffer;
  let photoId: string;
  let ownerToken: string;
  let ownerEmail: string;

  const api = async (token: string | null, method: string, url: string, body?: unknown) => {
    const res = await fetch(`${server.url}${url}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body instanceof FormData || body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body instanceof FormData ? body : body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${url} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };

  before(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    const group = sample(1);
    const [face] = await new FaceApiEngine(DEFAULT_FACE_API_OPTIONS).detect(group);
    selfie = await crop(group, face!.box);

    ownerEmail = `aura-guest-${randomBytes(4).toString('hex')}@example.test`;
    const owner = await api(null, 'POST', '/api/v1/auth/signup', { email: ownerEmail, password: 'a long password', org_name: 'Studio Lumen', accept_terms: true });
    const token: string = owner.access_token;
    ownerToken = token;
    const event = await api(token, 'POST', '/aura/api/events', { name: 'Garden party', guest_access: true });
    guestUrl = event.guest_url;
    const form = new FormData();
    form.append('event_id', event.id);
    form.append('files', new Blob([new Uint8Array(group)], { type: 'image/jpeg' }), 'group.jpg');
    form.append('files', new Blob([new Uint8Array(sample(2))], { type: 'image/jpeg' }), 'strangers.jpg');
    const uploaded = await api(token, 'POST', '/aura/api/photos', form);
    assert.equal(uploaded.stored, 2);
    photoId = uploaded.files[0].photo.id;
    // The faces are found by a background job: the studio's own search says when they are in.
    const query = new FormData();
    query.append('selfie', new Blob([new Uint8Array(selfie)], { type: 'image/jpeg' }), 'me.jpg');
    const deadline = Date.now() + 90_000;
    for (;;) {
      const res = await fetch(`${server.url}/aura/api/search/faces`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: query });
      const found = (await res.json()) as { results?: Array<{ photo_id: string }> };
      if (found.results?.some((r) => r.photo_id === photoId)) break;
      assert.ok(Date.now() < deadline, 'the faces were not indexed in 90 s');
      await new Promise((r) => setTimeout(r, 500));
    }
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const viewport of Object.keys(viewports) as ViewportName[]) {
    test(`a guest finds their photo with a selfie and downloads it (${viewport})`, async () => {
      const context = await browser.newContext({ viewport: viewports[viewport], acceptDownloads: true });
      context.setDefaultTimeout(60_000);
      const page = await openPage(context);

      await page.goto(`${server.url}/scan/${'x'.repeat(43)}`);
      await page.getByRole('heading', { name: 'This link does not work' }).waitFor();
      await checkPage(page, 'aura-scan-unknown', viewport);

      await page.goto(guestUrl.replace(/^https?:\/\/[^/]+/, server.url));
      await page.getByRole('heading', { name: 'Garden party' }).waitFor();
      await page.getByText('Find yourself with a selfie').waitFor();
      await checkPage(page, 'aura-scan-event', viewport);

      await page.locator('input[type="file"]').setInputFiles({ name: 'me.jpg', mimeType: 'image/jpeg', buffer: selfie });
      await page.getByText('1 photo of you').waitFor();
      const thumb = page.getByRole('img', { name: 'Photo 1' });
      await thumb.waitFor();
      // Waits for the image's own load or error: its element appears before its bytes arrive.
      const loaded = await thumb.evaluate((img: HTMLImageElement) => img.complete
        ? img.naturalWidth > 0
        : new Promise<boolean>((resolve) => {
          img.addEventListener('load', () => resolve(img.naturalWidth > 0), { once: true });
          img.addEventListener('error', () => resolve(false), { once: true });
        }));
      assert.ok(loaded, 'the thumbnail loads with the session');
      await page.getByText(/Available until/).waitFor();
      await checkPage(page, 'aura-scan-results', viewport);

      await page.getByRole('button', { name: 'Open photo 1' }).click();
      await page.getByRole('img', { name: 'The photo, large' }).waitFor();
      await checkPage(page, 'aura-scan-photo', viewport);
      await page.keyboard.press('Escape');

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download all (ZIP)' }).click()]);
      assert.match(download.suggestedFilename(), /\.zip$/);
      const file = await download.path();
      const bytes = readFileSync(file!);
      assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'a ZIP archive');
      assert.ok(bytes.includes(Buffer.from('group.jpg')), 'holding the matched photo');
      assert.ok(!bytes.includes(Buffer.from('strangers.jpg')), 'and not the other one');

      // The wrong link's 404 is the browser's own log line for a refused request, expected here.
      assert.deepEqual(page.consoleErrors.filter((e) => !e.includes(`/aura/api/scan/${'x'.repeat(43)}`)), []);
      await context.close();
    });
  }

  test('an employee logs in at the station with a PIN, enrols their face with the camera, then logs in with PIN and face (phone)', async () => {
    // The employee's face (the first in face-api's third sample) as the camera's video, and a
    // stranger's (the first in the sixth) as a chosen file.
    const cropOf = async (n: number) => {
      const photo = sample(n);
      const [face] = await new FaceApiEngine(DEFAULT_FACE_API_OPTIONS).detect(photo);
      return crop(photo, face!.box);
    };
    const [employeeFace, strangerFace] = await Promise.all([cropOf(3), cropOf(6)]);
    const folder = mkdtempSync(path.join(os.tmpdir(), 'aura-camera-'));
    after(() => rmSync(folder, { recursive: true, force: true }));
    writeFileSync(path.join(folder, 'employee.jpg'), employeeFace);
    const video = path.join(folder, 'employee.y4m');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', path.join(folder, 'employee.jpg'), '-vf', 'scale=320:-2', '-frames:v', '10', '-pix_fmt', 'yuv420p', video]);
    const cameraBrowser = await launchBrowser({ fakeCamera: video });
    after(() => cameraBrowser.close());

    const { org_slug: slug } = await api(null, 'POST', '/aura/api/auth/login', { email: ownerEmail, password: 'a long password' });
    const employeeEmail = `aura-station-${randomBytes(4).toString('hex')}@example.test`;
    await api(ownerToken, 'POST', '/api/v1/invites', { email: employeeEmail, role: 'member' });
    const listing = await server.cli(['email', 'outbox', '--to', employeeEmail]);
    const id = /id: (\S+)/.exec(listing)?.[1];
    assert.ok(id, listing);
    const invite = /(inv_[\w-]+)/.exec(await server.cli(['email', 'outbox', '--id', id, '--reveal']))?.[1];
    assert.ok(invite, 'the invitation carries its token');
    const employee = await api(null, 'POST', '/api/v1/invites/accept', { token: invite, password: 'another long password' });
    await api(ownerToken, 'PUT', `/aura/api/team/${employee.user.id}/pin`, { pin: '2468' });
    await api(ownerToken, 'PUT', '/aura/api/settings', { station_login_enabled: true });

    const context = await cameraBrowser.newContext({ viewport: viewports.phone });
    context.setDefaultTimeout(30_000);
    const page = await openPage(context);
    await page.goto(`${server.url}/aura/station`);
    await page.getByRole('textbox', { name: /^Studio/ }).fill(slug);
    await page.getByLabel('PIN').fill('1111');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByText(/This PIN is not right/).waitFor();
    await checkPage(page, 'aura-station-wrong-pin', 'phone');
    await page.getByLabel('PIN').fill('2468');
    await page.getByRole('button', { name: 'Start' }).click();
    await page.waitForURL(/\/aura\/capture$/);
    // First the terms of service, which accepting the invitation did not ask for.
    await page.getByRole('checkbox', { name: 'I accept the terms of service' }).check();
    await page.getByRole('button', { name: 'Accept and continue' }).click();
    await page.getByRole('heading', { name: 'Face login' }).waitFor();
    await checkPage(page, 'aura-station-capture', 'phone');

    // Enrolment through the camera: the preview plays, the shutter sends one frame.
    await page.getByRole('button', { name: 'Use the camera' }).click();
    await page.getByRole('button', { name: 'Take the selfie' }).and(page.locator(':enabled')).waitFor();
    await checkPage(page, 'aura-station-camera', 'phone');
    await page.getByRole('button', { name: 'Take the selfie' }).click();
    await page.getByText('Face enrolled.').waitFor();
    await page.getByText(/Your face is enrolled/).waitFor();
    assert.deepEqual(page.consoleErrors.filter((e) => !e.includes('/aura/api/auth/station')), [], 'only the refused PIN logged');
    await context.close();

    // Face login on: the PIN alone no longer opens the station; the face is asked for next.
    await api(ownerToken, 'PUT', '/aura/api/settings', { station_face_login: true });
    const station = await openPage(await cameraBrowser.newContext({ viewport: viewports.phone }));
    station.context().setDefaultTimeout(30_000);
    await station.goto(`${server.url}/aura/station`);
    await station.getByRole('textbox', { name: /^Studio/ }).fill(slug);
    await station.getByLabel('PIN').fill('2468');
    await station.getByRole('button', { name: 'Start' }).click();
    await station.getByText('This studio asks for your face with your PIN.', { exact: false }).waitFor();
    await checkPage(station, 'aura-station-face-step', 'phone');

    // A stranger's face with the right PIN: refused, in words.
    await station.locator('input[type="file"]').setInputFiles({ name: 'someone.jpg', mimeType: 'image/jpeg', buffer: strangerFace });
    await station.getByText(/Your face did not match the one you enrolled/).waitFor();
    await checkPage(station, 'aura-station-face-mismatch', 'phone');
    assert.equal(new URL(station.url()).pathname, '/aura/station', 'still at the login');

    // Their own face from the camera: in.
    await station.getByRole('button', { name: 'Use the camera' }).click();
    await station.getByRole('button', { name: 'Take the selfie' }).and(station.locator(':enabled')).click();
    await station.waitForURL(/\/aura\/capture$/);
    await station.getByRole('heading', { name: 'Face login' }).waitFor();
    assert.deepEqual(station.consoleErrors.filter((e) => !e.includes('/aura/api/auth/face-login') && !e.includes('/aura/api/auth/station')), [], 'only the refused face and the PIN step logged');
    await station.context().close();
  });
});
