import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CONCEPTS } from '../../../../src/apps/genads/planning/concepts.js';
import { DEFAULT_SCENE_WEIGHTS, fitDurations, fitsOverlay, SCENE_ROLES, SHOT_GRAMMAR } from '../../../../src/apps/genads/planning/shot-grammar.js';

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('perfume shot grammar', () => {
  it('walks hook → product_reveal → mood → call_to_action', () => {
    assert.deepEqual(SCENE_ROLES, ['hook', 'product_reveal', 'mood', 'call_to_action']);
    assert.deepEqual(DEFAULT_SCENE_WEIGHTS, [0.15, 0.3, 0.35, 0.2]);
    assert.equal(SHOT_GRAMMAR.length, 4);
  });

  it('fits whole frames that add up exactly to the target, for every duration from 15 to 60 s and every concept\'s pacing', () => {
    const weightSets = [DEFAULT_SCENE_WEIGHTS, ...CONCEPTS.flatMap((c) => (c.weights ? [c.weights] : []))];
    for (const weights of weightSets) {
      for (let seconds = 15; seconds <= 60; seconds++) {
        const frames = fitDurations(seconds, weights);
        assert.equal(frames.length, 4);
        assert.equal(sum(frames), seconds * 30, `${seconds} s with [${weights.join(', ')}]: [${frames.join(', ')}]`);
        for (const f of frames) {
          assert.ok(Number.isInteger(f), `whole frames: ${f}`);
          assert.ok(f >= 60, `${seconds} s: a scene of ${f} frames is under 2 s`);
        }
        // No pinning needed at these lengths: each scene is within one frame of its exact share.
        const total = sum([...weights]);
        frames.forEach((f, i) => assert.ok(Math.abs(f - (weights[i] / total) * seconds * 30) < 1, `${seconds} s scene ${i}: ${f}`));
      }
    }
  });

  it('handles fractional targets and other frame rates', () => {
    assert.equal(sum(fitDurations(22.5)), 675);
    assert.equal(sum(fitDurations(20, DEFAULT_SCENE_WEIGHTS, { fps: 24 })), 480);
  });

  it('raises scenes under the 2 s minimum and re-shares the rest in proportion', () => {
    const frames = fitDurations(15, [0.01, 0.01, 0.49, 0.49]);
    assert.deepEqual(frames.slice(0, 2), [60, 60]);
    assert.equal(sum(frames), 450);
    assert.equal(frames[2] + frames[3], 330);
    assert.ok(Math.abs(frames[2] - frames[3]) <= 1);
  });

  it('refuses what cannot be done', () => {
    assert.throws(() => fitDurations(7), /cannot hold 4 scenes of at least 2 s/);
    assert.throws(() => fitDurations(30, []), /at least one/);
    assert.throws(() => fitDurations(30, [0.5, -0.5, 1, 1]), /positive/);
    assert.throws(() => fitDurations(Number.NaN), /positive number/);
  });

  it('knows which lines fit on one line of a 1080 px frame', () => {
    assert.ok(fitsOverlay('Discover Nuit Dorée', 'large'));
    assert.ok(!fitsOverlay('Discover Eau de Parfum Intense Absolue', 'large'));
    assert.ok(fitsOverlay('Discover Eau de Parfum Intense Absolue', 'medium'));
    assert.ok(!fitsOverlay('two\nlines', 'small'));
    assert.ok(!fitsOverlay('   ', 'small'));
  });
});
