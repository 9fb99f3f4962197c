/**
 * The GenAds journey in a real browser, at desktop and phone width: sign up → the onboarding
 * guard → onboard (logo and guidelines) → add a perfume with its front photo → create a short
 * campaign → watch its generation live (offline providers: FFmpeg scenes, synthesised music)
 * → keep a variation → download the video. Every page visited is scanned for accessibility
 * and photographed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { startServer, type RunningServer } from './support/server';
import { checkPage, launchBrowser, openPage, viewports, type ViewportName } from './support/browser';
import { bottlePhoto, logoPng } from '../../test/apps/genads/support/images';
import { buildPdf } from '../../test/apps/genads/support/pdf';
import { SAMPLE_GUIDELINES } from '../../test/apps/genads/support/documents';

declare global {
  interface Window {
    recordProgress?(value: string | null): void;
  }
}

/** A text field by its label, whether or not the label carries the required-field asterisk. */
const field = (page: Page, label: string) => page.getByRole('textbox', { name: new RegExp(`^${label}( \\*)?$`) });

/** A photo PNG cannot compress (random pixels): about 3 bytes a pixel, for a slow upload. */
function noisePng(size: number): Promise<Buffer> {
  return sharp(randomBytes(size * size * 3), { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}

/** Choose a file through a FileInput the way a person does: open the picker, pick the file. */
async function chooseFile(page: Page, label: string, file: { name: string; mimeType: string; buffer: Buffer }) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: new RegExp(`^${label}( \\*)?$`) }).click()]);
  await chooser.setFiles(file);
}

describe('GenAds in the browser', () => {
  let server: RunningServer;
  let browser: Browser;

  before(async () => {
    [server, browser] = await Promise.all([
      // The offline pipeline, as fast as it goes: the threshold cut-out (the photos are studio
      // shots on a plain backdrop) and libx264's fastest preset.
      startServer({ GENADS_BACKGROUND_REMOVAL: 'threshold', GENADS_X264_PRESET: 'ultrafast' }),
      launchBrowser(),
    ]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const viewport of Object.keys(viewports) as ViewportName[]) {
    test(`sign up, onboard, add a perfume, generate a campaign live, keep and download it (${viewport})`, async () => {
      const context = await browser.newContext({ viewport: viewports[viewport], acceptDownloads: true });
      context.setDefaultTimeout(30_000);
      const page = await openPage(context);
      const suffix = randomBytes(3).toString('hex');

      await page.goto(`${server.url}/signup`);
      await field(page, 'Studio or company').fill(`Maison ${suffix}`);
      await field(page, 'Email').fill(`genads-${suffix}@example.test`);
      await field(page, 'Password').fill('a long password');
      await page.getByRole('checkbox', { name: 'I accept the terms of service' }).check();
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForURL(/\/home$/);

      // The guard: no brand yet, so every GenAds page leads to onboarding.
      await page.getByRole('link', { name: 'Open GenAds' }).click();
      await page.waitForURL(/\/genads\/onboarding$/);
      await page.getByRole('heading', { name: 'Set up your brand' }).waitFor();
      await checkPage(page, 'genads-onboarding', viewport);
      await page.goto(`${server.url}/genads/perfumes/add`);
      await page.waitForURL(/\/genads\/onboarding$/);

      // The form checks itself first…
      await page.getByRole('button', { name: 'Complete onboarding' }).click();
      await page.getByText('Choose an image').waitFor();
      await page.getByText('Choose your brand guidelines (PDF or Word)').waitFor();
      await checkPage(page, 'genads-onboarding-invalid', viewport);
      // …and the API's refusal of a file appears next to that file, in words.
      await field(page, 'Brand name').fill(`Maison ${suffix}`);
      await chooseFile(page, 'Logo', { name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('this is not an image at all') });
      const guidelines = { name: 'guidelines.pdf', mimeType: 'application/pdf', buffer: buildPdf({ pages: [SAMPLE_GUIDELINES] }) };
      await chooseFile(page, 'Brand guidelines', guidelines);
      await page.getByRole('button', { name: 'Complete onboarding' }).click();
      const logoError = page.locator('.mantine-InputWrapper-error', { hasText: /"logo"/ });
      await logoError.waitFor();
      await checkPage(page, 'genads-onboarding-api-error', viewport);

      await chooseFile(page, 'Logo', { name: 'logo.png', mimeType: 'image/png', buffer: await logoPng() });
      await page.getByRole('button', { name: 'Complete onboarding' }).click();
      await page.waitForURL(/\/genads$/);
      await page.getByText('No perfumes yet').waitFor();
      await checkPage(page, 'genads-dashboard-empty', viewport);

      // A perfume with its front photo; upload progress is shown per file.
      await page.getByRole('link', { name: 'Add a perfume' }).click();
      await page.getByRole('heading', { name: 'Add a perfume' }).waitFor();
      await page.getByRole('button', { name: 'Add perfume' }).click();
      await page.getByText('Choose an image').waitFor();
      await checkPage(page, 'genads-add-perfume-invalid', viewport);
      await field(page, 'Name').fill('Nuit Dorée');
      await page.locator('label', { hasText: /^Feminine$/ }).click();
      assert.ok(await page.getByRole('radio', { name: 'Feminine' }).isChecked());
      await chooseFile(page, 'Front photo', { name: 'front.png', mimeType: 'image/png', buffer: await bottlePhoto() });
      if (viewport === 'desktop') {
        // A large back photo over a slow uplink: each file shows its own progress while it goes.
        await chooseFile(page, 'Back photo', { name: 'back.png', mimeType: 'image/png', buffer: await noisePng(700) });
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
        await page.getByRole('button', { name: 'Add perfume' }).click();
        await page.getByText(/^back\.png: [1-9][0-9]?%$/).waitFor();
        await page.getByText('front.png: uploaded').waitFor();
        await checkPage(page, 'genads-add-perfume-uploading', viewport);
        await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      } else {
        await page.getByRole('button', { name: 'Add perfume' }).click();
      }
      await page.waitForURL(/\/genads\/perfumes\/[0-9a-f-]{36}$/);
      await page.getByRole('heading', { name: 'Nuit Dorée' }).waitFor();
      await page.getByText('No campaigns yet').waitFor();
      // The photo's presigned URL is asked for once the photo is in view…
      await page.getByRole('img', { name: 'Nuit Dorée, front' }).waitFor();
      // …and loads: the page shows its presigned URL, which needs no session.
      await page.waitForFunction(() => [...document.images].some((img) => img.alt === 'Nuit Dorée, front' && img.complete && img.naturalWidth > 0));
      await checkPage(page, 'genads-perfume', viewport);

      // A short campaign; the keyboard picks the style.
      await page.getByRole('link', { name: 'Create a campaign' }).click();
      await page.getByRole('heading', { name: 'New campaign' }).waitFor();
      await field(page, 'Campaign name').fill('Golden Hour');
      await field(page, 'Creative brief').fill('too short');
      await page.getByRole('radio', { name: /^Gold luxe/ }).focus();
      await page.keyboard.press('ArrowDown');
      assert.ok(await page.getByRole('radio', { name: /^Dark elegance/ }).isChecked(), 'arrow keys move through the styles');
      await page.getByRole('textbox', { name: /^Length \(seconds\)/ }).fill('15');
      await page.getByRole('button', { name: 'Generate the ad' }).click();
      await page.getByText('Describe the ad in 10 to 2000 characters').waitFor();
      await checkPage(page, 'genads-create-campaign-invalid', viewport);
      await field(page, 'Creative brief').fill('Candlelight on black silk, slow and intimate, a night in Paris');
      await page.getByRole('button', { name: 'Generate the ad' }).click();

      // Live progress from the realtime stream, to the end.
      await page.waitForURL(/\/genads\/campaigns\/[0-9a-f-]{36}\/progress$/);
      await page.getByTestId('live-status').filter({ hasText: 'live' }).waitFor();
      await page.getByTestId('generation-status').filter({ hasText: 'processing' }).waitFor();
      await checkPage(page, 'genads-progress', viewport);
      // Every value the percentage shows, as the page changes it (no reload, no polling).
      const seen: string[] = [(await page.getByTestId('generation-percent').textContent()) ?? ''];
      await page.exposeFunction('recordProgress', (value: string | null) => seen.push(value ?? ''));
      await page.getByTestId('generation-percent').evaluate((el) =>
        new MutationObserver(() => window.recordProgress?.(el.textContent)).observe(el, { characterData: true, childList: true, subtree: true }),
      );
      const started = Date.now();
      await page.getByTestId('generation-status').filter({ hasText: /completed|failed/ }).waitFor({ timeout: 4 * 60_000 });
      assert.equal((await page.getByTestId('generation-status').textContent())?.trim(), 'completed', (await page.getByRole('alert').textContent().catch(() => '')) ?? '');
      assert.ok(new Set(seen).size >= 3, `progress moved on the page without a reload: ${seen.join(', ')}`);
      console.log(`# ${viewport}: generated in ${Math.round((Date.now() - started) / 1000)} s, progress seen ${seen.join(' → ')}`);
      await page.getByText('Your ad is ready').waitFor();
      await checkPage(page, 'genads-progress-completed', viewport);

      // Watch the variation, keep it.
      await page.getByRole('link', { name: 'Choose a variation' }).click();
      const video = page.getByTestId('variation-video').first();
      await video.waitFor();
      await page.waitForFunction((el) => (el as HTMLVideoElement).readyState >= 1 && (el as HTMLVideoElement).duration > 14, await video.elementHandle());
      // Its on-screen words are a captions track the browser parses into timed cues.
      await video.locator('track[kind="captions"]').waitFor({ state: 'attached' });
      const cues = await video.evaluate(async (el) => {
        const track = (el as HTMLVideoElement).textTracks[0]!;
        track.mode = 'hidden';
        for (let i = 0; i < 100 && !track.cues?.length; i++) await new Promise((r) => setTimeout(r, 50));
        return [...(track.cues ?? [])].map((c) => ({ start: c.startTime, end: c.endTime, text: (c as VTTCue).text }));
      });
      assert.ok(cues.length > 0 && cues.every((c) => c.text.trim() && c.start < c.end && c.end <= 15.01), JSON.stringify(cues));
      await checkPage(page, 'genads-select', viewport);
      await page.getByRole('button', { name: 'Keep variation 1' }).click();

      // The results: the kept video, and its download.
      await page.waitForURL(/\/results$/);
      await page.getByText('Variation 1 (kept)').waitFor();
      await checkPage(page, 'genads-results', viewport);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-final').click()]);
      assert.match(download.suggestedFilename(), /\.mp4$/);
      const bytes = await readFile((await download.path())!);
      assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp', 'the download is an MP4 file');

      // Back on the perfume, the campaign shows as completed; the dashboard counts it.
      await page.getByRole('link', { name: '← Campaigns' }).click();
      await page.getByTestId('campaign-card').filter({ hasText: 'completed' }).waitFor();
      await page.goto(`${server.url}/genads`);
      await page.getByTestId('perfume-card').filter({ hasText: '1 campaign' }).waitFor();
      await page.getByRole('img', { name: 'Nuit Dorée' }).waitFor();
      await checkPage(page, 'genads-dashboard', viewport);
      // Expected refusals the browser logs by itself: the brand's 404 before onboarding (how the
      // guard learns there is none yet) and the 400 of the logo that was not an image.
      const expected = (e: string) => /status of 404 .*\/genads\/api\/brands\/me\)$/.test(e) || /status of 400 .*\/genads\/api\/brands\/onboard\)$/.test(e);
      assert.deepEqual(page.consoleErrors.filter((e) => !expected(e)), [], 'no console errors besides the expected refusals');

      if (viewport === 'desktop') {
        // The brand can be changed after onboarding.
        await page.getByRole('link', { name: 'Edit brand' }).click();
        await page.getByRole('heading', { name: 'Your brand' }).waitFor();
        await field(page, 'Brand name').fill(`Maison ${suffix} Paris`);
        await page.getByRole('button', { name: 'Save the brand' }).click();
        await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
        await checkPage(page, 'genads-brand', viewport);

        // The perfume gets a new name.
        await page.getByRole('link', { name: '← Perfumes' }).click();
        await page.getByText(`Maison ${suffix} Paris`).waitFor();
        await page.getByTestId('perfume-card').first().click();
        await page.getByRole('button', { name: 'Edit perfume' }).click();
        const edit = page.getByRole('dialog', { name: 'Edit Nuit Dorée' });
        await edit.getByRole('textbox', { name: /^Name( \*)?$/ }).fill('Nuit Dorée Intense');
        // The optional back photo can be removed; the front one (required) only replaced.
        await page.getByText('2 photos').waitFor();
        assert.equal(await edit.getByRole('checkbox', { name: 'Remove the stored front photo' }).count(), 0);
        await edit.getByRole('checkbox', { name: 'Remove the stored back photo' }).check();
        await checkPage(page, 'genads-edit-perfume', viewport);
        await edit.getByRole('button', { name: 'Save' }).click();
        await edit.waitFor({ state: 'detached' });
        await page.getByRole('heading', { name: 'Nuit Dorée Intense', exact: true }).waitFor();
        await page.getByText('1 photo ·').waitFor();
        await page.getByRole('button', { name: 'Edit perfume' }).click();
        const again = page.getByRole('dialog', { name: 'Edit Nuit Dorée Intense' });
        await again.getByRole('textbox', { name: /^Name( \*)?$/ }).waitFor();
        assert.equal(await again.getByRole('checkbox', { name: 'Remove the stored back photo' }).count(), 0, 'no back photo left to remove');
        await again.getByRole('button', { name: 'Cancel' }).click();
        await again.waitFor({ state: 'detached' });
        // A perfume with campaigns is not deleted: the dialog says why, in words.
        await page.getByRole('button', { name: 'Delete perfume' }).click();
        const remove = page.getByRole('dialog', { name: 'Delete Nuit Dorée Intense?' });
        await remove.getByRole('button', { name: 'Delete the perfume' }).click();
        await remove.getByRole('alert').filter({ hasText: 'This perfume has 1 campaign: delete them first' }).waitFor();
        await checkPage(page, 'genads-delete-perfume-refused', viewport);
        await remove.getByRole('button', { name: 'Cancel' }).click();

        // Generate again: take 2 runs while take 1 stays the campaign's, selectable and downloadable.
        await page.getByTestId('campaign-card').click();
        await page.waitForURL(/\/results$/);
        await page.getByRole('button', { name: 'Generate again' }).click();
        await page.getByRole('dialog', { name: 'Generate a new take?' }).getByRole('button', { name: 'Generate again' }).click();
        await page.waitForURL(/\/progress$/);
        await page.getByTestId('generation-take').filter({ hasText: 'Take 2' }).waitFor();
        await page.getByTestId('take-notice').waitFor();
        await checkPage(page, 'genads-progress-take-2', viewport);
        await page.getByRole('link', { name: "Choose among take 1's variations" }).click();
        await page.waitForURL(/\/select$/);
        await page.getByTestId('shown-take').filter({ hasText: 'Take 1' }).waitFor();
        await page.getByTestId('take-notice').waitFor();
        assert.ok(await page.getByRole('button', { name: 'Keep variation 1' }).isEnabled(), 'take 1 stays selectable while take 2 runs');
        await checkPage(page, 'genads-select-during-take-2', viewport);
        await page.getByRole('button', { name: 'Keep variation 1' }).click();
        await page.waitForURL(/\/results$/);
        await page.getByText('Variation 1 (kept)').waitFor();
        assert.ok(await page.getByTestId('download-final').getAttribute('href'), "take 1's video stays downloadable");
        await page.getByRole('link', { name: 'Follow take 2' }).click();
        await page.getByTestId('generation-status').filter({ hasText: /completed|failed/ }).waitFor({ timeout: 4 * 60_000 });
        assert.equal((await page.getByTestId('generation-status').textContent())?.trim(), 'completed', (await page.getByRole('alert').textContent().catch(() => '')) ?? '');
        await page.getByTestId('variations-completed').filter({ hasText: /^1 of 1 variation rendered/ }).waitFor();
        await page.getByRole('link', { name: 'Choose a variation' }).click();
        await page.getByTestId('shown-take').filter({ hasText: 'Take 2' }).waitFor();

        // Deleting, each asked first: the campaign (with its videos), then the perfume it freed.
        await page.getByRole('button', { name: 'Keep variation 1' }).click();
        await page.waitForURL(/\/results$/);
        await page.getByRole('button', { name: 'Delete campaign' }).click();
        await page.getByRole('dialog', { name: 'Delete Golden Hour?' }).getByRole('button', { name: 'Delete the campaign' }).click();
        await page.waitForURL(/\/genads\/perfumes\/[0-9a-f-]{36}$/);
        await page.getByText('No campaigns yet').waitFor();
        // As a person would, the page is seen (its photo loaded) before the perfume is deleted:
        // clicked at once, the photo's own request can reach the server after the deletion and
        // rightly get 404, which the browser logs.
        await page.waitForFunction(() => [...document.images].some((img) => img.alt === 'Nuit Dorée Intense, front' && img.complete && img.naturalWidth > 0));
        await page.getByRole('button', { name: 'Delete perfume' }).click();
        await page.getByRole('dialog', { name: 'Delete Nuit Dorée Intense?' }).getByRole('button', { name: 'Delete the perfume' }).click();
        await page.waitForURL(/\/genads$/);
        await page.getByText('No perfumes yet').waitFor();
        // The refused deletion is the only request the browser logs as failed here, apart from
        // one race: the results page's <video> may still be fetching the take's video when the
        // campaign (and so the file) is deleted; under load that fetch lands after the delete.
        const deletedVideo = /status of 404 .*\/storage\/signed\?.*final_video\.mp4/;
        assert.deepEqual(page.consoleErrors.filter((e) => !expected(e) && !/status of 409 .*\/genads\/api\/perfumes\//.test(e) && !deletedVideo.test(e)), []);

        // An id that is not this brand's (another organisation's, or none at all) is "not found", in words.
        await page.goto(`${server.url}/genads/campaigns/00000000-0000-4000-8000-000000000000/results`);
        await page.getByRole('alert').filter({ hasText: 'Campaign not found' }).waitFor();
        await checkPage(page, 'genads-campaign-not-found', viewport);
      }
      await context.close();
    });
  }
});
