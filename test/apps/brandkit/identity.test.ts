import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { brandkitApp } from '../../../src/apps/brandkit/index.js';
import { contrastRatio } from '../../../src/apps/brandkit/identity/color.js';
import { HARMONIES, harmonyPalette } from '../../../src/apps/brandkit/identity/palette.js';
import { dominantColors } from '../../../src/apps/brandkit/identity/dominant-colors.js';
import { suggestArchetypes } from '../../../src/apps/brandkit/identity/archetypes.js';

describe('brandkit identity', () => {
  it('computes WCAG contrast as the specification does', () => {
    assert.equal(Math.round(contrastRatio('#000000', '#ffffff') * 100) / 100, 21);
    assert.equal(contrastRatio('#777777', '#777777'), 1);
    // #767676 on white is the classic smallest grey passing AA (4.54:1).
    assert.equal(Math.round(contrastRatio('#767676', '#ffffff') * 100) / 100, 4.54);
  });

  it('builds every harmony with the five roles and body text that passes AAA on the background', () => {
    for (const harmony of HARMONIES) {
      for (const base of ['#1a73e8', '#f9a825', '#7f7f7f', '#111111', '#fefefe']) {
        const p = harmonyPalette(base, harmony);
        assert.deepEqual(p.colors.map((c) => c.role), ['primary', 'secondary', 'accent', 'neutral', 'background']);
        assert.equal(p.colors[0].hex, base);
        for (const c of p.colors) assert.match(c.hex, /^#[0-9a-f]{6}$/);
        const neutral = p.contrast.find((c) => c.foreground === 'neutral')!;
        assert.ok(neutral.aaa, `${harmony} from ${base}: neutral on background ${neutral.ratio}`);
      }
    }
    // Complementary means opposite hues: blue's secondary is orange.
    const secondary = harmonyPalette('#1a73e8', 'complementary').colors[1].hex;
    const [r, , b] = [1, 3, 5].map((i) => parseInt(secondary.slice(i, i + 2), 16));
    assert.ok(r > b, `the complement of blue is warm: ${secondary}`);
  });

  it('finds the dominant colours of an image', async () => {
    const img = await sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="140" height="100" fill="#d32f2f"/><rect x="140" width="60" height="100" fill="#1565c0"/></svg>')).png().toBuffer();
    const colors = await dominantColors(img, 3);
    assert.equal(colors[0].hex, '#d32f2f');
    assert.equal(colors[1].hex, '#1565c0');
    assert.ok(colors[0].share > 0.6 && colors[0].share < 0.8, String(colors[0].share));
  });

  it('ranks archetypes from values and audience, saying which words decided', () => {
    const [top] = suggestArchetypes(['luxury', 'prestige'], 'executives who expect quality');
    assert.equal(top.archetype, 'ruler');
    assert.deepEqual(top.matched.sort(), ['executives', 'luxury', 'prestige', 'quality']);
    assert.equal(suggestArchetypes(['playful', 'fun'])[0].archetype, 'jester');
    assert.equal(suggestArchetypes(['zzz'])[0].score, 0);
  });

  describe('routes', () => {
    let t: TestPlatform;
    let user: TestUser;
    before(async () => {
      t = await startTestPlatform({ apps: [brandkitApp] });
      user = await t.signup('bk-identity');
    });
    after(() => t.close());

    it('answers palettes from a colour or an image, and refuses what is not a colour or an image', async () => {
      const palette = await t.request('POST', '/brandkit/api/identity/palette', { token: user.token, body: { base_color: '#1A73E8', harmony: 'triadic' } });
      assert.equal(palette.statusCode, 200, palette.body);
      assert.equal(palette.json().contrast.length, 4);
      assert.equal((await t.request('POST', '/brandkit/api/identity/palette', { token: user.token, body: { base_color: 'red' } })).statusCode, 400);
      assert.equal((await t.request('POST', '/brandkit/api/identity/palette', { token: user.token, body: { base_color: '#123456', harmony: 'clashing' } })).statusCode, 400);

      const photo = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#2e7d32' } }).jpeg().toBuffer();
      const fromImage = await t.request('POST', '/brandkit/api/identity/palette/from-image?harmony=complementary', { token: user.token, raw: photo, headers: { 'content-type': 'image/jpeg' } });
      assert.equal(fromImage.statusCode, 200, fromImage.body);
      const primary = fromImage.json().colors[0].hex;
      assert.ok(contrastRatio(primary, '#2e7d32') < 1.1, `the palette starts from the image's green, got ${primary}`);
      const text = await t.request('POST', '/brandkit/api/identity/palette/from-image', { token: user.token, raw: Buffer.from('GIF89a but not really'), headers: { 'content-type': 'image/gif' } });
      assert.equal(text.statusCode, 415);
      assert.equal(text.json().code, 'NOT_AN_IMAGE');
    });

    it('suggests an archetype and refuses empty values', async () => {
      const res = await t.request('POST', '/brandkit/api/identity/archetype', { token: user.token, body: { brand_values: ['adventure', 'freedom'], target_audience: 'travellers' } });
      assert.equal(res.json().suggested, 'explorer');
      assert.equal(res.json().ranking.length, 12);
      const none = await t.request('POST', '/brandkit/api/identity/archetype', { token: user.token, body: { brand_values: ['qwerty'] } });
      assert.equal(none.json().suggested, null);
      assert.equal((await t.request('POST', '/brandkit/api/identity/archetype', { token: user.token, body: { brand_values: [] } })).statusCode, 400);
      assert.equal((await t.request('GET', '/brandkit/api/archetypes', { token: user.token })).json().items.length, 12);
    });

    it('lists font pairings of installed fonts with SVG previews embedding them', async () => {
      const fonts = (await t.request('GET', '/brandkit/api/fonts', { token: user.token })).json().items;
      assert.ok(fonts.length >= 3);
      assert.ok(fonts.every((f: { licence: string }) => /Open Font/.test(f.licence)));
      const preview = await t.request('GET', `${fonts[0].preview_url}?heading=${encodeURIComponent('Sea & Salt')}`, { token: user.token });
      assert.equal(preview.statusCode, 200);
      assert.match(preview.headers['content-type'] as string, /image\/svg\+xml/);
      assert.match(preview.body, /@font-face\{font-family:'bk-heading';src:url\(data:font\/ttf;base64,AAEAAA/);
      assert.match(preview.body, /Sea &amp; Salt/, 'text is escaped');
      // The SVG is a real image: it rasterises.
      const png = await sharp(Buffer.from(preview.body)).png().toBuffer();
      assert.ok(png.length > 1000);
      assert.equal((await t.request('GET', '/brandkit/api/fonts/nope/preview.svg', { token: user.token })).statusCode, 404);
    });
  });
});
