import assert from 'node:assert/strict';
import type { BottleShot, DecodedCutout } from '../../support/photos.js';

/**
 * Checks a cut-out against the shot it came from: RGBA, trimmed to the bottle plus the small
 * margin, transparent backdrop, opaque bottle with its colours intact.
 */
export function assertBottleCutout(cut: DecodedCutout, shot: BottleShot, tolerancePx = 8) {
  assert.equal(cut.channels, 4, 'RGBA');
  assert.equal(cut.hasAlpha, true);
  // Margin: 2 % of the longer side of the bottle on each side.
  const margin = Math.round(Math.max(shot.box.width, shot.box.height) * 0.02);
  assert.ok(Math.abs(cut.width - (shot.box.width + 2 * margin)) <= tolerancePx, `width ${cut.width} vs bottle ${shot.box.width} + margins`);
  assert.ok(Math.abs(cut.height - (shot.box.height + 2 * margin)) <= tolerancePx, `height ${cut.height} vs bottle ${shot.box.height} + margins`);
  // Corners of the trimmed box are backdrop (the bottle's corners are rounded), the margin band too.
  for (const [x, y] of [[0, 0], [cut.width - 1, 0], [0, cut.height - 1], [cut.width - 1, cut.height - 1], [2, Math.round(cut.height / 2)], [cut.width - 3, Math.round(cut.height * 0.7)]]) {
    assert.equal(cut.alphaAt(x, y), 0, `backdrop at ${x},${y} is transparent`);
  }
  // Beside the cap, above the shoulders: backdrop.
  assert.equal(cut.alphaAt(Math.round(cut.width * 0.1), Math.round(cut.height * 0.12)), 0, 'beside the cap');
  // The cap (dark) and the gold body (below the label) are opaque and keep their colour.
  const capY = margin + Math.round(shot.box.height * 0.1);
  assert.equal(cut.alphaAt(Math.round(cut.width / 2), capY), 255, 'cap opaque');
  assert.ok(cut.rgbAt(Math.round(cut.width / 2), capY).every((v) => v < 60), `cap stays dark: ${cut.rgbAt(Math.round(cut.width / 2), capY)}`);
  const bodyY = cut.height - margin - Math.round(shot.box.height * 0.12);
  assert.equal(cut.alphaAt(Math.round(cut.width / 2), bodyY), 255, 'body opaque');
  const [r, g, b] = cut.rgbAt(Math.round(cut.width / 2), bodyY);
  assert.ok(r > 180 && g > 140 && b < 160 && r > b + 60, `body stays gold: ${[r, g, b]}`);
  // Nothing half-transparent inside the bottle.
  let soft = 0;
  for (let y = capY; y < bodyY; y++) if (cut.alphaAt(Math.round(cut.width / 2), y) < 255) soft++;
  assert.equal(soft, 0, 'the centre line of the bottle is fully opaque');
}
