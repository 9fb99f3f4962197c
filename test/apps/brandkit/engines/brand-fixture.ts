import type { BrandBasics } from '../../../../src/apps/brandkit/engines/brand-input.js';

/** A brand with every palette role, as the wizard saves it. */
export const BRAND: BrandBasics = {
  name: 'Blue Harbor Coffee',
  tagline: 'Roasted by the sea',
  palette: [
    { hex: '#1d4e89', role: 'primary' },
    { hex: '#5b8e7d', role: 'secondary' },
    { hex: '#f4a259', role: 'accent' },
    { hex: '#2b2d42', role: 'neutral' },
    { hex: '#f9f6f0', role: 'background' },
  ],
  fonts: { heading: 'Playfair Display', body: 'Montserrat' },
};

export const PALETTE_HEXES = new Set(BRAND.palette.map((c) => c.hex));
