import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { MusicGenerator, MusicPlan, MusicRequest, PerfumeGender } from '../pipeline/types.js';
import { progressionOf, type Chord } from './chords.js';
import { MP3_ARGS } from './encoding.js';
import { runFfmpeg } from '../../../platform/media/ffmpeg.js';
import { type FfmpegTools } from './ffmpeg-tools.js';
import { between, fork, seededRandom, type Random } from './random.js';
import { encodeWavFloat } from './wav.js';

/**
 * Offline soundtrack: a small synthesiser in Node plays the plan's chord progression as the
 * ambient bed perfume ads use: slow warm pad chords, a soft bass on the roots, a bell line
 * (bright and airy for feminine/unisex, low and sparse for masculine, which also gets a
 * soft pulse), a ping-pong delay on the bells and a reverb, fades at both ends. No samples
 * and no network; the same plan (seed included) always gives the same track.
 *
 * Costs stay low by synthesising from wavetables with linear envelopes and one-pole
 * filters; a 60 s track takes well under a second of CPU, most of the time being the MP3
 * encode.
 */

const SAMPLE_RATE = 44100;
const TABLE_SIZE = 4096;

/** One period of a waveform made of the given harmonic amplitudes, peak-normalised. */
function wavetable(harmonics: number[]): Float32Array {
  const table = new Float32Array(TABLE_SIZE + 1);
  let peak = 0;
  for (let i = 0; i < TABLE_SIZE; i++) {
    let v = 0;
    for (let h = 0; h < harmonics.length; h++) v += harmonics[h] * Math.sin((2 * Math.PI * (h + 1) * i) / TABLE_SIZE);
    table[i] = v;
    peak = Math.max(peak, Math.abs(v));
  }
  for (let i = 0; i < TABLE_SIZE; i++) table[i] /= peak;
  table[TABLE_SIZE] = table[0]; // guard sample: interpolation reads one past the end
  return table;
}

/** A mellow saw: every harmonic, falling faster than a real saw, so it is warm before any filtering. */
const PAD_WAVE = wavetable([1, 0.42, 0.22, 0.12, 0.07, 0.04, 0.02]);
const BASS_WAVE = wavetable([1, 0.28, 0.06]);
const SINE = wavetable([1]);

function midiToHz(midi: number): number {
  return 440 * 2 ** ((midi - 69) / 12);
}

class Bus {
  readonly left: Float32Array;
  readonly right: Float32Array;
  constructor(readonly length: number) {
    this.left = new Float32Array(length);
    this.right = new Float32Array(length);
  }
}

interface Tone {
  start: number;
  /** Seconds from the start to the end of the release. */
  attack: number;
  hold: number;
  release: number;
  hz: number;
  gain: number;
  /** -1 (left) to 1 (right). */
  pan: number;
}

/** Adds a wavetable tone with a linear attack / hold / release envelope. */
function addTone(bus: Bus, wave: Float32Array, tone: Tone): void {
  const s0 = Math.max(0, Math.round(tone.start * SAMPLE_RATE));
  const attack = Math.max(1, Math.round(tone.attack * SAMPLE_RATE));
  const hold = Math.round(tone.hold * SAMPLE_RATE);
  const release = Math.max(1, Math.round(tone.release * SAMPLE_RATE));
  const end = Math.min(bus.length, s0 + attack + hold + release);
  const increment = (tone.hz * TABLE_SIZE) / SAMPLE_RATE;
  // Equal-power pan.
  const angle = ((tone.pan + 1) * Math.PI) / 4;
  const gl = Math.cos(angle) * tone.gain;
  const gr = Math.sin(angle) * tone.gain;
  let phase = (tone.hz * 7919) % TABLE_SIZE; // a fixed, pitch-dependent start phase: no click pattern, still deterministic
  const { left, right } = bus;
  // The envelope is linear in each segment: step it by addition instead of branching per sample.
  const segments: [number, number, number][] = [
    [s0, Math.min(end, s0 + attack), 1 / attack],
    [s0 + attack, Math.min(end, s0 + attack + hold), 0],
    [s0 + attack + hold, end, -1 / release],
  ];
  let env = 0;
  for (const [from, to, slope] of segments) {
    if (slope === 0) env = 1;
    for (let i = from; i < to; i++) {
      const index = phase | 0;
      const v = (wave[index] + (wave[index + 1] - wave[index]) * (phase - index)) * env;
      left[i] += v * gl;
      right[i] += v * gr;
      env += slope;
      phase += increment;
      if (phase >= TABLE_SIZE) phase -= TABLE_SIZE;
    }
  }
}

/** A struck bell or glass: sine partials, each decaying exponentially, the higher ones faster. */
function addBell(bus: Bus, start: number, hz: number, gain: number, pan: number, length: number): void {
  const partials: [number, number, number][] = [
    [1, 1, 1.1],
    [2.0, 0.3, 0.45],
    [3.01, 0.1, 0.22],
    [4.17, 0.05, 0.12],
  ];
  const s0 = Math.max(0, Math.round(start * SAMPLE_RATE));
  const end = Math.min(bus.length, s0 + Math.round(length * SAMPLE_RATE));
  const attack = Math.round(0.004 * SAMPLE_RATE);
  const angle = ((pan + 1) * Math.PI) / 4;
  const gl = Math.cos(angle) * gain;
  const gr = Math.sin(angle) * gain;
  for (const [ratio, amplitude, tau] of partials) {
    const f = hz * ratio;
    if (f > SAMPLE_RATE / 2.2) continue;
    const increment = (f * TABLE_SIZE) / SAMPLE_RATE;
    const decay = Math.exp(-1 / (tau * SAMPLE_RATE));
    let env = amplitude;
    let phase = 0;
    for (let i = s0; i < end; i++) {
      const k = i - s0;
      const a = k < attack ? k / attack : 1;
      const index = phase | 0;
      const v = (SINE[index] + (SINE[index + 1] - SINE[index]) * (phase - index)) * env * a;
      bus.left[i] += v * gl;
      bus.right[i] += v * gr;
      env *= decay;
      phase += increment;
      if (phase >= TABLE_SIZE) phase -= TABLE_SIZE;
    }
  }
}

/** Two cascaded one-pole low-passes (12 dB/octave): takes the edge off the pad. */
function lowPass(signal: Float32Array, cutoffHz: number): void {
  const a = 1 - Math.exp((-2 * Math.PI * cutoffHz) / SAMPLE_RATE);
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < signal.length; i++) {
    y1 += a * (signal[i] - y1);
    y2 += a * (y1 - y2);
    signal[i] = y2;
  }
}

/** Ping-pong delay: echoes alternate between the ears, the bells seem to hang in a room. */
function pingPong(bus: Bus, delaySeconds: number, feedback: number, wet: number): void {
  const d = Math.max(1, Math.round(delaySeconds * SAMPLE_RATE));
  const bufL = new Float32Array(d);
  const bufR = new Float32Array(d);
  let p = 0;
  for (let i = 0; i < bus.length; i++) {
    const outL = bufL[p];
    const outR = bufR[p];
    const inMono = (bus.left[i] + bus.right[i]) * 0.5;
    bufL[p] = inMono + outR * feedback;
    bufR[p] = outL * feedback;
    bus.left[i] += outL * wet;
    bus.right[i] += outR * wet;
    if (++p === d) p = 0;
  }
}

/**
 * A small Schroeder reverb (four damped combs into two all-passes per ear, the right ear's
 * delays slightly longer for width), returned as a separate wet signal.
 */
function reverb(input: Bus, roomSize: number, damping: number): Bus {
  const out = new Bus(input.length);
  const scale = SAMPLE_RATE / 44100;
  const run = (source: Float32Array, target: Float32Array, spread: number) => {
    // Plain typed arrays and locals in the per-sample loop: several times faster than objects in V8.
    const combLengths = [1557, 1617, 1491, 1422].map((n) => Math.round((n + spread) * scale));
    const c0 = new Float32Array(combLengths[0]);
    const c1 = new Float32Array(combLengths[1]);
    const c2 = new Float32Array(combLengths[2]);
    const c3 = new Float32Array(combLengths[3]);
    const a0 = new Float32Array(Math.round((556 + spread) * scale));
    const a1 = new Float32Array(Math.round((441 + spread) * scale));
    let p0 = 0, p1 = 0, p2 = 0, p3 = 0, q0 = 0, q1 = 0;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    const keep = 1 - damping;
    for (let i = 0; i < source.length; i++) {
      const x = source[i] * 0.015;
      const y0 = c0[p0], y1 = c1[p1], y2 = c2[p2], y3 = c3[p3];
      s0 = y0 * keep + s0 * damping;
      s1 = y1 * keep + s1 * damping;
      s2 = y2 * keep + s2 * damping;
      s3 = y3 * keep + s3 * damping;
      c0[p0] = x + s0 * roomSize;
      c1[p1] = x + s1 * roomSize;
      c2[p2] = x + s2 * roomSize;
      c3[p3] = x + s3 * roomSize;
      if (++p0 === c0.length) p0 = 0;
      if (++p1 === c1.length) p1 = 0;
      if (++p2 === c2.length) p2 = 0;
      if (++p3 === c3.length) p3 = 0;
      let sum = y0 + y1 + y2 + y3;
      const b0 = a0[q0];
      a0[q0] = sum + b0 * 0.5;
      sum = b0 - sum;
      if (++q0 === a0.length) q0 = 0;
      const b1 = a1[q1];
      a1[q1] = sum + b1 * 0.5;
      sum = b1 - sum;
      if (++q1 === a1.length) q1 = 0;
      target[i] = sum;
    }
  };
  run(input.left, out.left, 0);
  run(input.right, out.right, 23);
  return out;
}

interface Voice {
  /** MIDI range of the pad chords. */
  padLow: number;
  padCutoff: number;
  bassOctave: number;
  /** MIDI range of the bell line; null for none. */
  bells: { low: number; high: number; stepBeats: number; rest: number; gain: number } | null;
  pulse: boolean;
}

const voices: Record<PerfumeGender, Voice> = {
  feminine: { padLow: 57, padCutoff: 2200, bassOctave: 3, bells: { low: 74, high: 93, stepBeats: 0.5, rest: 0.35, gain: 0.085 }, pulse: false },
  unisex: { padLow: 53, padCutoff: 1700, bassOctave: 2, bells: { low: 67, high: 86, stepBeats: 1, rest: 0.3, gain: 0.08 }, pulse: false },
  masculine: { padLow: 45, padCutoff: 1050, bassOctave: 2, bells: { low: 57, high: 74, stepBeats: 1, rest: 0.55, gain: 0.075 }, pulse: true },
};

/** MIDI notes of a chord voiced upwards from `low`, closely spaced (extensions folded into the octave above). */
function voiceChord(chord: Chord, low: number): number[] {
  let root = low + ((chord.root - low) % 12 + 12) % 12;
  if (root - low > 6) root -= 12; // keep the chord centred on the register rather than always above it
  const notes = chord.intervals.slice(0, 5).map((interval) => root + (interval > 12 ? interval - 12 : interval));
  return [...new Set(notes)].sort((a, b) => a - b);
}

/** Every chord tone within [low, high], for the bell line to walk over. */
function chordTones(chord: Chord, low: number, high: number): number[] {
  const classes = new Set(chord.intervals.map((i) => (chord.root + i) % 12));
  const tones: number[] = [];
  for (let m = low; m <= high; m++) if (classes.has(((m % 12) + 12) % 12)) tones.push(m);
  return tones;
}

/** Synthesises `duration` seconds of the plan as two channels. */
export function synthesize(plan: MusicPlan, gender: PerfumeGender, duration: number): [Float32Array, Float32Array] {
  const length = Math.max(1, Math.round(duration * SAMPLE_RATE));
  const random = seededRandom(plan.seed);
  const voice = voices[gender];
  const chords = progressionOf(plan.progression, plan.key);
  const bpm = Math.min(140, Math.max(50, plan.bpm || 72));
  const beat = 60 / bpm;
  const bar = beat * 4;
  const bars = Math.ceil(duration / bar) + 1;

  const pad = new Bus(length);
  const bass = new Bus(length);
  const bells = new Bus(length);
  const padRandom = fork(random, 1);
  for (let b = 0; b < bars; b++) {
    const chord = chords[b % chords.length];
    const start = b * bar;
    const notes = voiceChord(chord, voice.padLow);
    const gain = 0.16 / Math.sqrt(notes.length);
    for (const [n, midi] of notes.entries()) {
      const pan = notes.length > 1 ? -0.6 + (1.2 * n) / (notes.length - 1) : 0;
      // Two slightly detuned oscillators per note: the slow beating between them is the pad's shimmer.
      for (const cents of [-6, 6]) {
        addTone(pad, PAD_WAVE, {
          start: start + between(padRandom, 0, 0.05),
          attack: Math.min(1.2, bar * 0.4),
          hold: bar * 0.75,
          release: Math.min(2, bar * 0.6),
          hz: midiToHz(midi + cents / 100),
          gain,
          pan: pan * (cents < 0 ? 1 : -0.6),
        });
      }
    }
    const bassMidi = 12 * (voice.bassOctave + 1) + chord.bass;
    addTone(bass, BASS_WAVE, { start, attack: 0.06, hold: bar * 0.55, release: bar * 0.4, hz: midiToHz(bassMidi), gain: 0.3, pan: 0 });
    if (bpm < 100) addTone(bass, BASS_WAVE, { start: start + beat * 2.5, attack: 0.05, hold: beat * 0.6, release: beat, hz: midiToHz(bassMidi), gain: 0.14, pan: 0 });
    if (voice.pulse) {
      // A soft low thump on the downbeat: gives the darker cut a heartbeat.
      addTone(bass, SINE, { start, attack: 0.008, hold: 0.03, release: 0.35, hz: 52, gain: 0.35, pan: 0 });
      addTone(bass, SINE, { start: start + beat * 2, attack: 0.008, hold: 0.02, release: 0.25, hz: 49, gain: 0.18, pan: 0 });
    }
  }
  for (const channel of [pad.left, pad.right]) lowPass(channel, voice.padCutoff);

  if (voice.bells) {
    const bellRandom: Random = fork(random, 2);
    const { low, high, stepBeats, rest, gain } = voice.bells;
    const step = beat * stepBeats;
    let index = Math.floor(between(bellRandom, 0, 4));
    let direction = 1;
    // Bells start after the first bar: the pad opens the track alone.
    for (let t = bar; t < duration; t += step) {
      const chord = chords[Math.floor(t / bar) % chords.length];
      const tones = chordTones(chord, low, high);
      if (tones.length === 0 || bellRandom() < rest) continue;
      // A wandering arpeggio: mostly stepwise along the chord tones, turning at the ends.
      index += direction * (bellRandom() < 0.8 ? 1 : 2);
      if (index >= tones.length - 1 || index <= 0 || bellRandom() < 0.12) direction = -direction;
      index = Math.max(0, Math.min(tones.length - 1, index));
      const onBeat = Math.abs(t / beat - Math.round(t / beat)) < 1e-6;
      addBell(bells, t + between(bellRandom, -0.008, 0.008), midiToHz(tones[index]), gain * between(bellRandom, 0.65, 1) * (onBeat ? 1 : 0.8), between(bellRandom, -0.5, 0.5), 1.8);
    }
    pingPong(bells, beat * 0.75, 0.38, 0.35);
  }

  const send = new Bus(length);
  for (let i = 0; i < length; i++) {
    send.left[i] = pad.left[i] * 0.6 + bells.left[i];
    send.right[i] = pad.right[i] * 0.6 + bells.right[i];
  }
  const wet = reverb(send, 0.86, 0.35);

  const left = new Float32Array(length);
  const right = new Float32Array(length);
  let peak = 1e-9;
  for (let i = 0; i < length; i++) {
    left[i] = pad.left[i] + bass.left[i] + bells.left[i] + wet.left[i] * 0.45;
    right[i] = pad.right[i] + bass.right[i] + bells.right[i] + wet.right[i] * 0.45;
    peak = Math.max(peak, Math.abs(left[i]), Math.abs(right[i]));
  }
  // Fades, then the peak at -1 dBFS; loudness is normalised later, with the picture.
  const fadeIn = Math.min(1.5, duration * 0.1) * SAMPLE_RATE;
  const fadeOut = Math.min(3, duration * 0.2) * SAMPLE_RATE;
  const norm = 0.89 / peak;
  for (let i = 0; i < length; i++) {
    const g = norm * Math.min(1, i / fadeIn, (length - i) / fadeOut);
    left[i] *= g;
    right[i] *= g;
  }
  return [left, right];
}

export class LocalMusicGenerator implements MusicGenerator {
  readonly name = 'local';

  constructor(private readonly tools: FfmpegTools) {}

  async generate(request: MusicRequest): Promise<{ cost: number }> {
    const { plan, gender, duration, outputPath, signal, onProgress } = request;
    if (!(duration > 0)) throw new Error(`music duration must be positive, got ${duration}`);
    signal?.throwIfAborted();
    const [left, right] = synthesize(plan, gender, duration);
    signal?.throwIfAborted();
    onProgress?.(0.5);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'genads-music-'));
    try {
      const wav = path.join(dir, 'music.wav');
      await writeFile(wav, encodeWavFloat([left, right], SAMPLE_RATE));
      onProgress?.(0.6);
      await runFfmpeg(this.tools, ['-i', wav, '-t', String(duration), ...MP3_ARGS, outputPath], {
        signal,
        label: 'encoding the music',
        expectedDuration: duration,
        onProgress: onProgress && ((f) => onProgress(0.6 + 0.4 * f)),
      });
      return { cost: 0 };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
