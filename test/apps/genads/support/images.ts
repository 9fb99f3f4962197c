import sharp from 'sharp';
import { bottleShot } from './photos.js';

/** A square logo: a monogram disc on transparency. */
export function logoPng(size = 256): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><circle cx="${size / 2}" cy="${size / 2}" r="${size * 0.45}" fill="#c9a227"/><circle cx="${size / 2}" cy="${size / 2}" r="${size * 0.3}" fill="#111"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A product shot (a perfume bottle on a plain studio backdrop) in the encoding an upload test needs. */
export async function bottlePhoto(options: { width?: number; height?: number; format?: 'png' | 'jpeg' | 'webp'; tint?: string } = {}): Promise<Buffer> {
  return (await bottleShot(options)).photo;
}
