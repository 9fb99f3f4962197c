import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { conformMusic, conformVideoClip } from '../../../../src/apps/genads/media/conform.js';
import { FfmpegError, probeMedia, runFfmpeg } from '../../../../src/platform/media/ffmpeg.js';
import { frameAt, meanColour, meanVolume, tempDir, tools } from './helpers.js';

describe('conforming hosted media', () => {
  let dir: string;
  let landscape: string;
  let tone: string;
  before(async () => {
    dir = await tempDir('conform');
    landscape = path.join(dir, 'landscape.mp4');
    tone = path.join(dir, 'tone.wav');
    // A 640x360 25 fps clip with sound (which must go): red on the left half, blue on the right.
    await runFfmpeg(tools, [
      '-f', 'lavfi', '-i', 'color=c=red:s=320x360:r=25:d=1.2', '-f', 'lavfi', '-i', 'color=c=blue:s=320x360:r=25:d=1.2', '-f', 'lavfi', '-i', 'sine=f=300:d=1.2',
      '-filter_complex', '[0:v][1:v]hstack[v]', '-map', '[v]', '-map', '2:a', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p', '-c:a', 'aac', landscape,
    ]);
    await runFfmpeg(tools, ['-f', 'lavfi', '-i', 'sine=f=440:d=2', '-ac', '2', tone]);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const frames of [24, 75]) {
    it(`makes a clip of any shape exactly ${frames} frames of 1080x1920 30 fps yuv420p, no audio`, async () => {
      const outputPath = path.join(dir, `conformed-${frames}.mp4`);
      await conformVideoClip(tools, { inputPath: landscape, outputPath, frames });
      const info = await probeMedia(tools, outputPath);
      assert.equal(info.width, 1080);
      assert.equal(info.height, 1920);
      assert.equal(info.fps, 30);
      assert.equal(info.frames, frames);
      assert.equal(info.videoCodec, 'h264');
      assert.equal(info.pixelFormat, 'yuv420p');
      assert.equal(info.hasAudio, false);
      // Cover, not fit: the frame is filled (no black bars), centred on the seam between red and blue.
      const frame = await frameAt(outputPath, (frames - 1) / 30, dir);
      const left = meanColour(frame, 0, 800, 200, 300);
      const right = meanColour(frame, 880, 800, 200, 300);
      assert.ok(left[0] > 200 && left[2] < 60, `left is red (${left.map(Math.round)})`);
      assert.ok(right[2] > 200 && right[0] < 60, `right is blue (${right.map(Math.round)})`);
    });
  }

  it('refuses a file without video', async () => {
    await assert.rejects(conformVideoClip(tools, { inputPath: tone, outputPath: path.join(dir, 'none.mp4'), frames: 10 }), FfmpegError);
  });

  for (const duration of [1.5, 2.3, 3, 7]) {
    it(`makes an MP3 of exactly ${duration} s from a 2 s track`, async () => {
      const outputPath = path.join(dir, `music-${duration}.mp3`);
      await conformMusic(tools, { inputPath: tone, outputPath, duration });
      const info = await probeMedia(tools, outputPath);
      assert.equal(info.audioCodec, 'mp3');
      assert.equal(info.audioChannels, 2);
      assert.equal(info.audioSampleRate, 44100);
      assert.ok(Math.abs(info.durationSeconds - duration) < 0.08, `duration ${info.durationSeconds}`);
      assert.ok((await meanVolume(outputPath)) > -30, 'not silent');
      // Much shorter than wanted: looped, so the middle of the result still plays; the end is faded out.
      if (duration > 4) assert.ok((await meanVolume(outputPath, { start: 3.5, duration: 1 })) > -35, 'looped, not padded with silence');
      const tail = await meanVolume(outputPath, { start: duration - 0.15, duration: 0.15 });
      const body = await meanVolume(outputPath, { start: 0.2, duration: 0.5 });
      assert.ok(tail < body - 10, `fades out (${tail} vs ${body} dB)`);
    });
  }
});
