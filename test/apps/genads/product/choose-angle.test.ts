import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseAngle, imageForAngle } from '../../../../src/apps/genads/product/choose-angle.js';

describe('chooseAngle (seed: get_perfume_image)', () => {
  it('returns the wanted angle when the perfume has it', () => {
    for (const angle of ['front', 'back', 'top', 'left', 'right'] as const) assert.equal(chooseAngle(['front', 'back', 'top', 'left', 'right'], angle), angle);
  });
  it('falls back to front for a missing angle', () => {
    assert.equal(chooseAngle(['front'], 'back'), 'front');
    assert.equal(chooseAngle(['front', 'left'], 'right'), 'front');
    assert.equal(chooseAngle(new Set(['front', 'top'] as const), 'top'), 'top');
  });
  it('throws when even the front image is missing', () => {
    assert.throws(() => chooseAngle(['back'], 'left'), /no front image \(has: back\); front is required/);
    assert.throws(() => chooseAngle([], 'front'), /has: none/);
  });
});

describe('imageForAngle', () => {
  const perfume = { front: 'brands/b/perfumes/p/front.png', back: 'brands/b/perfumes/p/back.png', top: null, left: undefined };
  it('gives the reference of the wanted angle, or of the front one', () => {
    assert.deepEqual(imageForAngle(perfume, 'back'), { angle: 'back', image: 'brands/b/perfumes/p/back.png' });
    assert.deepEqual(imageForAngle(perfume, 'top'), { angle: 'front', image: 'brands/b/perfumes/p/front.png' });
    assert.deepEqual(imageForAngle(perfume, 'left'), { angle: 'front', image: 'brands/b/perfumes/p/front.png' });
    assert.deepEqual(imageForAngle(perfume, 'right'), { angle: 'front', image: 'brands/b/perfumes/p/front.png' });
  });
});
