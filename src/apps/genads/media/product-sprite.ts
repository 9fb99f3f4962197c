import sharp, { type OverlayOptions } from 'sharp';
import type { ProductMotion } from '../pipeline/types.js';
import { toHex, type Rgb } from '../color.js';
import type { ImageLayer } from './text-layer.js';

/**
 * The product cut-out as it stands in a scene, drawn once per scene at its resting size:
 * a soft halo of light behind it (the backlit-bottle look of perfume ads), a contact shadow
 * under it and a faint reflection, as on a glossy surface. FFmpeg only moves, fades or
 * scales this picture; blurring per frame would cost far more.
 */

export interface ProductSprite extends ImageLayer {
  /** Where the product's own centre is inside the sprite, in pixels. */
  centerX: number;
  centerY: number;
  productWidth: number;
  productHeight: number;
}

export interface SpriteStyle {
  /** Product height in pixels at rest. */
  height: number;
  /** Widest the product may be, in pixels (very wide packshots are fitted by width). */
  maxWidth: number;
  motion: ProductMotion;
  /** Colour of the halo (the scene's light). */
  glow: Rgb;
  /** The backdrop is light (blush, cream): softer shadow, brighter halo. */
  lightBackdrop: boolean;
}

export async function renderProductSprite(productPng: Buffer | string, style: SpriteStyle): Promise<ProductSprite> {
  const { data: product, info } = await sharp(productPng)
    .ensureAlpha()
    .resize({ height: Math.max(8, Math.round(style.height)), width: Math.max(8, Math.round(style.maxWidth)), fit: 'inside', kernel: 'lanczos3' })
    .png()
    .toBuffer({ resolveWithObject: true });
  const pw = info.width;
  const ph = info.height;
  // A floating product hangs in the air: no reflection, and its shadow falls further below.
  const floating = style.motion === 'float';
  const reflectionHeight = floating ? 0 : Math.round(ph * 0.28);
  const padX = Math.round(Math.max(pw * 0.45, ph * 0.18)) + 24;
  const padTop = Math.round(ph * 0.14) + 16;
  const padBottom = Math.max(reflectionHeight, Math.round(ph * 0.12)) + 24;
  // Even sizes: the sprite becomes 4:2:0 video, where odd edges lose half a chroma sample.
  const width = (pw + 2 * padX + 1) & ~1;
  const height = (ph + padTop + padBottom + 1) & ~1;
  const cx = padX + pw / 2;
  const cy = padTop + ph / 2;
  const floorY = padTop + ph + (floating ? Math.round(ph * 0.07) : -Math.round(ph * 0.005));

  const glow = toHex(style.glow);
  const glowAlpha = style.lightBackdrop ? 0.55 : 0.38;
  const shadowAlpha = style.lightBackdrop ? 0.28 : 0.6;
  const shadowColour = style.lightBackdrop ? '#5a2e3a' : '#000000';
  const backdrop = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs>
      <radialGradient id="halo"><stop offset="0" stop-color="${glow}" stop-opacity="${glowAlpha}"/><stop offset="0.45" stop-color="${glow}" stop-opacity="${glowAlpha * 0.45}"/><stop offset="1" stop-color="${glow}" stop-opacity="0"/></radialGradient>
      <radialGradient id="shadow"><stop offset="0" stop-color="${shadowColour}" stop-opacity="${shadowAlpha}"/><stop offset="0.6" stop-color="${shadowColour}" stop-opacity="${shadowAlpha * 0.35}"/><stop offset="1" stop-color="${shadowColour}" stop-opacity="0"/></radialGradient>
    </defs>
    <ellipse cx="${cx}" cy="${cy - ph * 0.04}" rx="${pw / 2 + padX * 0.95}" ry="${ph * 0.62}" fill="url(#halo)"/>
    <ellipse cx="${cx}" cy="${floorY}" rx="${pw * (floating ? 0.5 : 0.62)}" ry="${Math.max(6, ph * (floating ? 0.035 : 0.045))}" fill="url(#shadow)"/>
  </svg>`;

  const layers: OverlayOptions[] = [{ input: Buffer.from(backdrop), top: 0, left: 0 }];
  if (reflectionHeight > 0) {
    // The mirror image, fading out within a quarter of the product's height.
    const fade = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${pw}" height="${reflectionHeight}"><defs><linearGradient id="f" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#fff" stop-opacity="${style.lightBackdrop ? 0.22 : 0.18}"/><stop offset="1" stop-color="#fff" stop-opacity="0"/></linearGradient></defs><rect width="${pw}" height="${reflectionHeight}" fill="url(#f)"/></svg>`,
    );
    // Two pipelines: within one, sharp extracts before it flips whatever the call order.
    const flipped = await sharp(product).flip().png().toBuffer();
    const reflection = await sharp(flipped)
      .extract({ left: 0, top: 0, width: pw, height: reflectionHeight })
      .composite([{ input: fade, blend: 'dest-in' }])
      .blur(1.2)
      .png()
      .toBuffer();
    layers.push({ input: reflection, top: padTop + ph, left: padX });
  }
  layers.push({ input: product, top: padTop, left: padX });

  const png = await sharp({ create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite(layers)
    .png({ compressionLevel: 2 })
    .toBuffer();
  return { png, width, height, centerX: cx, centerY: cy, productWidth: pw, productHeight: ph };
}
