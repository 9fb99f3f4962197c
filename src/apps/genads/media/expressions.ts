/**
 * Building blocks of FFmpeg expressions (evaluated per frame, `t` in seconds from the start
 * of the scene). Motion eases out, as a camera operator or a hand would: fast start, soft
 * landing. Numbers are printed with few decimals to keep the graph readable in errors.
 */

export function num(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/\.?0+$/, '');
}

/** A position in design pixels (VIDEO_WIDTH x VIDEO_HEIGHT) as an expression at the output's `scale` (ffmpeg-tools.ts outputScale). */
export function scaled(expression: string, scale: number): string {
  return scale === 1 ? expression : `(${expression})*${num(scale)}`;
}

/** A `scale` filter (and its comma) shrinking a still of this design size to the output's `scale`; none at 1. */
export function shrinkStill(width: number, height: number, scale: number): string {
  return scale === 1 ? '' : `scale=${2 * Math.max(1, Math.round((width * scale) / 2))}:${2 * Math.max(1, Math.round((height * scale) / 2))},`;
}

/** 0 before `start`, 1 after `start + duration`, linear in between. */
export function progress(start: number, duration: number): string {
  return `clip((t-${num(start)})/${num(Math.max(duration, 1e-3))},0,1)`;
}

/** Cubic ease-out of a 0-1 expression. */
export function easeOut(p: string): string {
  return `(1-pow(1-${p},3))`;
}

/** Sine ease-in-out of a 0-1 expression. */
export function easeInOut(p: string): string {
  return `(0.5-0.5*cos(PI*${p}))`;
}

/** Interpolates from `from` to `to` along a 0-1 expression. */
export function lerp(from: number, to: number, p: string): string {
  if (from === to) return num(from);
  return `(${num(from)}+${num(to - from)}*${p})`;
}
