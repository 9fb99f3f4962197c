import sharp from 'sharp';
import type { SceneOverlay } from '../pipeline/types.js';
import { escapeMarkup, fontFile, pangoFont, type FontFamily, type FontWeight } from './fonts.js';

/**
 * Overlay text drawn once per scene as a transparent PNG (Pango through sharp) that FFmpeg
 * then fades and moves. Pango wraps lines to the frame, shapes accents and ligatures, and
 * letter-spaces the sans; the soft shadow that keeps the text legible on any backdrop is a
 * blur of the glyphs, which drawtext cannot do.
 */

export interface ImageLayer {
  png: Buffer;
  width: number;
  height: number;
}

/** Light text with a dark shadow, or dark text with a light halo (for light backdrops). */
export type TextTone = 'light' | 'dark';

export interface TextStyle {
  font: FontFamily;
  size: SceneOverlay['size'];
  tone: TextTone;
  /** Widest line, in pixels; longer text wraps. */
  maxWidth: number;
  /** Colour of dark-tone text (a deep palette colour reads better than black). */
  darkInk?: string;
}

interface Face {
  weight: FontWeight;
  px: number;
  /** Extra space between letters, in em: tracked capitals are the look of luxury sans. */
  tracking: number;
}

const faces: Record<FontFamily, Record<SceneOverlay['size'], Face>> = {
  serif: {
    large: { weight: 'regular', px: 100, tracking: 0.01 },
    medium: { weight: 'regular', px: 70, tracking: 0.02 },
    small: { weight: 'medium', px: 46, tracking: 0.04 },
  },
  sans: {
    large: { weight: 'medium', px: 64, tracking: 0.12 },
    medium: { weight: 'medium', px: 46, tracking: 0.18 },
    small: { weight: 'medium', px: 34, tracking: 0.22 },
  },
};

const LIGHT_INK = '#fff8ef';
const DEFAULT_DARK_INK = '#2a1a1f';

async function blurredAlpha(alpha: Buffer, width: number, height: number, sigma: number): Promise<Buffer> {
  // extractChannel: sharp would otherwise hand back the single band as three (sRGB) channels.
  return sharp(alpha, { raw: { width, height, channels: 1 } }).blur(Math.max(0.3, sigma)).extractChannel(0).raw().toBuffer();
}

/** Renders `text` in the given style; the PNG includes room for the shadow around the glyphs. */
export async function renderTextLayer(text: string, style: TextStyle): Promise<ImageLayer> {
  const face = faces[style.font][style.size];
  const ink = style.tone === 'light' ? LIGHT_INK : (style.darkInk ?? DEFAULT_DARK_INK);
  const spacing = Math.round(face.tracking * face.px * 1024); // Pango units: 1/1024 pt, and a pt is a px at 72 dpi
  const markup = `<span foreground="${ink}" letter_spacing="${spacing}">${escapeMarkup(text.trim())}</span>`;
  const { data: glyphs, info } = await sharp({
    text: { text: markup, font: pangoFont(style.font, face.weight, face.px), fontfile: fontFile(style.font, face.weight), width: style.maxWidth, align: 'centre', rgba: true, dpi: 72, wrap: 'word', spacing: Math.round(face.px * 0.18) },
  })
    .raw()
    .toBuffer({ resolveWithObject: true });

  return withSoftShadow(glyphs, info.width, info.height, style.tone, face.px);
}

/**
 * Puts an RGBA picture (glyphs, a logo) on a soft shadow made from its own alpha: dark under
 * light artwork, a pale halo around dark artwork. `sizePx` (the type size) scales the blur.
 * The returned picture is larger by `shadowPadding(sizePx)` on every side.
 */
export async function withSoftShadow(rgba: Buffer, artWidth: number, artHeight: number, tone: TextTone, sizePx: number): Promise<ImageLayer> {
  // Two shadows: a tight one that outlines the letters, a wide one that calms a busy backdrop behind them.
  const tightSigma = sizePx * 0.06;
  const wideSigma = sizePx * 0.32;
  const pad = shadowPadding(sizePx);
  const width = artWidth + 2 * pad;
  const height = artHeight + 2 * pad;
  const alpha = Buffer.alloc(width * height);
  for (let y = 0; y < artHeight; y++) {
    for (let x = 0; x < artWidth; x++) alpha[(y + pad) * width + x + pad] = rgba[(y * artWidth + x) * 4 + 3];
  }
  const [tight, wide] = await Promise.all([blurredAlpha(alpha, width, height, tightSigma), blurredAlpha(alpha, width, height, wideSigma)]);
  const shade = tone === 'light' ? [12, 8, 6] : [255, 250, 244];
  const [tightStrength, wideStrength] = tone === 'light' ? [0.55, 0.3] : [0.6, 0.45];
  const drop = tone === 'light' ? Math.round(sizePx * 0.03) : 0; // light from above: dark shadows fall a little lower

  const out = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const shadowRow = y - drop;
      const tightA = shadowRow >= 0 ? tight[shadowRow * width + x] / 255 : 0;
      const shadowA = Math.min(1, tightA * tightStrength + (wide[i] / 255) * wideStrength);
      const gx = x - pad;
      const gy = y - pad;
      const inside = gx >= 0 && gy >= 0 && gx < artWidth && gy < artHeight;
      const g = inside ? (gy * artWidth + gx) * 4 : -1;
      const artA = inside ? rgba[g + 3] / 255 : 0;
      const outA = artA + shadowA * (1 - artA);
      const o = i * 4;
      if (outA <= 0) continue;
      for (let c = 0; c < 3; c++) {
        const artC = inside ? rgba[g + c] : 0;
        out[o + c] = Math.round((artC * artA + shade[c] * shadowA * (1 - artA)) / outA);
      }
      out[o + 3] = Math.round(outA * 255);
    }
  }
  const png = await sharp(out, { raw: { width, height, channels: 4 } }).png({ compressionLevel: 2 }).toBuffer();
  return { png, width, height };
}

/** Pixels of shadow margin `withSoftShadow` adds on each side. */
export function shadowPadding(sizePx: number): number {
  return Math.ceil(sizePx * 0.32 * 2.5);
}

/** The type size of a text style, in pixels (the reference of its shadow padding). */
export function textSizePx(style: Pick<TextStyle, 'font' | 'size'>): number {
  return faces[style.font][style.size].px;
}
