import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { parseChord, progressionOf } from '../../../../src/apps/genads/media/chords.js';
import { probeMedia } from '../../../../src/platform/media/ffmpeg.js';
import { LocalMusicGenerator, synthesize } from '../../../../src/apps/genads/media/local-music.js';
import type { MusicPlan } from '../../../../src/apps/genads/pipeline/types.js';
import { meanVolume, run, tempDir, tools } from './helpers.js';

const plan: MusicPlan = { mood: 'dark, sensual, slow', key: { root: 'A', mode: 'minor' }, bpm: 72, progression: ['Am9', 'Fmaj7', 'C', 'G'], prompt: '', seed: 42 };

function rms(samples: Float32Array, from = 0, to = samples.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i] * samples[i];
  return Math.sqrt(sum / (to - from));
}

describe('chord symbols', () => {
  it('parses roots, accidentals, qualities and slash basses', () => {
    const cases: [string, number, number[]][] = [
      ['Am9', 9, [0, 3, 7, 10, 14]],
      ['Fmaj7', 5, [0, 4, 7, 11]],
      ['Csus2', 0, [0, 2, 7]],
      ['G', 7, [0, 4, 7]],
      ['Dm7', 2, [0, 3, 7, 10]],
      ['Ebmaj7', 3, [0, 4, 7, 11]],
      ['F#m', 6, [0, 3, 7]],
      ['Bbsus4', 10, [0, 5, 7]],
      ['Bdim', 11, [0, 3, 6]],
      ['E7', 4, [0, 4, 7, 10]],
    ];
    for (const [symbol, root, intervals] of cases) {
      const chord = parseChord(symbol);
      assert.ok(chord, symbol);
      assert.equal(chord.root, root, symbol);
      assert.deepEqual(chord.intervals, intervals, symbol);
      assert.equal(chord.bass, root, symbol);
    }
    assert.equal(parseChord('C/E')?.bass, 4);
    assert.deepEqual(parseChord('Am7#11')?.intervals, [0, 3, 7], 'unknown extension keeps the minor triad');
    assert.equal(parseChord('H7'), null);
  });

  it('falls back to a progression in the plan key', () => {
    const chords = progressionOf(['??'], { root: 'D', mode: 'minor' });
    assert.equal(chords.length, 4);
    assert.equal(chords[0].root, 2);
    assert.deepEqual(chords[0].intervals.slice(0, 3), [0, 3, 7]);
  });
});

describe('local music', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir('music');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('synthesises deterministically from the seed, fading in and out', () => {
    const [left] = synthesize(plan, 'feminine', 8);
    const [again] = synthesize(plan, 'feminine', 8);
    const [other] = synthesize({ ...plan, seed: 43 }, 'feminine', 8);
    assert.equal(left.length, 8 * 44100);
    assert.deepEqual(again, left);
    assert.notDeepEqual(other, left);
    const body = rms(left, 3 * 44100, 5 * 44100);
    assert.ok(body > 0.05, `audible (${body})`);
    assert.ok(rms(left, 0, 2000) < body / 5, 'fades in');
    assert.ok(rms(left, left.length - 2000) < body / 5, 'fades out');
    let peak = 0;
    for (const v of left) peak = Math.max(peak, Math.abs(v));
    assert.ok(peak <= 0.9, 'no clipping');
  });

  it('voices masculine lower and darker than feminine', () => {
    // Spectral centroid proxy: energy of the first difference relative to the signal (higher for brighter sound).
    const brightness = (samples: Float32Array) => {
      let diff = 0;
      let sum = 0;
      for (let i = 1; i < samples.length; i++) {
        diff += (samples[i] - samples[i - 1]) ** 2;
        sum += samples[i] ** 2;
      }
      return diff / sum;
    };
    const [feminine] = synthesize(plan, 'feminine', 10);
    const [masculine] = synthesize(plan, 'masculine', 10);
    assert.ok(brightness(masculine) < brightness(feminine) * 0.7, `masculine ${brightness(masculine)} vs feminine ${brightness(feminine)}`);
  });

  it('writes an MP3 of the requested duration that is not silent', async () => {
    const outputPath = path.join(dir, 'music.mp3');
    const fractions: number[] = [];
    const result = await new LocalMusicGenerator(tools).generate({ plan, gender: 'unisex', duration: 12.5, outputPath, onProgress: (f) => fractions.push(f) });
    assert.equal(result.cost, 0);
    assert.equal(fractions.at(-1), 1);
    const info = await probeMedia(tools, outputPath);
    assert.equal(info.audioCodec, 'mp3');
    assert.equal(info.audioSampleRate, 44100);
    assert.equal(info.audioChannels, 2);
    assert.ok(Math.abs(info.durationSeconds - 12.5) < 0.1, `duration ${info.durationSeconds}`);
    const volume = await meanVolume(outputPath);
    assert.ok(volume > -30, `mean volume ${volume} dB`);
    const { stderr } = await run(tools.ffmpegPath, ['-hide_banner', '-i', outputPath, '-af', 'astats=measure_overall=Peak_level+RMS_level:measure_perchannel=none', '-f', 'null', '-']);
    const peak = Number(/Peak level dB: (-?[\d.]+)/.exec(stderr)?.[1]);
    assert.ok(peak > -6 && peak <= 0, `peak ${peak} dBFS`);
  });
});
