/**
 * The Brandkit journey in a real browser, at desktop and phone width: a superadmin fills the product
 * catalog through the API (two products with photo and mask); a person signs up (accepting the
 * terms), starts a brand, pastes a bio and captions and runs the social analysis, applies it,
 * gets an identity with a suggested archetype, a palette with its WCAG checks and a font
 * pairing, generates logos and chooses one, selects two products, generates mockups and
 * approves them, reloads (the wizard resumes at the same step) and revisits a step from the
 * stepper, downloads the brand guide PDF and the kit ZIP (checked by their first bytes), submits,
 * and the fake GoHighLevel receives their contact exactly once. Before that, the superadmin
 * manages the catalog in the browser: adds a product, uploads its photo and mask, edits it and
 * deactivates it (the person then does not see it). Every page visited is scanned for
 * accessibility and photographed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { startServer, type RunningServer } from './support/server';
import { checkPage, launchBrowser, openPage, viewports, type ViewportName } from './support/browser';
import { FakeGhl } from '../../test/apps/brandkit/fakes/fake-ghl';

const field = (page: Page, label: string) => page.getByRole('textbox', { name: new RegExp(`^${label}( \\*)?$`) });
/** The promise's value, or a failure saying what did not happen (a bound on a wait, not a pause). */
async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(what)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
const unique = (what: string) => `${what}-${randomBytes(4).toString('hex')}@example.test`;

/** A flat-colour PNG with a disc: a product photo (light with a dark disc) or its mask (black with the printable disc white). */
const pngOf = (color: string, size: number, disc: string) =>
  sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><rect width="100%" height="100%" fill="${color}"/><circle cx="${size / 2}" cy="${size / 2}" r="${size / 4}" fill="${disc}"/></svg>`)).png().toBuffer();

/** The superadmin's catalog, made through the API as an operator would. */
async function makeCatalog(server: RunningServer): Promise<{ names: string[]; root: { email: string; password: string } }> {
  const email = unique('root');
  await server.cli(['admin', 'create-superadmin', '--email', email, '--password', 'operator password']);
  const send = async (method: string, path: string, token: string | null, body?: unknown, contentType = 'application/json') => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': contentType } : {}) },
      body: body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
    });
    const text = await res.text();
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  const login = await send('POST', '/api/v1/auth/login', null, { email, password: 'operator password' });
  const token = login.access_token as string;
  await send('POST', '/api/v1/auth/accept-terms', token);
  const names: string[] = [];
  for (const [i, name] of ['Glass jar', 'Amber bottle'].entries()) {
    const product = await send('POST', '/brandkit/api/products', token, { sku: `E2E-${randomBytes(3).toString('hex')}-${i}`, name, category: 'packaging', description: `A ${name.toLowerCase()} for the journey` });
    await send('PUT', `/brandkit/api/products/${product.id as string}/image`, token, await pngOf(i ? '#f3e6d0' : '#f4f4f4', 400, '#c8c8c8'), 'image/png');
    await send('PUT', `/brandkit/api/products/${product.id as string}/mask`, token, await pngOf('#000000', 400, '#ffffff'), 'image/png');
    names.push(name);
  }
  return { names, root: { email, password: 'operator password' } };
}

describe('Brandkit in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let products: string[];
  let root: { email: string; password: string };
  // The CRM: contacts are synced on submission (the person never saves a profile here, so that is the only sync).
  const ghl = new FakeGhl();
  const people: string[] = [];

  before(async () => {
    await ghl.start();
    const crm = { BRANDKIT_GHL_BASE_URL: ghl.baseUrl, BRANDKIT_GHL_TOKEN: ghl.token, BRANDKIT_GHL_LOCATION_ID: ghl.locationId };
    [server, browser] = await Promise.all([startServer(crm), launchBrowser()]);
    ({ names: products, root } = await makeCatalog(server));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await ghl.close();
  });

  test('the superadmin adds a product with photo and mask, edits and deactivates it', async () => {
    const context = await browser.newContext({ viewport: viewports.desktop });
    context.setDefaultTimeout(60_000);
    const page = await openPage(context);
    await page.goto(`${server.url}/login`);
    await field(page, 'Email').fill(root.email);
    await field(page, 'Password').fill(root.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/home$/);
    await page.goto(`${server.url}/brandkit`);
    await page.getByRole('link', { name: 'Manage the product catalog' }).click();
    await page.waitForURL(/\/brandkit\/catalog$/);
    await page.getByTestId('catalog-admin').getByText('Amber bottle').waitFor();

    await field(page, 'SKU').fill(`E2E-POUCH-${randomBytes(3).toString('hex')}`);
    await field(page, 'Product name').fill('Paper pouch');
    await field(page, 'Category').fill('pouches');
    await page.getByRole('button', { name: 'Add product' }).click();
    const card = page.getByTestId('catalog-product').filter({ hasText: 'Paper pouch' });
    await card.waitFor();
    for (const [what, badge, png] of [['photo', 'photo', await pngOf('#efe4d2', 300, '#b89b72')], ['mask', 'mask', await pngOf('#000000', 300, '#ffffff')]] as const) {
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: `Upload the ${what} of Paper pouch` }).click()]);
      await chooser.setFiles({ name: `${what}.png`, mimeType: 'image/png', buffer: png });
      await card.getByText(badge, { exact: true }).waitFor();
    }
    await card.getByRole('img', { name: 'Paper pouch' }).waitFor();

    await page.getByRole('button', { name: 'Edit Paper pouch' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Paper pouch' });
    await dialog.getByRole('textbox', { name: /^Product name/ }).fill('Kraft pouch');
    await dialog.getByRole('button', { name: 'Save product' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const edited = page.getByTestId('catalog-product').filter({ hasText: 'Kraft pouch' });
    await page.getByRole('button', { name: 'Deactivate Kraft pouch' }).click();
    await edited.and(page.locator('[data-active="false"]')).waitFor();
    await edited.getByText('inactive', { exact: true }).waitFor();
    await checkPage(page, 'brandkit-catalog', 'desktop');
    assert.deepEqual(page.consoleErrors, []);
    await context.close();
  });

  for (const viewport of Object.keys(viewports) as ViewportName[]) test(`sign up, the whole wizard, the guide PDF and kit ZIP, submit (${viewport})`, async () => {
    const context = await browser.newContext({ viewport: viewports[viewport], acceptDownloads: true });
    context.setDefaultTimeout(60_000);
    const page = await openPage(context);
    const stepUrl = (step: string) => new RegExp(`/brandkit/brands/[0-9a-f-]+/wizard/${step}$`);

    await page.goto(`${server.url}/signup`);
    const email = unique('brand');
    await field(page, 'Studio or company').fill('Solstice Studio');
    await field(page, 'Email').fill(email);
    await field(page, 'Password').fill('a long password');
    await page.getByRole('checkbox', { name: 'I accept the terms of service' }).check();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/home$/);

    await page.goto(`${server.url}/brandkit`);
    await page.getByText('No brands yet').waitFor();
    await page.getByText(/terms accepted/).waitFor();
    await checkPage(page, 'brandkit-brands-empty', viewport);
    await page.getByRole('textbox', { name: /Brand name/ }).fill('Solstice');
    await page.getByRole('button', { name: 'New brand' }).click();
    await page.waitForURL(stepUrl('social'));

    // Social analysis: paste, run the job (progress shown), see what it found and why, apply it.
    await field(page, 'Handle').fill('@solstice.skin');
    await field(page, 'Bio').fill('Gentle, honest skincare for sensitive skin. Made with care in small batches 🌿 #cleanbeauty #selfcare');
    await field(page, 'Recent captions \\(one per line\\)').fill('Our new calming serum is here! Soft green botanicals for your evening ritual #selfcare\nWe believe in honest ingredients and kindness to your skin #cleanbeauty');
    await page.getByRole('button', { name: 'Analyse my profile' }).click();
    await page.getByText('Analysis: done').waitFor();
    const analysis = page.getByTestId('analysis');
    await analysis.waitFor();
    await page.getByText('Based on').waitFor();
    await checkPage(page, 'brandkit-social', viewport);
    await page.getByRole('button', { name: 'Apply to my brand' }).click();
    await page.getByText(/^Applied:/).waitFor();
    await page.getByRole('button', { name: 'Continue to identity' }).click();
    await page.waitForURL(stepUrl('identity'));

    // Identity: the values came from the analysis; an audience and the suggested archetype.
    await field(page, 'Target audience').fill('Women 25-40 with sensitive skin who care about ingredients');
    await page.getByRole('button', { name: 'Suggest an archetype' }).click();
    await page.getByTestId('archetype-suggestion').waitFor();
    await checkPage(page, 'brandkit-identity', viewport);
    await page.getByRole('button', { name: 'Save identity' }).click();
    await page.waitForURL(stepUrl('palette'));

    // Reloading resumes exactly here (the URL is the API's step_url).
    await page.reload();
    await page.getByRole('heading', { name: 'Colour palette' }).waitFor();
    await page.getByRole('button', { name: 'Make a palette' }).click();
    await page.getByTestId('contrast').waitFor();
    await checkPage(page, 'brandkit-palette', viewport);
    await page.getByRole('button', { name: 'Use this palette' }).click();
    await page.waitForURL(stepUrl('fonts'));

    await page.getByRole('radio').first().click();
    await page.getByRole('img', { name: / with / }).first().waitFor();
    await checkPage(page, 'brandkit-fonts', viewport);
    await page.getByRole('button', { name: 'Use these fonts' }).click();
    await page.waitForURL(stepUrl('logo'));

    // Logos: generate, vary one, choose one.
    await page.getByRole('button', { name: 'Generate logos' }).click();
    await page.getByText('Logo generation: done').waitFor({ timeout: 120_000 });
    await page.getByRole('img', { name: 'Logo variation 6' }).waitFor();
    await page.getByRole('button', { name: 'Vary logo variation 2' }).click();
    await page.getByRole('img', { name: 'Logo variation 9' }).waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Choose logo variation 1', exact: true }).click();
    await page.getByText('Chosen', { exact: true }).waitFor();
    await checkPage(page, 'brandkit-logo', viewport);
    // Or the logo the brand already has: uploaded, it becomes the chosen one (the mockups and the kit use it).
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Upload my logo…' }).click();
    await (await chooser).setFiles({ name: 'our-logo.png', mimeType: 'image/png', buffer: await sharp({ create: { width: 600, height: 400, channels: 4, background: '#ff00ff' } }).png().toBuffer() });
    // The chosen logo is listed first.
    await page.getByRole('img', { name: 'Uploaded logo 1 (chosen)' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Vary logo variation 1', exact: true }).count(), 0, 'an uploaded logo has no generation to vary');
    await page.getByRole('button', { name: 'Vary logo variation 2' }).waitFor();
    await page.getByRole('button', { name: 'Continue with this logo' }).click();
    await page.waitForURL(stepUrl('products'));

    // Two products from the superadmin's catalog.
    for (const name of products) {
      await page.getByRole('button', { name: `Select ${name}` }).click();
      await page.locator(`[data-testid="product-card"][data-selected="true"]`).filter({ hasText: name }).waitFor();
    }
    await page.getByText('2 selected').waitFor();
    assert.equal(await page.getByTestId('product-card').filter({ hasText: 'Kraft pouch' }).count(), 0, 'a deactivated product is not offered');
    await checkPage(page, 'brandkit-products', viewport);
    await page.getByRole('button', { name: 'Continue to mockups' }).click();
    await page.waitForURL(stepUrl('mockups'));

    // Mockups: generated with progress, each approved.
    await field(page, 'Label design').fill('Minimal cream label, logo centred');
    await page.getByRole('button', { name: 'Generate mockups' }).click();
    await page.getByText('Mockup generation: done').waitFor({ timeout: 180_000 });
    const mockups = page.getByTestId('mockup');
    await mockups.nth(3).waitFor();
    const count = await mockups.count();
    for (let i = 0; i < count; i++) {
      await page.getByRole('button', { name: /^Approve / }).and(page.locator(':not([disabled])')).first().click();
      await page.locator('[data-testid="mockup"][data-status="approved"]').nth(i).waitFor();
    }
    await page.getByText(`${count} approved`).waitFor();
    await checkPage(page, 'brandkit-mockups', viewport);
    await page.getByRole('button', { name: 'Continue to review' }).click();
    await page.waitForURL(stepUrl('review'));
    // The router changes the address before React draws the new step (navigation is a
    // transition): wait for the review itself before reading the page.
    await page.getByText('Every required step is complete').waitFor();

    // The stepper revisits a step (and the wizard resumes there), then back to review. A phone
    // picks the step from a list (eight steps side by side would scroll sideways there).
    const goToStep = async (name: string) => {
      if (viewport === 'desktop') return page.getByRole('button', { name: new RegExp(`^${name}: `) }).click();
      const steps = page.getByLabel('Step', { exact: true });
      const label = await steps.locator('option', { hasText: new RegExp(`^\\d\\. ${name} \\(`) }).textContent();
      await steps.selectOption({ label: label! });
    };
    if (viewport === 'phone') {
      assert.equal(await page.getByRole('button', { name: /^Palette: / }).isVisible(), false, 'no sideways stepper on a phone');
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing scrolls sideways on a phone');
      assert.equal(await page.getByLabel('Step', { exact: true }).inputValue(), 'review');
    }
    await goToStep('Palette');
    await page.waitForURL(stepUrl('palette'));
    await page.goto(`${server.url}/brandkit`);
    await page.getByRole('link', { name: 'Resume Solstice' }).click();
    await page.waitForURL(stepUrl('palette'));
    await goToStep('Review');
    await page.waitForURL(stepUrl('review'));
    await page.getByText('Every required step is complete').waitFor();

    // The guide PDF and the kit ZIP.
    await page.getByRole('button', { name: 'Build the brand guide' }).click();
    await page.getByText('Brand guide: done').waitFor({ timeout: 120_000 });
    const bytesOf = async (button: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
      return readFileSync((await download.path())!);
    };
    assert.equal((await bytesOf('Download the guide (PDF)')).subarray(0, 4).toString('latin1'), '%PDF');
    assert.equal((await bytesOf('Download the kit (ZIP)')).subarray(0, 2).toString('latin1'), 'PK');
    await checkPage(page, 'brandkit-review', viewport);

    await page.getByRole('button', { name: 'Submit the brand' }).click();
    await page.getByText(/This brand was submitted/).waitFor();
    // The CRM received the contact, once, with the submitted brand.
    const contact = await within(60_000, ghl.upserted(email), `the CRM never received ${email}`);
    people.push(email);
    assert.equal(ghl.upserts.filter((u) => u.email === email).length, 1, 'one contact upsert for this person');
    assert.equal([...ghl.contacts.values()].filter((c) => c.email === email).length, 1);
    assert.ok(contact.tags.includes('brandkit-submitted'), contact.tags.join(', '));
    assert.equal(ghl.fieldValue(contact, 'Brandkit brand name'), 'Solstice');
    await page.goto(`${server.url}/brandkit`);
    await page.getByTestId('brand-card').getByText('submitted').waitFor();
    await checkPage(page, 'brandkit-brands-submitted', viewport);

    // A second brand, started and then deleted from the list (asked first); the submitted one stays.
    await page.getByRole('textbox', { name: /^Brand name/ }).fill('Short-lived');
    await page.getByRole('button', { name: 'New brand' }).click();
    await page.waitForURL((url) => url.pathname !== '/brandkit');
    await page.goto(`${server.url}/brandkit`);
    await page.getByTestId('brand-card').filter({ hasText: 'Short-lived' }).waitFor();
    await page.getByRole('button', { name: 'Delete Short-lived' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete Short-lived?' });
    await confirm.getByText('deleted for good').waitFor();
    await checkPage(page, 'brandkit-delete-brand', viewport);
    await confirm.getByRole('button', { name: 'Delete the brand' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.getByTestId('brand-card').filter({ hasText: 'Short-lived' }).waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('brand-card').count(), 1, 'the submitted brand stays');
    await page.getByTestId('brand-card').getByText('submitted').waitFor();
    assert.deepEqual(page.consoleErrors, []);
    await context.close();
  });

  test('the CRM received each person once, also after the other journeys ran', () => {
    assert.ok(people.length > 0, 'a journey submitted a brand');
    for (const email of people) assert.equal(ghl.upserts.filter((u) => u.email === email).length, 1, email);
  });
});
