import sharp from 'sharp';

/** Below this many pixels on its short side a face's embedding is unreliable (the net reads 150 px crops). */
const GOOD_FACE_PX = 112;
/**
 * Laplacian standard deviation (0-255 grey) at or above which a 96 px face crop counts as
 * sharp. Measured on the faces of face-api's sample photos (2026-12-02): 6-18 as they are,
 * about half that after a Gaussian blur of sigma 3 on the 1920 px photo, 2-3 after sigma 6.
 * At 10 a clear face counts as sharp, a visibly soft one about half, a smeared one a quarter.
 */
const SHARP_LAPLACIAN_STDEV = 10;

/**
 * Quality of a detected face, 0-1: the detector's score × how big the face is × how sharp.
 * Size and sharpness are what make a face's embedding trustworthy; the product keeps a small
 * or blurred face findable but ranks it below a clear one.
 */
export async function faceQuality(rgb: { data: Buffer; width: number; height: number }, box: { x: number; y: number; width: number; height: number }, score: number): Promise<number> {
  const size = Math.min(1, Math.min(box.width, box.height) / GOOD_FACE_PX);
  const sharpness = await laplacianSharpness(rgb, box);
  return clamp01(score * size * sharpness);
}

/**
 * Variance of the Laplacian, the usual cheap blur measure, on the face scaled to 96 px grey.
 * sharp's `stats()` reads its input, not the pipeline's output, so the filtered face is
 * rendered to raw bytes and measured here. Only the face's pixels are handed to sharp: given
 * the whole photo, it copied all of it into libvips for every face.
 */
async function laplacianSharpness(rgb: { data: Buffer; width: number; height: number }, box: { x: number; y: number; width: number; height: number }): Promise<number> {
  const left = Math.max(0, Math.floor(box.x));
  const top = Math.max(0, Math.floor(box.y));
  const width = Math.min(rgb.width - left, Math.ceil(box.width));
  const height = Math.min(rgb.height - top, Math.ceil(box.height));
  if (width < 3 || height < 3) return 0;
  const laplacian = await sharp(cropRgb(rgb, left, top, width, height), { raw: { width, height, channels: 3 } })
    .greyscale()
    .resize(96, 96, { fit: 'fill' })
    // Offset 128 keeps negative responses: the spread around it is the Laplacian's deviation.
    .convolve({ width: 3, height: 3, kernel: [0, 1, 0, 1, -4, 1, 0, 1, 0], scale: 1, offset: 128 })
    .extractChannel(0)
    .raw()
    .toBuffer();
  return Math.min(1, standardDeviation(laplacian) / SHARP_LAPLACIAN_STDEV);
}

function standardDeviation(values: Uint8Array): number {
  let sum = 0;
  let squares = 0;
  for (const v of values) {
    sum += v;
    squares += v * v;
  }
  const mean = sum / values.length;
  return Math.sqrt(Math.max(0, squares / values.length - mean * mean));
}

/** The rectangle's rows of a raw RGB image, as a raw RGB image of its own. */
export function cropRgb(rgb: { data: Buffer; width: number }, left: number, top: number, width: number, height: number): Buffer {
  const rowBytes = width * 3;
  const out = Buffer.allocUnsafe(rowBytes * height);
  for (let row = 0; row < height; row++) {
    const start = ((top + row) * rgb.width + left) * 3;
    rgb.data.copy(out, row * rowBytes, start, start + rowBytes);
  }
  return out;
}

const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);
