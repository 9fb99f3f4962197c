import sharp from 'sharp';
import { VIDEO_FPS, VIDEO_HEIGHT, VIDEO_WIDTH, type ScenePlan, type SceneOverlay } from '../pipeline/types.js';
import type { LumaGrid } from './backdrop-sampling.js';
import { mix, toHex, type Rgb } from '../color.js';
import { paletteOf } from './layer-palette.js';
import { easeOut, lerp, num, progress } from './expressions.js';
import { animateProduct } from './product-motion.js';
import { renderProductSprite } from './product-sprite.js';
import { renderTextLayer, shadowPadding, textSizePx, withSoftShadow, type ImageLayer, type TextTone } from './text-layer.js';

/**
 * What is laid over each scene's backdrop, and how it moves: the product (with its halo),
 * the planned text, and on the call to action the logo or brand wordmark. Layout follows
 * the vertical-video conventions of social platforms (nothing under their interface at the
 * top and bottom); text is light on dark backdrops and dark on light ones, as measured.
 */

/** Social apps cover the top and bottom of a vertical video with their own interface: text stays inside. */
const SAFE_TOP = Math.round(VIDEO_HEIGHT * 0.1);
const SAFE_BOTTOM = Math.round(VIDEO_HEIGHT * 0.82);
const TEXT_WIDTH = Math.round(VIDEO_WIDTH * 0.83);
const LOGO_BOX = { width: 460, height: 190 };
/** Backdrop brightness above which text turns dark. */
const LIGHT_BACKDROP = 0.6;

/** A picture laid over a scene, with where and how it moves (FFmpeg expressions of the scene's t). */
export interface Element {
  layer: ImageLayer;
  x: string;
  y: string;
  scale: string | null;
  fadeIn: { start: number; duration: number };
  fadeOut: { start: number; duration: number } | null;
}

interface Placed {
  layer: ImageLayer;
  /** Top-left of the picture at rest, in frame pixels. */
  left: number;
  top: number;
}

function lightOf(palette: Rgb[]): Rgb {
  return mix(palette[palette.length - 1], [255, 246, 228], 0.3);
}

/** Dark ink for light backdrops: the palette's deepest colour, deepened further. */
function darkInkOf(palette: Rgb[]): string {
  return toHex(mix(palette[0], [24, 12, 18], 0.55));
}

/** Vertical extent of the product at rest (pixels), which text keeps clear of when it can. */
type Clearance = { top: number; bottom: number } | null;

/** Text may move into the outer margins (up to here) rather than cover the product. */
const OUTER_TOP = Math.round(VIDEO_HEIGHT * 0.05);
const OUTER_BOTTOM = Math.round(VIDEO_HEIGHT * 0.92);
const CLEARANCE_GAP = 28;

/** Vertical placement of a block of visible height `h` (pixels) at a named position. */
function blockTop(position: SceneOverlay['position'], h: number, clear: Clearance = null): number {
  if (position === 'top') {
    const top = SAFE_TOP;
    return clear && top + h + CLEARANCE_GAP > clear.top ? Math.max(OUTER_TOP, clear.top - CLEARANCE_GAP - h) : top;
  }
  if (position === 'bottom') {
    const top = SAFE_BOTTOM - h;
    return clear && top < clear.bottom + CLEARANCE_GAP ? Math.min(OUTER_BOTTOM - h, clear.bottom + CLEARANCE_GAP) : top;
  }
  // Centred text over the product is the planner's choice (a title card over the bottle).
  return Math.round(VIDEO_HEIGHT / 2 - h / 2);
}

/** Where a text band at `position` will be, before rendering it (to pick its tone). */
function textBand(position: SceneOverlay['position'], clear: Clearance): { y: number; h: number } {
  const h = Math.round(VIDEO_HEIGHT * 0.14);
  return { y: blockTop(position, h, clear), h };
}

function toneAt(grid: LumaGrid, y: number, h: number): TextTone {
  return grid.mean((VIDEO_WIDTH - TEXT_WIDTH) / 2, y, TEXT_WIDTH, h) > LIGHT_BACKDROP ? 'dark' : 'light';
}

async function placeText(text: string, font: SceneOverlay['font'], size: SceneOverlay['size'], position: SceneOverlay['position'], grid: LumaGrid, palette: Rgb[], clear: Clearance): Promise<Placed> {
  const band = textBand(position, clear);
  const tone = toneAt(grid, band.y, band.h);
  const layer = await renderTextLayer(text, { font, size, tone, maxWidth: TEXT_WIDTH, darkInk: darkInkOf(palette) });
  const pad = shadowPadding(textSizePx({ font, size }));
  const top = blockTop(position, layer.height - 2 * pad, clear) - pad;
  return { layer, left: Math.round((VIDEO_WIDTH - layer.width) / 2), top };
}

/** The logo fitted in its box, with a halo only when it would not stand out from the backdrop. */
async function placeLogo(logoPath: string, position: 'top' | 'bottom', grid: LumaGrid, clear: Clearance): Promise<Placed> {
  const { data, info } = await sharp(logoPath).ensureAlpha().resize({ width: LOGO_BOX.width, height: LOGO_BOX.height, fit: 'inside', withoutEnlargement: false }).raw().toBuffer({ resolveWithObject: true });
  let weight = 0;
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) {
    const a = data[i + 3] / 255;
    weight += a;
    sum += a * (0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2]);
  }
  const logoLuma = weight > 0 ? sum / weight / 255 : 0.5;
  const top0 = blockTop(position, info.height, clear);
  const backdrop = grid.mean((VIDEO_WIDTH - info.width) / 2, top0, info.width, info.height);
  // A light logo gets a dark shadow, a dark one a pale halo; strong only when it would blend into the backdrop.
  const tone: TextTone = logoLuma > backdrop ? 'light' : 'dark';
  const shadowSize = Math.abs(logoLuma - backdrop) < 0.3 ? 70 : 24;
  const layer = await withSoftShadow(data, info.width, info.height, tone, shadowSize);
  return { layer, left: Math.round((VIDEO_WIDTH - layer.width) / 2), top: top0 - shadowPadding(shadowSize) };
}

interface TextTiming {
  fadeIn: { start: number; duration: number };
  fadeOut: { start: number; duration: number } | null;
}

/** Text comes in once the product has started its entrance and leaves just before the scene ends (the last scene keeps it). */
function textTiming(duration: number, productEnters: boolean, isLast: boolean, delay = 0): TextTiming {
  const pace = Math.min(1, duration / 3.2);
  const start = ((productEnters ? 0.6 : 0.3) + delay) * pace;
  const fadeIn = { start, duration: 0.8 * pace };
  if (isLast) return { fadeIn, fadeOut: null };
  const out = 0.5 * pace;
  return { fadeIn, fadeOut: { start: Math.max(start + fadeIn.duration, duration - 0.1 * pace - out), duration: out } };
}

function animateText(placed: Placed, animation: SceneOverlay['animation'], timing: TextTiming): Element {
  let y = num(placed.top);
  if (animation === 'rise') {
    // Rises into place as it fades in, and drifts a little further up as it leaves.
    const rise = lerp(placed.top + 44, placed.top, easeOut(progress(timing.fadeIn.start, timing.fadeIn.duration * 1.4)));
    y = timing.fadeOut ? `(${rise}-22*${progress(timing.fadeOut.start, timing.fadeOut.duration)})` : rise;
  }
  return { layer: placed.layer, x: num(placed.left), y, scale: null, ...timing };
}

export interface SceneContext {
  /** Brightness of this scene's backdrop. */
  grid: LumaGrid;
  /** The product cut-out, PNG with alpha. */
  product: Buffer;
  /** The last scene keeps its text to the end. */
  isLast: boolean;
  logoPath?: string | null;
  brandName: string;
  perfumeName: string;
}

/** Draws the pictures of one scene and says how each moves. */
export async function sceneElements(scene: ScenePlan, context: SceneContext): Promise<Element[]> {
  const { grid, isLast } = context;
  const palette = paletteOf(scene.background.palette);
  const sceneDuration = scene.frames / VIDEO_FPS;
  const elements: Element[] = [];
  const placement = scene.product;
  const productShown = placement.motion !== 'hidden';
  let clear: Clearance = null;
  // (Tested on placement.motion rather than productShown so TypeScript narrows the motion.)
  if (placement.motion !== 'hidden') {
    const height = Math.min(0.7, Math.max(0.2, placement.scale)) * VIDEO_HEIGHT;
    const restX = Math.min(1, Math.max(0, placement.x)) * VIDEO_WIDTH;
    const restY = Math.min(1, Math.max(0, placement.y)) * VIDEO_HEIGHT;
    const bob = placement.motion === 'float' ? 20 : 0;
    clear = { top: restY - height / 2 - bob, bottom: restY + height / 2 + bob };
    const lightBackdrop = grid.mean(restX - height * 0.3, restY - height / 2, height * 0.6, height) > LIGHT_BACKDROP;
    const sprite = await renderProductSprite(context.product, { height, maxWidth: VIDEO_WIDTH * 0.86, motion: placement.motion, glow: lightOf(palette), lightBackdrop });
    const motion = animateProduct({ motion: placement.motion, restX, restY, centerX: sprite.centerX, centerY: sprite.centerY, spriteWidth: sprite.width, duration: sceneDuration });
    elements.push({ layer: sprite, x: motion.x, y: motion.y, scale: motion.scale, fadeIn: motion.fadeIn, fadeOut: null });
  }
  if (scene.role === 'call_to_action') {
    // The end card signs the ad: the logo (or the brand name as a wordmark) opposite the text.
    const markAt: 'top' | 'bottom' = scene.overlay?.position === 'top' ? 'bottom' : 'top';
    const mark = context.logoPath
      ? await placeLogo(context.logoPath, markAt, grid, clear)
      : await placeText(context.brandName.toLocaleUpperCase(), 'sans', 'large', markAt, grid, palette, clear);
    elements.push({ layer: mark.layer, x: num(mark.left), y: num(mark.top), scale: null, ...textTiming(sceneDuration, false, isLast) });
    if (!scene.overlay && context.perfumeName.trim()) {
      const name = await placeText(context.perfumeName, 'serif', 'large', markAt === 'top' ? 'bottom' : 'top', grid, palette, clear);
      elements.push(animateText(name, 'rise', textTiming(sceneDuration, productShown, isLast, 0.2)));
    }
  }
  if (scene.overlay && scene.overlay.text.trim()) {
    const { text, font, size, position, animation } = scene.overlay;
    const placed = await placeText(text, font, size, position, grid, palette, clear);
    elements.push(animateText(placed, animation, textTiming(sceneDuration, productShown, isLast, scene.role === 'call_to_action' ? 0.2 : 0)));
  }
  return elements;
}
