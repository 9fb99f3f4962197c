import { spawn } from 'node:child_process';

/**
 * FFmpeg and ffprobe as child processes. Arguments are passed as an array (never through a
 * shell), so paths and text can hold any character. Every run can be aborted: the process is
 * killed and the promise rejects with the signal's reason once the process has really exited,
 * so a caller that then deletes its temporary files does not race a still-writing FFmpeg.
 * The platform's media tool: GenAds renders with it, Social takes its videos' poster frames.
 */

/** Where the binaries are, and the settings that say so (named when one is missing). */
export interface FfmpegBinaries {
  ffmpegPath: string;
  ffprobePath: string;
  /** Default: the platform's FFMPEG_PATH and FFPROBE_PATH. */
  pathSettings?: { ffmpeg: string; ffprobe: string };
}

const PLATFORM_SETTINGS = { ffmpeg: 'FFMPEG_PATH', ffprobe: 'FFPROBE_PATH' };

type Tool = 'ffmpeg' | 'ffprobe';

/** A failed FFmpeg/ffprobe run; the message names the step and ends with FFmpeg's last words. */
export class FfmpegError extends Error {
  override readonly name: string = 'FfmpegError';
  constructor(
    message: string,
    readonly tool: Tool,
    readonly exitCode: number | null,
    /** The last lines FFmpeg wrote on stderr. */
    readonly stderrTail: string,
  ) {
    super(message);
  }
}

/** The binary itself is missing: retrying cannot help, the operator must install or configure it. */
export class FfmpegNotFoundError extends FfmpegError {
  override readonly name = 'FfmpegNotFoundError';
  constructor(tool: Tool, binaryPath: string, setting: string) {
    const label = tool === 'ffmpeg' ? 'FFmpeg' : 'FFprobe';
    super(`${label} not found at ${binaryPath}: install it (apt-get install ffmpeg) or set ${setting}`, tool, null, '');
  }
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Names the step in error messages, e.g. "background scene_2". */
  label?: string;
  /** Seconds of output expected; needed to turn FFmpeg's progress into a fraction. */
  expectedDuration?: number;
  /** Progress from 0 to 1, needs expectedDuration. */
  onProgress?: (fraction: number) => void;
  /** FFmpeg's -loglevel; "error" keeps the stderr tail to the cause of a failure. */
  logLevel?: 'error' | 'warning' | 'info';
}

/** Keeps only the end of a stream: FFmpeg can log megabytes, the cause is in the last lines. */
class Tail {
  private text = '';
  constructor(private readonly maxChars: number) {}
  push(chunk: string) {
    this.text += chunk;
    if (this.text.length > this.maxChars * 2) this.text = this.text.slice(-this.maxChars);
  }
  lines(count: number): string {
    return this.text.slice(-this.maxChars).trimEnd().split('\n').slice(-count).join('\n');
  }
}

interface ProcessResult {
  stdout: string;
  /** The end of stderr (the last 8 KB). */
  stderr: string;
}

/** `setting` names where the binary's path is configured, for the message when it is missing. */
function runProcess(tool: Tool, binaryPath: string, setting: string, args: string[], options: RunOptions & { collectStdout: boolean; onStdoutLine?: (line: string) => void }): Promise<ProcessResult> {
  const { signal, label = tool } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(binaryPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr = new Tail(8192);
    let stdout = '';
    let pending = '';
    let spawnError: NodeJS.ErrnoException | null = null;
    let aborted = false;

    const onAbort = () => {
      aborted = true;
      // SIGKILL, not SIGTERM: on SIGTERM FFmpeg first finishes writing its output, which is exactly what an abort must not wait for.
      child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (options.collectStdout) stdout += chunk;
      if (!options.onStdoutLine) return;
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        options.onStdoutLine(pending.slice(0, newline).trim());
        pending = pending.slice(newline + 1);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => (spawnError = error));
    child.on('close', (code, killedBy) => {
      signal?.removeEventListener('abort', onAbort);
      if (aborted) return reject(signal!.reason);
      if (spawnError) {
        if (spawnError.code === 'ENOENT' || spawnError.code === 'EACCES') return reject(new FfmpegNotFoundError(tool, binaryPath, setting));
        return reject(new FfmpegError(`${label}: could not start ${binaryPath}: ${spawnError.message}`, tool, null, ''));
      }
      if (code === 0) return resolve({ stdout, stderr: stderr.lines(200) });
      const tail = stderr.lines(12);
      const how = killedBy ? `was killed by ${killedBy}` : `exited with code ${code}`;
      reject(new FfmpegError(`${label} failed: ${tool} ${how}${tail ? `:\n${tail}` : ''}`, tool, code, tail));
    });
  });
}

/**
 * Runs FFmpeg with `args` (inputs, filters, outputs). Progress comes from `-progress pipe:1`:
 * FFmpeg reports the output timestamp reached, divided here by `expectedDuration`.
 */
export async function runFfmpeg(tools: Pick<FfmpegBinaries, 'ffmpegPath' | 'pathSettings'>, args: string[], options: RunOptions = {}): Promise<{ stderr: string }> {
  const { onProgress, expectedDuration } = options;
  let reported = 0;
  const report = (fraction: number) => {
    // Monotonic and coarse: callers forward these to the database and websockets.
    if (!onProgress || (fraction < reported + 0.01 && fraction < 1)) return;
    reported = fraction;
    onProgress(fraction);
  };
  const { stderr } = await runProcess('ffmpeg', tools.ffmpegPath, (tools.pathSettings ?? PLATFORM_SETTINGS).ffmpeg, ['-hide_banner', '-nostdin', '-nostats', '-loglevel', options.logLevel ?? 'error', '-progress', 'pipe:1', '-y', ...args], {
    ...options,
    collectStdout: false,
    onStdoutLine: (line) => {
      const [key, value] = line.split('=', 2);
      if (key === 'out_time_us' && expectedDuration && expectedDuration > 0) {
        const seconds = Number(value) / 1e6;
        if (Number.isFinite(seconds) && seconds > 0) report(Math.min(0.99, seconds / expectedDuration));
      } else if (key === 'progress' && value === 'end') {
        report(1);
      }
    },
  });
  return { stderr };
}

/** Runs ffprobe and returns what it printed on stdout. */
export async function runFfprobe(tools: Pick<FfmpegBinaries, 'ffprobePath' | 'pathSettings'>, args: string[], options: Pick<RunOptions, 'signal' | 'label'> = {}): Promise<string> {
  const { stdout } = await runProcess('ffprobe', tools.ffprobePath, (tools.pathSettings ?? PLATFORM_SETTINGS).ffprobe, ['-hide_banner', '-loglevel', 'error', ...args], { ...options, collectStdout: true });
  return stdout;
}

export interface MediaInfo {
  /** Of the container (the longest stream). */
  durationSeconds: number;
  /** 0 when there is no video stream. */
  width: number;
  height: number;
  fps: number;
  /** Video frames, counted by demuxing the file; null without a video stream. */
  frames: number | null;
  hasAudio: boolean;
  videoCodec: string | null;
  audioCodec: string | null;
  pixelFormat: string | null;
  /** e.g. "High"; null without a video stream. */
  videoProfile: string | null;
  audioSampleRate: number | null;
  audioChannels: number | null;
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  nb_read_packets?: string;
  duration?: string;
  sample_rate?: string;
  channels?: number;
  disposition?: { attached_pic?: number };
}

function rate(text: string | undefined): number {
  if (!text) return 0;
  const [num, den] = text.split('/').map(Number);
  if (!den) return Number.isFinite(num) ? num : 0;
  return num / den;
}

/** Duration, size, frame rate, frame count and codecs of a media file, from ffprobe. */
export async function probeMedia(tools: Pick<FfmpegBinaries, 'ffprobePath' | 'pathSettings'>, filePath: string, signal?: AbortSignal): Promise<MediaInfo> {
  // -count_packets: containers such as WebM or a cut MP4 do not always state their frame count; one video packet is one frame.
  const out = await runFfprobe(tools, ['-print_format', 'json', '-show_format', '-show_streams', '-count_packets', filePath], { signal, label: `probing ${filePath}` });
  let parsed: { format?: { duration?: string }; streams?: ProbeStream[] };
  try {
    parsed = JSON.parse(out);
  } catch {
    throw new FfmpegError(`probing ${filePath} failed: ffprobe printed no JSON`, 'ffprobe', 0, out.slice(-500));
  }
  const streams = parsed.streams ?? [];
  // A cover image in an MP3 is a "video" stream too; it is not the video.
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  const audio = streams.find((s) => s.codec_type === 'audio');
  const fps = video ? rate(video.avg_frame_rate) || rate(video.r_frame_rate) : 0;
  const counted = Number(video?.nb_read_packets ?? video?.nb_frames);
  const durations = [parsed.format?.duration, video?.duration, audio?.duration].map(Number).filter((d) => Number.isFinite(d) && d > 0);
  return {
    durationSeconds: durations.length ? durations[0] : 0,
    width: video?.width ?? 0,
    height: video?.height ?? 0,
    fps: Math.round(fps * 1000) / 1000,
    frames: video && Number.isFinite(counted) ? counted : null,
    hasAudio: Boolean(audio),
    videoCodec: video?.codec_name ?? null,
    audioCodec: audio?.codec_name ?? null,
    pixelFormat: video?.pix_fmt ?? null,
    videoProfile: video?.profile ?? null,
    audioSampleRate: audio?.sample_rate ? Number(audio.sample_rate) : null,
    audioChannels: audio?.channels ?? null,
  };
}

/**
 * Escapes a value (a path, usually) for an option inside a filter graph: first for the
 * filter's option parser (`\ ' :`), then for the graph parser (`\ ' [ ] , ;`).
 */
export function filterValue(value: string): string {
  const optionLevel = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return optionLevel.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}
