import sharp from 'sharp';

/**
 * Synthetic product shots made with sharp: a gold perfume bottle (shaded glass body, rounded
 * shoulders, label, dark cap) on a studio backdrop, either plain light grey or a vertical
 * gradient (light at the top, darker warm beige at the bottom, as a sweep lit from above).
 * Returns the photo and the bottle's exact bounding box, to check the cut-out against.
 */
export interface BottleShot {
  photo: Buffer;
  width: number;
  height: number;
  /** The bottle (cap included) in photo pixels. */
  box: { left: number; top: number; width: number; height: number };
  /** A point certainly inside the bottle body, and one certainly on the backdrop. */
  inside: { x: number; y: number };
  outside: { x: number; y: number };
}

export interface BottleShotOptions {
  backdrop?: 'plain' | 'gradient';
  width?: number;
  height?: number;
  format?: 'png' | 'jpeg' | 'webp';
  /** Tints the whole photo, for tests that need two different photos of the same bottle. */
  tint?: string;
}

export async function bottleShot(options: BottleShotOptions = {}): Promise<BottleShot> {
  const w = options.width ?? 600;
  const h = options.height ?? 800;
  const body = { x: Math.round(w * 0.33), y: Math.round(h * 0.36), w: Math.round(w * 0.34), h: Math.round(h * 0.48) };
  const cap = { x: Math.round(w * 0.42), y: Math.round(h * 0.2), w: Math.round(w * 0.16), h: Math.round(h * 0.17) };
  const backdrop =
    options.backdrop === 'gradient'
      ? '<linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f4f1ec"/><stop offset="1" stop-color="#cbbfae"/></linearGradient>'
      : '<linearGradient id="bg"><stop offset="0" stop-color="#ece8e1"/><stop offset="1" stop-color="#ece8e1"/></linearGradient>';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <defs>${backdrop}
      <linearGradient id="glass" x1="0" y1="0" x2="1" y2="0">
        <stop offset="0" stop-color="#8a6a1c"/><stop offset="0.35" stop-color="#e0b84a"/><stop offset="0.55" stop-color="#f2d67c"/><stop offset="1" stop-color="#9c7a22"/>
      </linearGradient>
    </defs>
    <rect width="100%" height="100%" fill="url(#bg)"/>
    <rect x="${body.x}" y="${body.y}" width="${body.w}" height="${body.h}" rx="${Math.round(w * 0.05)}" fill="url(#glass)"/>
    <rect x="${body.x + Math.round(body.w * 0.18)}" y="${body.y + Math.round(body.h * 0.38)}" width="${Math.round(body.w * 0.64)}" height="${Math.round(body.h * 0.2)}" fill="#f7ecd0"/>
    <rect x="${cap.x}" y="${cap.y}" width="${cap.w}" height="${cap.h}" rx="${Math.round(w * 0.015)}" fill="#1c1a17"/>
  </svg>`;
  let img = sharp(Buffer.from(svg));
  if (options.tint) img = img.tint(options.tint);
  const photo = await (options.format === 'jpeg' ? img.jpeg({ quality: 88 }) : options.format === 'webp' ? img.webp() : img.png()).toBuffer();
  return {
    photo,
    width: w,
    height: h,
    box: { left: body.x, top: cap.y, width: body.w, height: body.y + body.h - cap.y },
    inside: { x: body.x + Math.round(body.w / 2), y: body.y + Math.round(body.h * 0.8) },
    outside: { x: Math.round(w * 0.1), y: Math.round(h * 0.5) },
  };
}

export interface DecodedCutout {
  width: number;
  height: number;
  channels: number;
  hasAlpha: boolean;
  data: Buffer;
  alphaAt(x: number, y: number): number;
  rgbAt(x: number, y: number): [number, number, number];
}

export async function decodeCutout(png: Buffer): Promise<DecodedCutout> {
  const meta = await sharp(png).metadata();
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => (y * info.width + x) * 4;
  return {
    width: info.width,
    height: info.height,
    channels: meta.channels ?? 0,
    hasAlpha: meta.hasAlpha ?? false,
    data,
    alphaAt: (x, y) => data[at(x, y) + 3],
    rgbAt: (x, y) => [data[at(x, y)], data[at(x, y) + 1], data[at(x, y) + 2]],
  };
}
