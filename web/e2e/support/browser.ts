/**
 * Debian's chromium driven by playwright-core (nothing is downloaded), with the checks every
 * visited page gets: no serious or critical accessibility violation (axe-core), no console
 * error, and a screenshot in web/e2e/screenshots/ for a person to look at.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';

export const screenshotDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../screenshots');

export const viewports = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
export type ViewportName = keyof typeof viewports;

function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('chromium is not installed: `apt-get install -y chromium` (or set CHROMIUM_PATH)');
  return found;
}

/**
 * `fakeCamera`: a Y4M video that chromium plays as the only camera, with camera permission
 * granted without asking, so a page's getUserMedia path runs for real (the selfie flows).
 */
export function launchBrowser(options: { fakeCamera?: string } = {}): Promise<Browser> {
  const camera = options.fakeCamera
    ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${options.fakeCamera}`]
    : [];
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-dev-shm-usage', ...camera] });
}

/** A page that records console errors and uncaught exceptions; `assertNoConsoleErrors` checks them. */
export async function openPage(context: BrowserContext): Promise<Page & { consoleErrors: string[] }> {
  const page = (await context.newPage()) as Page & { consoleErrors: string[] };
  page.consoleErrors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.consoleErrors.push(`${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => page.consoleErrors.push(String(err)));
  return page;
}

/** axe-core's script, read once: evaluated in a page's document before its first scan. */
let axeSource: string | undefined;
const readAxeSource = () => (axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));

/**
 * axe-core's own `axe.run` on the page, with its default rules, violations only. Injected once
 * per document (a single-page app keeps one across its routes); no frames to visit (the app has
 * none). @axe-core/playwright's AxeBuilder did the same scan in 5–10 s a page on two loaded
 * cores, against 0.1–0.5 s here: it injects into every frame and finishes each run in a fresh
 * page of its own, re-injected; that was 38% of the journeys' time.
 */
async function accessibilityViolations(page: Page): Promise<AxeResults['violations']> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(readAxeSource());
  return page.evaluate(async () => (await (window as unknown as { axe: typeof import('axe-core') }).axe.run(document, { resultTypes: ['violations'] })).violations);
}

/** Accessibility scan and screenshot of the page as it is now. */
export async function checkPage(page: Page, name: string, viewport: ViewportName): Promise<void> {
  // Dialogs fade in and out: measured mid-fade, their colours blend with the page behind
  // (a false contrast failure) and the screenshot shows two at once. Wait for them to settle.
  // Likewise any CSS transition under way (a button's label fading as it starts or stops
  // loading): the check reads the page as it rests. Endless animations (spinners) do not count.
  await page.waitForFunction(() =>
    [...document.querySelectorAll('[role="dialog"]')].every((d) => getComputedStyle(d).opacity === '1') &&
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Infinity),
  );
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${viewport}-${name}.png`), fullPage: true });
  const serious = (await accessibilityViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`),
    [],
    `accessibility violations on ${name} at ${viewport} width`,
  );
}
