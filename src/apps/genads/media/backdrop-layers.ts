import sharp from 'sharp';
import type { ParticleKind, SceneBackground } from '../pipeline/types.js';
import { luminance, mix, toHex, type Rgb } from '../color.js';
import { paletteOf } from './layer-palette.js';
import { between, fork, seededRandom, type Random } from './random.js';

/**
 * The still pictures a local background is animated from. Each is drawn once per scene (in
 * Node or by librsvg through sharp) and handed to FFmpeg as raw pixels, which then only
 * moves, scales and blends them: per-pixel work happens once, not once per frame.
 */

export interface RawLayer {
  /** Raw pixels, row by row: RGB for the base, RGBA for the overlays. */
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

const TAU = Math.PI * 2;

function smoothstep(edge0: number, edge1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - edge0) / (edge1 - edge0)));
  return t * t * (3 - 2 * t);
}

/** Colour at `f` (0-1) along the palette, darkest to lightest. */
function ramp(palette: Rgb[], f: number): Rgb {
  const scaled = Math.min(0.99999, Math.max(0, f)) * (palette.length - 1);
  const i = Math.floor(scaled);
  return mix(palette[i], palette[i + 1], smoothstep(0, 1, scaled - i));
}

/** Mean luminance of the palette: decides how bright the whole backdrop sits (romantic_floral is airy, the others deep). */
export function paletteBrightness(hexes: string[]): number {
  const palette = paletteOf(hexes);
  return palette.reduce((sum, c) => sum + luminance(c), 0) / palette.length;
}

/**
 * The gradient the camera moves over: a soft key light behind where the product stands, a
 * little light from above, slow smoky undulations, and a vignette into the darkest colour.
 * Drawn at a fraction of the frame resolution (it is smooth, upscaling loses nothing) with
 * a little dither so the 8-bit steps do not show as bands.
 */
export function renderBaseLayer(background: SceneBackground, width: number, height: number): RawLayer {
  const palette = paletteOf(background.palette);
  const random = fork(seededRandom(background.seed), 1);
  const bright = paletteBrightness(background.palette);
  // Light palettes sit high on the ramp so blush stays blush; deep ones keep most of the frame in shadow.
  const floor = bright > 0.45 ? 0.42 : bright > 0.25 ? 0.18 : 0.06;
  const vignetteStrength = bright > 0.45 ? 0.35 : 0.62;
  const aspect = height / width;
  const glowX = 0.5 + between(random, -0.1, 0.1);
  const glowY = 0.42 + between(random, -0.07, 0.05);
  const glowSigma = between(random, 0.26, 0.34);
  const waves = Array.from({ length: 3 }, () => ({
    kx: between(random, 0.3, 0.9) * (random() < 0.5 ? -1 : 1),
    ky: between(random, 0.4, 1.1),
    phase: between(random, 0, TAU),
    amp: between(random, 0.012, 0.03),
  }));
  const tilt = between(random, -0.25, 0.25);
  const dither = fork(random, 3);
  const data = Buffer.alloc(width * height * 3);
  let o = 0;
  for (let py = 0; py < height; py++) {
    const v = py / (height - 1);
    for (let px = 0; px < width; px++) {
      const u = px / (width - 1);
      const dx = u - glowX;
      const dy = (v - glowY) * aspect;
      const glow = Math.exp(-(dx * dx + dy * dy * 0.5) / (2 * glowSigma * glowSigma));
      const top = (1 - v + tilt * (u - 0.5)) ** 3 * 0.16;
      let smoke = 0;
      for (const w of waves) smoke += w.amp * Math.sin(TAU * (w.kx * u + w.ky * v * aspect * 0.5) + w.phase);
      const rx = (u - 0.5) * 2;
      const ry = (v - 0.47) * 2;
      const vignette = smoothstep(0.55, 1.45, Math.sqrt(rx * rx * 0.9 + ry * ry * 0.8));
      const f = floor + (1 - floor) * (0.02 + 0.8 * glow ** 1.4 + top + smoke) - vignetteStrength * vignette;
      const [r, g, b] = ramp(palette, f);
      const d = dither() - 0.5; // seeded too: the same plan must give the same file
      data[o++] = Math.max(0, Math.min(255, r + d));
      data[o++] = Math.max(0, Math.min(255, g + d));
      data[o++] = Math.max(0, Math.min(255, b + d));
    }
  }
  return { data, width, height, channels: 3 };
}

/** The light of the scene: the brightest palette colour, pushed towards warm white. */
function highlight(hexes: string[]): Rgb {
  const palette = paletteOf(hexes);
  return mix(palette[palette.length - 1], [255, 246, 228], 0.3);
}

async function svgLayer(svg: string): Promise<RawLayer> {
  const { data, info } = await sharp(Buffer.from(svg)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 4 };
}

/**
 * Gradients with their opacity baked in, a handful of levels each. librsvg renders an
 * element with an `opacity` attribute through a full-canvas offscreen layer: with hundreds
 * of particles that was half a second per layer, against a few milliseconds this way.
 */
class GradientBank {
  private readonly defs = new Map<string, string>();
  private static readonly LEVELS = 8;

  /** `url(#…)` of the gradient `make` draws at the opacity level nearest to `opacity`. */
  fill(name: string, opacity: number, make: (id: string, opacity: number) => string): string {
    const level = Math.max(1, Math.min(GradientBank.LEVELS, Math.round(opacity * GradientBank.LEVELS)));
    const id = `${name}_${level}`;
    if (!this.defs.has(id)) this.defs.set(id, make(id, level / GradientBank.LEVELS));
    return `url(#${id})`;
  }

  toString(): string {
    return `<defs>${[...this.defs.values()].join('')}</defs>`;
  }
}

function stop(offset: number, colour: string, opacity: number): string {
  return `<stop offset="${offset}" stop-color="${colour}" stop-opacity="${opacity.toFixed(3)}"/>`;
}

function softDisc(colour: string) {
  // Real bokeh is a flat disc with a slightly brighter rim and a soft edge, not a Gaussian blob.
  // (Stops are scaled for opacities given ×2.5, which spreads the faint discs over more levels.)
  return (id: string, o: number) => `<radialGradient id="${id}">${stop(0, colour, 0.2 * o)}${stop(0.78, colour, 0.3 * o)}${stop(0.9, colour, 0.18 * o)}${stop(1, colour, 0)}</radialGradient>`;
}

function glowDot(colour: string) {
  return (id: string, o: number) => `<radialGradient id="${id}">${stop(0, '#ffffff', o)}${stop(0.12, colour, 0.9 * o)}${stop(0.35, colour, 0.25 * o)}${stop(1, colour, 0)}</radialGradient>`;
}

function bokeh(random: Random, width: number, height: number, hexes: string[]): string {
  const light = highlight(hexes);
  const palette = paletteOf(hexes);
  const tints = [toHex(light), toHex(mix(light, palette[palette.length - 1], 0.6)), toHex(mix(light, [255, 255, 255], 0.4))];
  const bank = new GradientBank();
  const count = Math.round((width * height) / 95_000);
  let shapes = '';
  for (let i = 0; i < count; i++) {
    const r = between(random, 26, 115) * (random() < 0.15 ? 1.5 : 1);
    const opacity = between(random, 0.1, 0.32) * (r > 90 ? 0.7 : 1);
    const tint = Math.floor(random() * tints.length);
    shapes += `<circle cx="${between(random, 0, width).toFixed(1)}" cy="${between(random, 0, height).toFixed(1)}" r="${r.toFixed(1)}" fill="${bank.fill(`b${tint}`, opacity * 2.5, softDisc(tints[tint]))}"/>`;
  }
  return `${bank}${shapes}`;
}

function sparkles(random: Random, width: number, height: number, hexes: string[]): string {
  const colour = toHex(highlight(hexes));
  const bank = new GradientBank();
  const streak = (id: string, o: number) => `<radialGradient id="${id}">${stop(0, '#ffffff', 0.95 * o)}${stop(1, colour, 0)}</radialGradient>`;
  const count = Math.round((width * height) / 30_000);
  let shapes = '';
  for (let i = 0; i < count; i++) {
    const x = between(random, 0, width);
    const y = between(random, 0, height);
    const big = random() < 0.14;
    const r = big ? between(random, 14, 26) : between(random, 4, 10);
    const opacity = between(random, 0.45, 1);
    shapes += `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${r.toFixed(1)}" fill="${bank.fill('s', opacity, glowDot(colour))}"/>`;
    if (big) {
      // A four-point glint on the brightest ones: what makes a point read as a sparkle rather than a dot.
      const len = r * between(random, 2.2, 3.4);
      const fill = bank.fill('g', opacity * 0.8, streak);
      shapes += `<ellipse cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" rx="${len.toFixed(1)}" ry="1.6" fill="${fill}"/><ellipse cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" rx="1.6" ry="${len.toFixed(1)}" fill="${fill}"/>`;
    }
  }
  return `${bank}${shapes}`;
}

function petals(random: Random, width: number, height: number, hexes: string[]): string {
  const palette = paletteOf(hexes);
  const light = palette[palette.length - 1];
  const body = palette.length > 2 ? palette[palette.length - 2] : mix(palette[0], light, 0.6);
  // [base, middle, rim]: a petal is deeper where it joined the flower and pales towards its rim.
  const tones: Rgb[][] = [
    [mix(body, [150, 40, 70], 0.45), mix(body, [235, 140, 160], 0.3), mix(light, [255, 240, 240], 0.5)],
    [mix(body, [170, 60, 90], 0.3), mix(body, [255, 200, 205], 0.35), [255, 246, 244]],
    [mix(body, [120, 20, 50], 0.55), mix(body, [210, 90, 120], 0.4), mix(body, [255, 210, 215], 0.6)],
  ];
  const bank = new GradientBank();
  const petalGradient =
    ([base, middle, rim]: Rgb[]) =>
    (id: string, o: number) =>
      `<linearGradient id="${id}" x1="0.5" y1="1" x2="0.5" y2="0">${stop(0, toHex(base), o)}${stop(0.55, toHex(middle), o)}${stop(1, toHex(rim), o)}</linearGradient>`;
  // A rose petal: broad rounded top with a small notch, narrowing to where it was attached.
  const outline = 'M0,40 C-18,30 -34,5 -30,-18 C-27,-34 -12,-40 -3,-33 L0,-29 L3,-33 C12,-40 27,-34 30,-18 C34,5 18,30 0,40 Z';
  const count = Math.round((width * height) / 110_000);
  let shapes = '';
  for (let i = 0; i < count; i++) {
    const x = between(random, 0, width);
    const y = between(random, 0, height);
    // A few near the lens (large, out of focus), most further away.
    const near = random() < 0.18;
    const s = near ? between(random, 1.7, 2.4) : between(random, 0.7, 1.3);
    const angle = between(random, 0, 360);
    // Squashed sideways: a petal seen turning in the air.
    const turn = between(random, 0.45, 1);
    const opacity = near ? between(random, 0.5, 0.7) : between(random, 0.75, 0.95);
    const tone = Math.floor(random() * tones.length);
    shapes += `<path d="${outline}" transform="translate(${x.toFixed(1)} ${y.toFixed(1)}) rotate(${angle.toFixed(0)}) scale(${(s * turn).toFixed(2)} ${s.toFixed(2)})" fill="${bank.fill(`p${tone}`, opacity, petalGradient(tones[tone]))}"${near ? ' filter="url(#dof)"' : ''}/>`;
  }
  // The blur of the near petals still renders through a layer, but only for those few.
  return `${bank}<defs><filter id="dof" x="-50%" y="-50%" width="200%" height="200%"><feGaussianBlur stdDeviation="5"/></filter></defs>${shapes}`;
}

function dust(random: Random, width: number, height: number, hexes: string[]): string {
  const colour = toHex(highlight(hexes));
  const bank = new GradientBank();
  const mote = (id: string, o: number) => `<radialGradient id="${id}">${stop(0, colour, 0.9 * o)}${stop(0.5, colour, 0.45 * o)}${stop(1, colour, 0)}</radialGradient>`;
  const count = Math.round((width * height) / 9_000);
  let shapes = '';
  for (let i = 0; i < count; i++) {
    const r = random() < 0.1 ? between(random, 3, 6) : between(random, 1.2, 3);
    shapes += `<circle cx="${between(random, 0, width).toFixed(1)}" cy="${between(random, 0, height).toFixed(1)}" r="${r.toFixed(1)}" fill="${bank.fill('d', between(random, 0.25, 0.75), mote)}"/>`;
  }
  return `${bank}${shapes}`;
}

const particleDrawers: Record<Exclude<ParticleKind, 'none'>, (random: Random, width: number, height: number, hexes: string[]) => string> = {
  bokeh,
  sparkles,
  petals,
  dust,
};

/** A transparent layer of particles, larger than the frame so it can drift across it for the whole scene. */
export async function renderParticleLayer(background: SceneBackground, width: number, height: number): Promise<RawLayer | null> {
  if (background.particles === 'none') return null;
  const random = fork(seededRandom(background.seed), 2);
  const body = particleDrawers[background.particles](random, width, height, background.palette);
  return svgLayer(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`);
}

/**
 * A soft diagonal band of light (with a thin brighter glint beside it), as if a light were
 * passing over glass. It is slid across the frame by FFmpeg.
 */
export async function renderSweepLayer(background: SceneBackground, width: number, height: number, bandWidth: number): Promise<RawLayer> {
  const colour = toHex(highlight(background.palette));
  const strength = paletteBrightness(background.palette) > 0.45 ? 0.32 : 0.26;
  const slant = width - bandWidth;
  const edge = Math.hypot(slant, height);
  // The fade runs perpendicular to the slanted edges (user space), so every row sees the whole soft profile.
  const band = (offset: number, w: number, alpha: number, id: string) => {
    const across = (w * height) / edge;
    const x2 = offset + (height / edge) * across;
    const y2 = height + (slant / edge) * across;
    return (
      `<linearGradient id="${id}" gradientUnits="userSpaceOnUse" x1="${offset}" y1="${height}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}">` +
      `<stop offset="0" stop-color="${colour}" stop-opacity="0"/><stop offset="0.5" stop-color="${colour}" stop-opacity="${alpha}"/><stop offset="1" stop-color="${colour}" stop-opacity="0"/></linearGradient>` +
      `<polygon points="${slant + offset},0 ${slant + offset + w},0 ${offset + w},${height} ${offset},${height}" fill="url(#${id})"/>`
    );
  };
  const main = band(0, bandWidth, strength, 'm');
  const glint = band(bandWidth * 0.62, bandWidth * 0.3, strength * 0.8, 'g');
  return svgLayer(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs/>${main}${glint}</svg>`);
}
