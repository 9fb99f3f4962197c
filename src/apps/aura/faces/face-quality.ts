import sharp from 'sharp';

/** Below this many pixels on its short side a face's embedding is unreliable (the net reads 150 px crops). */
const GOOD_FACE_PX = 112;
/** Laplacian standard deviation (0-255 grey) at or above which a 96 px face crop counts as sharp. */
const SHARP_LAPLACIAN_STDEV = 24;

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

/** Variance of the Laplacian, the usual cheap blur measure, on the face scaled to 96 px. */
async function laplacianSharpness(rgb: { data: Buffer; width: number; height: number }, box: { x: number; y: number; width: number; height: number }): Promise<number> {
  const left = Math.max(0, Math.floor(box.x));
  const top = Math.max(0, Math.floor(box.y));
  const width = Math.min(rgb.width - left, Math.ceil(box.width));
  const height = Math.min(rgb.height - top, Math.ceil(box.height));
  if (width < 3 || height < 3) return 0;
  const stats = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .extract({ left, top, width, height })
    .greyscale()
    .resize(96, 96, { fit: 'fill' })
    // Offset 128 keeps negative responses: the spread around it is the Laplacian's deviation.
    .convolve({ width: 3, height: 3, kernel: [0, 1, 0, 1, -4, 1, 0, 1, 0], scale: 1, offset: 128 })
    .stats();
  return Math.min(1, stats.channels[0]!.stdev / SHARP_LAPLACIAN_STDEV);
}

const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);
