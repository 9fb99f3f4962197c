import { encodePng, loadProductImage, MAX_PRODUCT_SIDE } from './raster.js';

/**
 * The last resort when no cut-out is plausible: the whole photo as a card with rounded,
 * softly feathered corners and edges. It still composites decently over a scene (a product
 * "print" floating in the ad), where a hard rectangle would look like an error, and it never
 * loses part of the product, which a bad cut-out can.
 */
export async function wholeImageCutout(image: Buffer, maxSide = MAX_PRODUCT_SIDE): Promise<Buffer> {
  const input = await loadProductImage(image, maxSide);
  const { data, width, height } = input;
  const short = Math.min(width, height);
  const radius = Math.max(2, short * 0.06);
  const feather = Math.max(1, short * 0.015);
  // Signed distance to a rounded rectangle inset by the feather, mapped through a smoothstep.
  const halfW = width / 2 - feather;
  const halfH = height / 2 - feather;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const qx = Math.abs(x + 0.5 - width / 2) - (halfW - radius);
      const qy = Math.abs(y + 0.5 - height / 2) - (halfH - radius);
      const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
      const t = Math.min(1, Math.max(0, 0.5 - outside / (2 * feather)));
      const i = (y * width + x) * 4 + 3;
      data[i] = Math.round(data[i] * t * t * (3 - 2 * t));
    }
  }
  return encodePng(input);
}
