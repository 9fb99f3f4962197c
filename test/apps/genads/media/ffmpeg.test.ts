import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { FfmpegError, FfmpegNotFoundError, filterValue, probeMedia, runFfmpeg } from '../../../../src/platform/media/ffmpeg.js';
import { ffmpegTools, outputScale, outputSize } from '../../../../src/apps/genads/media/ffmpeg-tools.js';
import { genadsSettings } from '../../../../src/apps/genads/config.js';
import { ConfigError } from '../../../../src/platform/config/config.js';
import { tempDir, tools } from './helpers.js';

/** Command lines of the running processes whose arguments mention `needle`. */
async function processesMentioning(needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ');
      if (cmdline.includes(needle)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

describe('ffmpeg runner and probe', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir('ffmpeg');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('builds its tools from the GenAds configuration', () => {
    assert.deepEqual(ffmpegTools({ ffmpegPath: '/x/ffmpeg', ffprobePath: '/x/ffprobe', x264Preset: 'fast' }), {
      ffmpegPath: '/x/ffmpeg',
      ffprobePath: '/x/ffprobe',
      pathSettings: { ffmpeg: 'GENADS_FFMPEG_PATH', ffprobe: 'GENADS_FFPROBE_PATH' },
      x264Preset: 'fast',
    });
  });

  it('writes the seed\'s 1080x1920 unless GENADS_VIDEO_SIZE names one of its smaller 9:16 sizes', () => {
    const sized = (value?: string) => ffmpegTools(genadsSettings.load({ variables: value === undefined ? {} : { GENADS_VIDEO_SIZE: value } }));
    assert.deepEqual([outputSize(sized()), outputScale(sized())], [{ width: 1080, height: 1920 }, 1]);
    assert.deepEqual([outputSize(sized('540x960')), outputScale(sized('540x960'))], [{ width: 540, height: 960 }, 0.5]);
    assert.deepEqual(outputSize(sized('720x1280')), { width: 720, height: 1280 });
    assert.deepEqual([outputSize(tools), outputScale(tools)], [{ width: 1080, height: 1920 }, 1], 'tools without a size: the design size');
    for (const bad of ['1920x1080', '270x480', '2160x3840', 'small']) assert.throws(() => sized(bad), ConfigError, bad);
  });

  it('runs FFmpeg with progress and probes what it wrote', async () => {
    const out = path.join(dir, 'probe.mp4');
    const fractions: number[] = [];
    await runFfmpeg(
      tools,
      ['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=30:d=2', '-f', 'lavfi', '-i', 'sine=f=440:d=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', out],
      { expectedDuration: 2, onProgress: (f) => fractions.push(f) },
    );
    assert.ok(fractions.length >= 1, 'progress was reported');
    assert.equal(fractions.at(-1), 1);
    for (let i = 1; i < fractions.length; i++) assert.ok(fractions[i] >= fractions[i - 1], 'progress never goes back');
    const info = await probeMedia(tools, out);
    assert.equal(info.width, 320);
    assert.equal(info.height, 240);
    assert.equal(info.fps, 30);
    assert.equal(info.frames, 60);
    assert.equal(info.videoCodec, 'h264');
    assert.equal(info.audioCodec, 'aac');
    assert.equal(info.pixelFormat, 'yuv420p');
    assert.equal(info.hasAudio, true);
    assert.ok(Math.abs(info.durationSeconds - 2) < 0.1, `duration ${info.durationSeconds}`);
  });

  it('says how to fix a missing FFmpeg or ffprobe binary', async () => {
    // GenAds' tools name GenAds' settings; the platform's own (Social's posters) name FFMPEG_PATH.
    const genads = ffmpegTools({ ffmpegPath: '/nonexistent/ffmpeg', ffprobePath: '/nonexistent/ffprobe', x264Preset: 'veryfast' });
    await assert.rejects(runFfmpeg(genads, ['-version']), (error: unknown) => {
      assert.ok(error instanceof FfmpegNotFoundError);
      assert.ok(error instanceof FfmpegError);
      assert.equal(error.message, 'FFmpeg not found at /nonexistent/ffmpeg: install it (apt-get install ffmpeg) or set GENADS_FFMPEG_PATH');
      return true;
    });
    await assert.rejects(probeMedia(genads, '/dev/null'), /FFprobe not found at \/nonexistent\/ffprobe: install it \(apt-get install ffmpeg\) or set GENADS_FFPROBE_PATH/);
    await assert.rejects(runFfmpeg({ ffmpegPath: '/nonexistent/ffmpeg' }, ['-version']), /FFmpeg not found at \/nonexistent\/ffmpeg: install it \(apt-get install ffmpeg\) or set FFMPEG_PATH$/);
  });

  it('fails a corrupt input with an FfmpegError carrying FFmpeg’s last words', async () => {
    const corrupt = path.join(dir, 'corrupt.mp4');
    await writeFile(corrupt, Buffer.concat([Buffer.from('\x00\x00\x00\x18ftypmp42'), Buffer.alloc(4096, 0x5a)]));
    await assert.rejects(runFfmpeg(tools, ['-i', corrupt, '-f', 'null', '-'], { label: 'decoding the test file' }), (error: unknown) => {
      assert.ok(error instanceof FfmpegError);
      assert.ok(!(error instanceof FfmpegNotFoundError));
      assert.match(error.message, /^decoding the test file failed: ffmpeg exited with code \d+/);
      assert.ok(error.stderrTail.length > 0, 'stderr tail kept');
      assert.ok(error.message.includes(error.stderrTail), 'message ends with the stderr tail');
      return true;
    });
    await assert.rejects(probeMedia(tools, corrupt), FfmpegError);
  });

  it('kills FFmpeg on abort and rejects with the signal’s reason', async () => {
    const marker = `abort-${process.pid}-${Date.now()}.mp4`;
    const out = path.join(dir, marker);
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    let started!: () => void;
    const progressed = new Promise<void>((resolve) => (started = resolve));
    const running = runFfmpeg(tools, ['-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=30:d=600', '-c:v', 'libx264', '-preset', 'medium', out], {
      signal: controller.signal,
      expectedDuration: 10,
      onProgress: () => started(),
    });
    await progressed;
    assert.equal((await processesMentioning(marker)).length, 1, 'ffmpeg is running');
    const t0 = Date.now();
    controller.abort(reason);
    await assert.rejects(running, (error) => error === reason);
    assert.ok(Date.now() - t0 < 5000, 'aborted promptly');
    assert.deepEqual(await processesMentioning(marker), [], 'no ffmpeg left running');
    // An already aborted signal never starts a process.
    await assert.rejects(runFfmpeg(tools, ['-version'], { signal: controller.signal }), (error) => error === reason);
  });

  it('escapes file names for use inside a filter graph', async () => {
    const weird = path.join(dir, "it's: [a,b];c\\d.png");
    await sharp({ create: { width: 16, height: 16, channels: 3, background: '#ff0000' } }).png().toFile(weird);
    const out = path.join(dir, 'escaped.png');
    await runFfmpeg(tools, ['-f', 'lavfi', '-i', `movie=${filterValue(weird)}`, '-frames:v', '1', out]);
    const { data } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    assert.ok(data[0] > 200 && data[1] < 50, 'the red picture was read through the escaped name');
  });
});
