/**
 * Writes the sample files the README's examples upload, with the same generators the tests
 * use (nothing here is a real brand or a real photo):
 *   logo.png        a 256x256 logo                                   (GenAds brand onboarding)
 *   guidelines.pdf  a one-page brand guide with colours and tone     (GenAds brand onboarding)
 *   bottle.jpg      a gold perfume bottle on a plain studio backdrop (GenAds perfume front_image)
 *   camera.jpg      a 640x480 camera frame of a still scene          (Visant captures)
 * Run again with `npx tsx examples/make-examples.ts`; the files are small and committed.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPdf } from '../test/apps/genads/support/pdf.js';
import { bottleShot } from '../test/apps/genads/support/photos.js';
import { logoPng } from '../test/apps/genads/support/images.js';
import { sceneJpeg } from '../test/support/images.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const guide = [
  'Maison Aurum - brand guidelines',
  'Primary colours: gold #C9A227, deep black #111111, ivory #F5F0E6.',
  'Typography: Playfair Display for titles, Montserrat for text.',
  'Tone: quiet luxury, warm light, golden hour, never loud.',
  'Do not distort the logo; keep it on plain backgrounds.',
];
await writeFile(path.join(here, 'logo.png'), await logoPng());
await writeFile(path.join(here, 'guidelines.pdf'), buildPdf({ pages: [guide] }));
await writeFile(path.join(here, 'bottle.jpg'), (await bottleShot({ format: 'jpeg' })).photo);
await writeFile(path.join(here, 'camera.jpg'), await sceneJpeg());
console.log(`wrote logo.png, guidelines.pdf, bottle.jpg and camera.jpg to ${here}`);
