/**
 * A logo the user uploaded (stored as PNG) as an SVG document, so the engines that place a
 * logo (labels on mockups, the kit's PNGs and favicons, the guide) take it exactly as they
 * take a generated one: they read the viewBox for its proportions and rasterise it at the
 * size they need. Only its pixels are what they are: it is not a vector, so it is not
 * recoloured and the kit ships it as PNG only.
 */
export function rasterLogoSvg(png: Buffer, width: number, height: number): string {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) throw new RangeError(`logo size ${width}×${height} is not a positive whole size`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<image width="${width}" height="${height}" href="data:image/png;base64,${png.toString('base64')}"/></svg>`
  );
}
