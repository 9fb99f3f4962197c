import sharp from 'sharp';
import type { ProductImage } from '../image-engine.js';

/**
 * Product photos and their masks drawn by code: a bottle, a jar, a box in perspective and a
 * tilted pouch, with shading a real photo would have (cylindrical highlights, a darker side
 * face). Tests and the benchmark use them, and the app can seed its catalog with them on a
 * machine with no product photography; each mask is white exactly where the label prints.
 *
 * Interface: `SAMPLE_PRODUCTS` (names), `sampleProduct(name, size)` → ProductImage & { sku }.
 */

export const SAMPLE_PRODUCTS = ['bottle', 'jar', 'box', 'pouch'] as const;
export type SampleProduct = (typeof SAMPLE_PRODUCTS)[number];

interface Drawing {
  name: string;
  category: string;
  surface: 'flat' | 'cylinder';
  /** SVG elements in a 1000 × 1000 box. */
  art: string;
  /** The printable area, drawn white on black. */
  printable: string;
}

const CYLINDER = `<linearGradient id="cyl" x1="0" x2="1" y1="0" y2="0"><stop offset="0" stop-color="#6d6d6d"/><stop offset="0.3" stop-color="#f4f4f4"/><stop offset="0.42" stop-color="#ffffff"/><stop offset="0.75" stop-color="#b9b9b9"/><stop offset="1" stop-color="#5a5a5a"/></linearGradient>`;
const BACKDROP = `<radialGradient id="bg" cx="0.5" cy="0.4" r="0.8"><stop offset="0" stop-color="#f2efe9"/><stop offset="1" stop-color="#cfc9bf"/></radialGradient><rect width="1000" height="1000" fill="url(#bg)"/><ellipse cx="500" cy="915" rx="300" ry="35" fill="#000" opacity="0.18"/>`;

const DRAWINGS: Record<SampleProduct, Drawing> = {
  bottle: {
    name: 'Glass bottle 500 ml',
    category: 'bottles',
    surface: 'cylinder',
    art: `<defs>${CYLINDER}</defs>${BACKDROP}<rect x="445" y="90" width="110" height="70" rx="10" fill="#333"/><path d="M455 160H545V250Q670 280 670 360V880Q670 910 640 910H360Q330 910 330 880V360Q330 280 455 250Z" fill="url(#cyl)"/>`,
    printable: `<rect x="338" y="470" width="324" height="300"/>`,
  },
  jar: {
    name: 'Cosmetic jar 250 ml',
    category: 'jars',
    surface: 'cylinder',
    art: `<defs>${CYLINDER}</defs>${BACKDROP}<rect x="270" y="300" width="460" height="90" rx="14" fill="#2f2f2f"/><rect x="250" y="385" width="500" height="525" rx="40" fill="url(#cyl)"/>`,
    printable: `<rect x="258" y="500" width="484" height="300"/>`,
  },
  box: {
    name: 'Gift box',
    category: 'boxes',
    surface: 'flat',
    art: `${BACKDROP}<path d="M300 330L640 380L800 300L470 260Z" fill="#fbfbfb"/><path d="M640 380L800 300V780L640 880Z" fill="#a9a9a9"/><path d="M300 330L640 380V880L300 850Z" fill="#e6e6e6"/>`,
    printable: `<path d="M320 360L620 404V850L320 825Z"/>`,
  },
  pouch: {
    name: 'Stand-up pouch',
    category: 'pouches',
    surface: 'flat',
    art: `${BACKDROP}<g transform="rotate(-6 500 520)"><path d="M300 150H700L715 880Q500 920 285 880Z" fill="#dcdcdc"/><rect x="300" y="150" width="400" height="40" fill="#bdbdbd"/><path d="M300 190H420L400 880H290Z" fill="#fff" opacity="0.35"/></g>`,
    printable: `<g transform="rotate(-6 500 520)"><rect x="330" y="300" width="340" height="440"/></g>`,
  },
};

export async function sampleProduct(product: SampleProduct, size = 1024): Promise<ProductImage & { sku: string; surface: 'flat' | 'cylinder' }> {
  const d = DRAWINGS[product];
  const svg = (body: string) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1000 1000" width="${size}" height="${size}">${body}</svg>`);
  const [image, mask] = await Promise.all([
    sharp(svg(d.art)).flatten({ background: '#ffffff' }).png({ compressionLevel: 3 }).toBuffer(),
    sharp(svg(`<rect width="1000" height="1000" fill="#000"/><g fill="#fff">${d.printable}</g>`)).greyscale().png({ compressionLevel: 3 }).toBuffer(),
  ]);
  return { name: d.name, category: d.category, surface: d.surface, sku: `SAMPLE-${product.toUpperCase()}`, image, mask };
}
