import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isHexColor, luminance, mix, mixHex, normalizeHex, parseHex, readHex, rgbToHex, toHex } from '../../../src/apps/genads/color.js';

describe('GenAds colour module', () => {
  it('reads every spelling guidelines use, and refuses what is not a colour', () => {
    assert.equal(readHex('#C9A227'), '#c9a227');
    assert.equal(readHex(' c9a227 '), '#c9a227');
    assert.equal(readHex('#fff'), '#ffffff');
    assert.equal(readHex('#fffa'), '#ffffff', 'alpha is dropped');
    assert.equal(readHex('#C9A22780'), '#c9a227', 'alpha is dropped');
    for (const bad of ['', '#', '#12', '#12345', '#1234567', 'gold', '#ggg', 'rgb(1,2,3)']) {
      assert.equal(readHex(bad), null, bad);
      assert.equal(isHexColor(bad), false, bad);
    }
    assert.throws(() => parseHex('gold'), RangeError);
    assert.throws(() => normalizeHex('#12'), RangeError);
  });

  it('parses what it writes, for every colour', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), (r, g, b) => {
      const hex = rgbToHex(r, g, b)!;
      assert.match(hex, /^#[0-9a-f]{6}$/);
      assert.deepEqual(parseHex(hex), [r, g, b]);
      assert.equal(toHex([r, g, b]), hex);
      assert.equal(normalizeHex(hex.toUpperCase()), hex);
    }));
    assert.equal(rgbToHex(256, 0, 0), null);
    assert.equal(rgbToHex(1.5, 0, 0), null);
    assert.equal(toHex([300, -4, 127.6]), '#ff0080', 'arithmetic overshoot is clamped and rounded');
  });

  it('has one WCAG luminance for hex strings and RGB triples, with the reference values', () => {
    assert.equal(luminance('#000000'), 0);
    assert.equal(luminance('#ffffff'), 1);
    assert.ok(Math.abs(luminance('#808080') - 0.2158605) < 1e-6);
    // The sRGB threshold 0.04045: channel 10 (0.0392) is on the linear part, 11 (0.0431) on the curve.
    assert.ok(Math.abs(luminance([10, 10, 10]) - 10 / 255 / 12.92) < 1e-12);
    assert.ok(Math.abs(luminance([11, 11, 11]) - ((11 / 255 + 0.055) / 1.055) ** 2.4) < 1e-12);
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffff }), (n) => {
      const hex = `#${n.toString(16).padStart(6, '0')}`;
      assert.equal(luminance(hex), luminance(parseHex(hex)));
    }));
  });

  it('mixes triples and hex the same way', () => {
    assert.deepEqual(mix([0, 0, 0], [255, 255, 255], 0.5), [127.5, 127.5, 127.5]);
    assert.equal(mixHex('#000000', '#ffffff', 0.5), '#808080');
    assert.equal(mixHex('#102030', '#405060', 0), '#102030');
    assert.equal(mixHex('#102030', '#405060', 1), '#405060');
  });
});
