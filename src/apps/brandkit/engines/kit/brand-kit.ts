import type { Readable } from 'node:stream';
import sharp from 'sharp';
import yazl from 'yazl';
import { assertDrawable, brandColours, type BrandBasics } from '../brand-input.js';
import { parseHex, toCmyk } from '../colour.js';
import { logoPng } from '../logo/logo-generator.js';
import { icoFromPngs } from './ico.js';
import { FAVICON_SIZES, HEADER_SIZES, LOGO_PNG_SIZES, PROFILE_SIZES } from './social-sizes.js';

/**
 * The brand kit ZIP: logos as SVG and PNG at four sizes (an uploaded logo as PNG only),
 * favicons (16, 32, 180, 512 and a multi-size favicon.ico), social profile pictures and
 * header images for each network, the palette as CSS variables and JSON, and the brand
 * guide when given. Streamed: entries are
 * rendered one at a time and added to the archive as they are ready, so the caller can pipe
 * the stream into storage or an HTTP response while later images are still being drawn.
 *
 * Interface: `brandKitZip(input, onProgress?)` → { stream, done } (done resolves with the
 * entry list once every entry is in the archive, or rejects if rendering failed, after
 * which the stream errors too), `paletteCss(brand)`, `paletteJson(brand)`.
 */

export interface BrandKitInput {
  brand: BrandBasics;
  /** The primary logo as SVG. */
  logoSvg: string;
  /**
   * Set when the primary logo is an uploaded image inside that SVG (its size in pixels): the
   * kit then has no SVG of it, and its PNGs go no larger than the image (never blown up).
   */
  logoRaster?: { width: number; height: number };
  /** Other chosen logos, by a short name ("monogram", "badge"): each gets SVG + PNGs too. */
  otherLogos?: Record<string, string>;
  /** A square mark (monogram, icon) for favicons and profile pictures; the primary logo otherwise. */
  iconSvg?: string;
  /** The brand guide PDF, included as is. */
  guidePdf?: Uint8Array;
}

export function slug(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'brand'
  );
}

export function paletteCss(brand: BrandBasics): string {
  const lines = brand.palette.map((c) => {
    const hex = c.hex.toLowerCase();
    const name = slug(c.role);
    return `  --brand-${name}: ${hex};\n  --brand-${name}-rgb: ${parseHex(hex).join(', ')};`;
  });
  return `/* ${brand.name.replace(/\*\//g, '')}: brand colours. Use as var(--brand-primary) or rgb(var(--brand-primary-rgb) / 50%). */\n:root {\n${lines.join('\n')}\n}\n`;
}

export function paletteJson(brand: BrandBasics): string {
  return JSON.stringify(
    {
      brand: brand.name,
      colors: brand.palette.map((c) => {
        const hex = c.hex.toLowerCase();
        const [r, g, b] = parseHex(hex);
        const [cy, m, y, k] = toCmyk(hex);
        return { role: c.role, hex, rgb: { r, g, b }, cmyk: { c: cy, m, y, k } };
      }),
    },
    null,
    2,
  );
}

/** A square picture: the mark centred on the brand's background colour with room around it. */
async function profilePicture(iconSvg: string, size: number, background: string): Promise<Buffer> {
  const inner = Math.max(8, Math.round(size * 0.72));
  const mark = await logoPng(iconSvg, inner);
  return sharp({ create: { width: size, height: size, channels: 4, background } })
    .composite([{ input: mark, left: Math.round((size - inner) / 2), top: Math.round((size - inner) / 2) }])
    .png()
    .toBuffer();
}

/** A wide header: background colour, a primary band along the bottom, the logo centred in the safe middle. */
async function headerImage(logoSvg: string, width: number, height: number, colours: ReturnType<typeof brandColours>): Promise<Buffer> {
  const band = Math.round(height * 0.08);
  const box = Math.round(Math.min(width * 0.5, height * 0.6));
  const logo = await sharp(await logoPng(logoSvg, Math.min(4096, box)))
    .trim({ threshold: 0 })
    .toBuffer()
    .catch(async () => logoPng(logoSvg, Math.min(4096, box)));
  const meta = await sharp(logo).metadata();
  const pattern = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="${colours.background}"/>` +
      `<rect y="${height - band}" width="${width}" height="${band}" fill="${colours.primary}"/><rect y="${height - band - Math.round(band / 3)}" width="${width}" height="${Math.round(band / 3)}" fill="${colours.accent}"/></svg>`,
  );
  return sharp(pattern)
    .composite([{ input: logo, left: Math.round((width - (meta.width ?? box)) / 2), top: Math.round((height - band - (meta.height ?? box)) / 2) }])
    .png()
    .toBuffer();
}

/** An uploaded logo's PNG sizes: the kit's sizes up to the image's longest side (at least the smallest). */
function rasterPngSizes(raster: { width: number; height: number }): number[] {
  const within = LOGO_PNG_SIZES.filter((size) => size <= Math.max(raster.width, raster.height));
  return within.length ? within : [LOGO_PNG_SIZES[0]];
}

export function brandKitZip(input: BrandKitInput, onProgress?: (fraction: number) => void): { stream: Readable; done: Promise<string[]> } {
  assertDrawable(input.brand);
  const zip = new yazl.ZipFile();
  const stream = zip.outputStream as Readable;
  const base = slug(input.brand.name);
  const names: string[] = [];
  const colours = brandColours(input.brand);
  const icon = input.iconSvg ?? input.logoSvg;
  const logos: Array<[string, string]> = [['primary', input.logoSvg], ...Object.entries(input.otherLogos ?? {}).map(([k, v]) => [slug(k), v] as [string, string])];
  const steps = logos.length * (1 + LOGO_PNG_SIZES.length) + FAVICON_SIZES.length + 1 + Object.keys(PROFILE_SIZES).length + Object.keys(HEADER_SIZES).length + 4;
  let step = 0;
  const add = (data: Buffer | string, name: string) => {
    // PNG, PDF and ICO are compressed already: stored, which is faster and no bigger.
    zip.addBuffer(Buffer.isBuffer(data) ? data : Buffer.from(data), `${base}-brand-kit/${name}`, { compress: !/\.(png|pdf|ico)$/.test(name), mtime: new Date() });
    names.push(name);
    onProgress?.(Math.min(1, ++step / steps));
  };

  const done = (async () => {
    for (const [name, svg] of logos) {
      const raster = name === 'primary' ? input.logoRaster : undefined;
      if (!raster) add(svg, `logos/svg/${base}-${name}.svg`);
      for (const size of raster ? rasterPngSizes(raster) : LOGO_PNG_SIZES) add(await logoPng(svg, size), `logos/png/${base}-${name}-${size}.png`);
    }
    const favicons = new Map<number, Buffer>();
    for (const size of FAVICON_SIZES) {
      const png = size >= 180 ? await profilePicture(icon, size, colours.background) : await logoPng(icon, size);
      favicons.set(size, png);
      add(png, `favicons/${size === 180 ? 'apple-touch-icon-180' : `favicon-${size}`}.png`);
    }
    const ico48 = await logoPng(icon, 48);
    add(
      icoFromPngs([
        { size: 16, png: favicons.get(16)! },
        { size: 32, png: favicons.get(32)! },
        { size: 48, png: ico48 },
      ]),
      'favicons/favicon.ico',
    );
    for (const [network, [w]] of Object.entries(PROFILE_SIZES)) add(await profilePicture(icon, w, colours.background), `social/profile/${network}-${w}x${w}.png`);
    for (const [network, [w, h]] of Object.entries(HEADER_SIZES)) add(await headerImage(input.logoSvg, w, h, colours), `social/header/${network}-${w}x${h}.png`);
    add(paletteCss(input.brand), 'palette/palette.css');
    add(paletteJson(input.brand), 'palette/palette.json');
    if (input.guidePdf) add(Buffer.from(input.guidePdf), `${base}-brand-guide.pdf`);
    add(
      [
        `${input.brand.name}: brand kit`,
        '',
        ...(input.logoRaster
          ? [
              'logos/svg      the other generated logos as vectors: use these wherever SVG is accepted',
              `logos/png      your uploaded logo up to its own size (${input.logoRaster.width}×${input.logoRaster.height} px), the others at 256-2048 px`,
            ]
          : ['logos/svg      the logos as vectors: use these wherever SVG is accepted', 'logos/png      the same at 256-2048 px, transparent background']),
        'favicons       16, 32 px and favicon.ico for browsers, 180 px for iOS, 512 px for web app manifests',
        'social         profile pictures and header images sized for each network',
        'palette        the colours as CSS variables and JSON (HEX, RGB, CMYK)',
        '',
      ].join('\n'),
      'README.txt',
    );
    zip.end();
    onProgress?.(1);
    return names;
  })();
  done.catch((err: Error) => stream.emit('error', err));
  return { stream, done };
}
