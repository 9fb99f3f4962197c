import sharp from 'sharp';
import type { PlatformContext } from '../../../platform/context.js';
import { rasterLogoSvg } from '../engines/logo/raster-logo-svg.js';
import { readStored } from './brand-artwork.js';

export interface LogoArtwork {
  /** The logo as SVG: a generated logo's own, or an uploaded one's PNG inside one. */
  svg: string;
  /** Set when the logo was uploaded as an image: its size in pixels (no vector to scale up). */
  raster?: { width: number; height: number };
}

/** A stored logo asset, generated (SVG) or uploaded (PNG), as the engines draw with it. */
export async function readLogoArtwork(ctx: PlatformContext, orgId: string, asset: { file_key: string; metadata: Record<string, unknown> }): Promise<LogoArtwork> {
  const bytes = await readStored(ctx, orgId, asset.file_key);
  if (asset.metadata.mime_type === 'image/svg+xml') return { svg: bytes.toString('utf8') };
  // From the image itself: logos imported from NocoDB carry no size in their metadata.
  const { width, height } = await sharp(bytes).metadata();
  if (!width || !height) throw new Error(`stored logo ${asset.file_key} has no readable size`);
  return { svg: rasterLogoSvg(bytes, width, height), raster: { width, height } };
}
