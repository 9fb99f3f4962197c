/**
 * The image sizes each network asks for (their help pages, late 2026): square profile
 * pictures and wide header/cover images. The kit renders every one; change a size here.
 *
 * Interface: `PROFILE_SIZES`, `HEADER_SIZES` (network → [width, height]).
 */

export const PROFILE_SIZES: Record<string, [number, number]> = {
  instagram: [320, 320],
  facebook: [720, 720],
  x: [400, 400],
  linkedin: [400, 400],
  tiktok: [200, 200],
  youtube: [800, 800],
};

export const HEADER_SIZES: Record<string, [number, number]> = {
  facebook: [1640, 624],
  x: [1500, 500],
  linkedin: [1584, 396],
  youtube: [2560, 1440],
};

export const FAVICON_SIZES = [16, 32, 180, 512] as const;
export const LOGO_PNG_SIZES = [256, 512, 1024, 2048] as const;
