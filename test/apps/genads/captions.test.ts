import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { captionsVtt } from '../../../src/apps/genads/campaigns/captions.js';
import type { ScenePlan } from '../../../src/apps/genads/pipeline/types.js';

const scene = (role: ScenePlan['role'], frames: number, text: string | null): ScenePlan =>
  ({ sceneId: 'scene', role, frames, duration: frames / 30, overlay: text === null ? null : { text, position: 'bottom', font: 'serif', size: 'large', animation: 'fade' } }) as ScenePlan;

describe('GenAds captions (WebVTT)', () => {
  it('gives each scene with words a cue for the whole scene, timed by its frames at 30 fps', () => {
    const vtt = captionsVtt([scene('hook', 105, 'Night falls'), scene('product_reveal', 90, null), scene('mood', 75, '  Amber & oud  '), scene('call_to_action', 180, 'Discover <Noir>')], 'Noir');
    assert.equal(
      vtt,
      'WEBVTT\n\n' +
        '1\n00:00:00.000 --> 00:00:03.500\nNight falls\n\n' +
        '2\n00:00:06.500 --> 00:00:09.000\nAmber &amp; oud\n\n' +
        '3\n00:00:09.000 --> 00:00:15.000\nDiscover &lt;Noir&gt;\n\n',
    );
  });

  it("names the perfume on an end card without words of its own, as the render does; keeps lines, never a blank line or an arrow", () => {
    const vtt = captionsVtt([scene('hook', 30 * 61, 'One\n\nTwo --> three'), scene('call_to_action', 60, null)], 'Rose Absolue');
    assert.match(vtt, /^1\n00:00:00\.000 --> 00:01:01\.000\nOne\nTwo --&gt; three\n\n/m);
    assert.match(vtt, /2\n00:01:01\.000 --> 00:01:03\.000\nRose Absolue\n\n$/);
    assert.equal(captionsVtt([scene('hook', 30, null)], 'X'), 'WEBVTT\n\n', 'no words: an empty track, still valid');
  });
});
