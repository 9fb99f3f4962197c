import { VIDEO_FPS, type ScenePlan } from '../pipeline/types.js';

/**
 * A variation's on-screen words as a WebVTT captions track: one cue per scene that shows text,
 * for the whole scene (the video fades the words in and out within it). The end card shows the
 * perfume's name when its plan gives it no text of its own, as the render does
 * (media/scene-elements.ts); the brand's mark there is a logo, not words to read out.
 */
export function captionsVtt(scenes: ScenePlan[], perfumeName: string): string {
  const cues: string[] = [];
  let frame = 0;
  for (const scene of scenes) {
    const words = scene.overlay?.text.trim() || (scene.role === 'call_to_action' ? perfumeName.trim() : '');
    if (words) cues.push(`${cues.length + 1}\n${timestamp(frame)} --> ${timestamp(frame + scene.frames)}\n${cueText(words)}`);
    frame += scene.frames;
  }
  return `WEBVTT\n\n${cues.map((c) => `${c}\n\n`).join('')}`;
}

/** hh:mm:ss.ttt of a frame. */
function timestamp(frame: number): string {
  const ms = Math.round((frame / VIDEO_FPS) * 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/** Cue text may not hold "-->", a blank line, or raw & and < (WebVTT's cue text escapes). */
function cueText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join('\n');
}
