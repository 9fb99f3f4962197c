import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { brandKitZip, paletteCss } from '../../../../src/apps/brandkit/engines/kit/brand-kit.js';
import { icoFromPngs } from '../../../../src/apps/brandkit/engines/kit/ico.js';
import { HEADER_SIZES, PROFILE_SIZES } from '../../../../src/apps/brandkit/engines/kit/social-sizes.js';
import { generateLogos } from '../../../../src/apps/brandkit/engines/logo/logo-generator.js';
import { BRAND } from './brand-fixture.js';

describe('brand kit ZIP', () => {
  let dir: string;
  let zipPath: string;
  let listing: string;
  let entries: string[];
  const progress: number[] = [];
  const unzip = (name: string) => execFileSync('unzip', ['-p', zipPath, `blue-harbor-coffee-brand-kit/${name}`], { maxBuffer: 64 * 1024 * 1024 });

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'bk-kit-'));
    zipPath = path.join(dir, 'kit.zip');
    const [primary] = generateLogos(BRAND, 'icon-wordmark', 1, 1);
    const [monogram] = generateLogos(BRAND, 'monogram', 1, 1);
    const { stream, done } = brandKitZip({ brand: BRAND, logoSvg: primary.svg, iconSvg: monogram.svg, otherLogos: { Monogram: monogram.svg }, guidePdf: Buffer.from('%PDF-1.7 fake guide') }, (f) => progress.push(f));
    await pipeline(stream, createWriteStream(zipPath));
    entries = await done;
    execFileSync('unzip', ['-tq', zipPath]);
    listing = execFileSync('unzip', ['-Z1', zipPath], { encoding: 'utf8' });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('lists every deliverable under one folder', () => {
    const names = listing.trim().split('\n');
    assert.equal(names.length, entries.length);
    assert.ok(names.every((n) => n.startsWith('blue-harbor-coffee-brand-kit/')));
    for (const expected of [
      'logos/svg/blue-harbor-coffee-primary.svg',
      'logos/svg/blue-harbor-coffee-monogram.svg',
      'logos/png/blue-harbor-coffee-primary-2048.png',
      'logos/png/blue-harbor-coffee-monogram-256.png',
      'favicons/favicon-16.png',
      'favicons/favicon-32.png',
      'favicons/apple-touch-icon-180.png',
      'favicons/favicon-512.png',
      'favicons/favicon.ico',
      'social/profile/instagram-320x320.png',
      'social/header/x-1500x500.png',
      'social/header/linkedin-1584x396.png',
      'palette/palette.css',
      'palette/palette.json',
      'blue-harbor-coffee-brand-guide.pdf',
      'README.txt',
    ]) {
      assert.ok(names.includes(`blue-harbor-coffee-brand-kit/${expected}`), expected);
    }
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b));
    assert.equal(progress.at(-1), 1);
  });

  it('renders images at their stated sizes', async () => {
    for (const [file, w, h] of [
      ['logos/png/blue-harbor-coffee-primary-1024.png', 1024, 1024],
      ['favicons/favicon-16.png', 16, 16],
      ['favicons/apple-touch-icon-180.png', 180, 180],
      ...Object.entries(PROFILE_SIZES).map(([n, [pw]]) => [`social/profile/${n}-${pw}x${pw}.png`, pw, pw]),
      ...Object.entries(HEADER_SIZES).map(([n, [hw, hh]]) => [`social/header/${n}-${hw}x${hh}.png`, hw, hh]),
    ] as Array<[string, number, number]>) {
      const meta = await sharp(unzip(file)).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['png', w, h], file);
    }
    assert.match(unzip('logos/svg/blue-harbor-coffee-primary.svg').toString(), /^<svg /);
    assert.equal(unzip('blue-harbor-coffee-brand-guide.pdf').toString(), '%PDF-1.7 fake guide');
  });

  it('writes a favicon.ico browsers read: three PNG images 16, 32, 48', async () => {
    const ico = unzip('favicons/favicon.ico');
    assert.deepEqual([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)], [0, 1, 3]);
    for (let i = 0; i < 3; i++) {
      const size = ico.readUInt8(6 + i * 16);
      const length = ico.readUInt32LE(6 + i * 16 + 8);
      const offset = ico.readUInt32LE(6 + i * 16 + 12);
      const meta = await sharp(ico.subarray(offset, offset + length)).metadata();
      assert.deepEqual([meta.format, meta.width], ['png', size]);
    }
    assert.throws(() => icoFromPngs([]), RangeError);
  });

  it('gives the palette as CSS variables and JSON with RGB and CMYK', () => {
    const css = unzip('palette/palette.css').toString();
    assert.match(css, /--brand-primary: #1d4e89;/);
    assert.match(css, /--brand-accent-rgb: 244, 162, 89;/);
    const json = JSON.parse(unzip('palette/palette.json').toString());
    assert.equal(json.colors.length, 5);
    assert.deepEqual(json.colors[0], { role: 'primary', hex: '#1d4e89', rgb: { r: 29, g: 78, b: 137 }, cmyk: { c: 79, m: 43, y: 0, k: 46 } });
    assert.ok(!paletteCss({ ...BRAND, name: 'x */ body{} /*' }).includes('*/ body'), 'a name cannot close the CSS comment');
  });

  it('fails the stream (not a truncated ZIP that looks whole) when an image cannot be drawn', async () => {
    const { stream, done } = brandKitZip({ brand: BRAND, logoSvg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10"/>', otherLogos: { broken: 'not svg at all' } });
    await assert.rejects(pipeline(stream, createWriteStream(path.join(dir, 'broken.zip'))));
    await assert.rejects(done);
  });

  it('refuses a brand it cannot draw before writing anything', () => {
    assert.throws(() => brandKitZip({ brand: { ...BRAND, palette: [] }, logoSvg: '<svg/>' }), /no primary colour/);
  });
});
