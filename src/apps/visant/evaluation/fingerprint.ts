import sharp from 'sharp';
import { PIXEL_LIMITS } from '../../../platform/parsing/pixel-limits.js';

export const FINGERPRINT_SIZE = 64;

/**
 * A 64x64 grayscale rendering of an image (EXIF orientation applied, aspect ignored),
 * normalised for brightness so a cloud passing over does not read as a change.
 */
export async function fingerprint(image: Buffer, limitInputPixels: number = PIXEL_LIMITS.cameraFrame): Promise<Buffer> {
  return sharp(image, { limitInputPixels })
    .rotate()
    .resize(FINGERPRINT_SIZE, FINGERPRINT_SIZE, { fit: 'fill', kernel: 'cubic' })
    .grayscale()
    .normalise()
    .raw()
    .toBuffer();
}

/** Mean structural similarity (SSIM) over 8x8 windows; 1 means identical structure. */
export function ssim(a: Buffer, b: Buffer, size = FINGERPRINT_SIZE): number {
  return mean(ssimMap(a, b, size).map((w) => w.value));
}

export interface WindowScore {
  row: number;
  col: number;
  value: number;
}

const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

export function ssimMap(a: Buffer, b: Buffer, size = FINGERPRINT_SIZE, win = 8): WindowScore[] {
  if (a.length !== size * size || b.length !== size * size) throw new Error('fingerprints must be size x size grayscale');
  const out: WindowScore[] = [];
  for (let wy = 0; wy < size; wy += win) {
    for (let wx = 0; wx < size; wx += win) {
      let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
      for (let y = wy; y < wy + win; y++) {
        for (let x = wx; x < wx + win; x++) {
          const va = a[y * size + x]!;
          const vb = b[y * size + x]!;
          sa += va; sb += vb; saa += va * va; sbb += vb * vb; sab += va * vb;
        }
      }
      const n = win * win;
      const ma = sa / n, mb = sb / n;
      const va = saa / n - ma * ma, vb = sbb / n - mb * mb, cov = sab / n - ma * mb;
      const value = ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
      out.push({ row: wy / win, col: wx / win, value });
    }
  }
  return out;
}

function mean(xs: number[]) {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}
