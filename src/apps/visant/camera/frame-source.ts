import { execFile } from 'node:child_process';
import { readdir, readFile, stat, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';

export interface Frame {
  bytes: Buffer;
  /** Where it came from, kept in the capture's metadata. */
  origin: Record<string, string>;
}

/** Where a camera's frames come from. `grab` answers null when there is nothing new (a folder with no new image). */
export interface FrameSource {
  readonly description: string;
  grab(signal: AbortSignal): Promise<Frame | null>;
}

/** A problem no retry will fix (FFmpeg missing, the folder gone): the camera stops with this message. */
export class SourceUnusableError extends Error {}

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp']);
/** FFmpeg input formats a `<format>:<input>` source may name: a test pattern, Linux, macOS and Windows cameras. */
const FFMPEG_FORMATS = ['lavfi', 'v4l2', 'avfoundation', 'dshow'] as const;
const FFMPEG_TIMEOUT_MS = 30_000;

/**
 * The --source forms: an RTSP/HTTP(S) stream URL, a local video device (/dev/videoN, or
 * v4l2:/avfoundation:/dshow: followed by FFmpeg's input name), lavfi:<filter> (FFmpeg's test
 * patterns, to try the setup without a camera), or else a folder of images.
 */
export async function openSource(spec: string, options: { ffmpegPath: string; stateDir: string }): Promise<FrameSource> {
  if (/^(rtsps?|https?):\/\//i.test(spec)) {
    const input = spec.toLowerCase().startsWith('rtsp') ? ['-rtsp_transport', 'tcp', '-i', spec] : ['-i', spec];
    return new FfmpegSource(options.ffmpegPath, input, redactUrl(spec), [spec]);
  }
  if (spec.startsWith('/dev/video')) return new FfmpegSource(options.ffmpegPath, ['-f', 'v4l2', '-i', spec], spec);
  const format = FFMPEG_FORMATS.find((f) => spec.startsWith(`${f}:`));
  if (format) return new FfmpegSource(options.ffmpegPath, ['-f', format, '-i', spec.slice(format.length + 1)], spec);
  const dir = path.resolve(spec);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) {
    throw new SourceUnusableError(`--source ${spec}: not a folder, a /dev/video device, an rtsp:// or http(s):// stream, nor lavfi:/v4l2:/avfoundation:/dshow: input`);
  }
  return new FolderSource(dir, path.join(options.stateDir, 'folder-source.json'));
}

/** A stream URL's password stays out of the log. */
function redactUrl(spec: string) {
  try {
    const url = new URL(spec);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return spec;
  }
}

/**
 * Images in a folder, taken one per trigger in name order (cameras and tools such as `motion`
 * name their files by time); each file is sent once, and files added later that sort after the
 * last one taken are picked up. The last name taken is kept beside the queue, so a restart
 * does not send the folder again.
 */
export class FolderSource implements FrameSource {
  readonly description: string;
  private last: string | null | undefined;

  constructor(private readonly dir: string, private readonly stateFile: string) {
    this.description = `folder ${dir}`;
  }

  async grab(): Promise<Frame | null> {
    if (this.last === undefined) this.last = await readFile(this.stateFile, 'utf8').then((t) => (JSON.parse(t) as { last: string | null }).last, () => null);
    const names = await readdir(this.dir).catch((err: NodeJS.ErrnoException) => {
      throw new SourceUnusableError(`The source folder ${this.dir} cannot be read (${err.code ?? err.message})`);
    });
    const next = names.filter((n) => IMAGE_EXTENSIONS.has(path.extname(n).toLowerCase()) && (this.last === null || n > this.last!)).sort()[0];
    if (!next) return null;
    const bytes = await readFile(path.join(this.dir, next));
    return { bytes, origin: { source: 'folder', file: next } };
  }

  /** Called once the frame is safely queued: the file counts as taken. */
  async taken(frame: Frame) {
    this.last = frame.origin.file;
    const tmp = `${this.stateFile}.tmp`;
    await writeFile(tmp, JSON.stringify({ last: this.last }));
    await rename(tmp, this.stateFile);
  }
}

/** One JPEG per trigger from FFmpeg, spawned without a shell; a stream is opened afresh each time, so a dropped stream recovers by itself. */
export class FfmpegSource implements FrameSource {
  /** `secrets`: strings (a stream URL with its password) that FFmpeg's messages may repeat and the log must not. */
  constructor(private readonly ffmpegPath: string, private readonly input: string[], readonly description: string, private readonly secrets: string[] = []) {}

  grab(signal: AbortSignal): Promise<Frame> {
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', ...this.input, '-frames:v', '1', '-q:v', '3', '-f', 'image2pipe', '-c:v', 'mjpeg', 'pipe:1'];
    return new Promise((resolve, reject) => {
      execFile(this.ffmpegPath, args, { encoding: 'buffer', maxBuffer: 20 * 1024 * 1024, timeout: FFMPEG_TIMEOUT_MS, killSignal: 'SIGKILL', signal, windowsHide: true }, (err, stdout, stderr) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') reject(new SourceUnusableError(`FFmpeg was not found at "${this.ffmpegPath}": install it (sudo apt install ffmpeg) or pass --ffmpeg <path>`));
          else if (err.name === 'AbortError') reject(err);
          else {
            const said = this.secrets.reduce((text, secret) => text.split(secret).join(this.description), stderr.toString().trim().split('\n').slice(-2).join(' '));
            reject(new Error(`FFmpeg could not read a frame from ${this.description}: ${said || `it exited with ${err.code ?? err.signal}`}`));
          }
          return;
        }
        if (stdout.length === 0) reject(new Error(`FFmpeg gave no frame from ${this.description}`));
        else resolve({ bytes: stdout, origin: { source: 'ffmpeg', input: this.description } });
      });
    });
  }
}
