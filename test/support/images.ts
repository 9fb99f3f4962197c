import sharp from 'sharp';

/**
 * Synthetic camera frames for tests: a fixed "scene" (gradient background with a few
 * shapes), optionally with an intruder (a dark block) or a lighting change.
 */
export async function sceneJpeg(options: {
  intruder?: { x: number; y: number; w: number; h: number };
  brightness?: number;
  width?: number;
  height?: number;
  /** Sensor noise: each seed gives another frame of the same scene (amount: ± grey levels, default 24). */
  noise?: { seed: number; amount?: number };
} = {}): Promise<Buffer> {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const shapes = [
    `<rect x="${width * 0.1}" y="${height * 0.55}" width="${width * 0.25}" height="${height * 0.35}" fill="#8a5a2b"/>`,
    `<rect x="${width * 0.6}" y="${height * 0.2}" width="${width * 0.3}" height="${height * 0.15}" fill="#dddddd"/>`,
    `<circle cx="${width * 0.5}" cy="${height * 0.75}" r="${height * 0.08}" fill="#335577"/>`,
    `<line x1="0" y1="${height * 0.5}" x2="${width}" y2="${height * 0.5}" stroke="#444" stroke-width="6"/>`,
  ];
  if (options.intruder) {
    const i = options.intruder;
    shapes.push(`<rect x="${i.x * width}" y="${i.y * height}" width="${i.w * width}" height="${i.h * height}" fill="#111111"/>`);
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#c9d6df"/><stop offset="1" stop-color="#52616b"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${shapes.join('')}</svg>`;
  let img = sharp(Buffer.from(svg));
  if (options.brightness) img = img.modulate({ brightness: options.brightness });
  if (options.noise) {
    const { data, info } = await img.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const random = mulberry32(options.noise.seed);
    const amount = options.noise.amount ?? 24;
    for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, data[i]! + Math.round((random() * 2 - 1) * amount)));
    img = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  }
  return img.jpeg({ quality: 85 }).toBuffer();
}

/** A small seeded PRNG, so a test's noisy frames are the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
