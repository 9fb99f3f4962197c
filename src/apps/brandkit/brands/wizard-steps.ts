import type { BrandFonts, PaletteColor } from '../schema.js';
import { paletteProblems } from '../identity/palette.js';

/**
 * The wizard's steps in order (the seed's lifecycle after sign-up). Each step says which of
 * its fields are still missing; a required step with nothing missing is complete. The brand
 * is submitted only when every required step is complete. step_url is the web app's address
 * of a step, so a wizard opened on another device resumes exactly there.
 */
export const WIZARD_STEPS = ['social', 'identity', 'palette', 'fonts', 'logo', 'products', 'mockups', 'review'] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];
export const REQUIRED_STEPS: readonly WizardStep[] = ['identity', 'palette', 'fonts', 'logo', 'products', 'mockups'];

/** 1-based, as the seed's wizard_step. */
export const stepNumber = (step: WizardStep) => WIZARD_STEPS.indexOf(step) + 1;
export const stepAt = (n: number): WizardStep => WIZARD_STEPS[Math.min(Math.max(n, 1), WIZARD_STEPS.length) - 1];
export const stepUrl = (brandId: string, step: WizardStep) => `/brandkit/brands/${brandId}/wizard/${step}`;

export interface BrandState {
  name: string | null;
  brand_values: string[];
  target_audience: string | null;
  brand_archetype: string | null;
  color_palette: PaletteColor[];
  fonts: BrandFonts;
  logo_style: string | null;
  label_design: string | null;
  /** Counts of related rows the steps need. */
  primaryLogos: number;
  selectedProducts: number;
  approvedMockups: number;
}

/** What a step still lacks, in words the wizard can show next to it. */
export function missingFor(step: WizardStep, b: BrandState): string[] {
  const missing: string[] = [];
  switch (step) {
    case 'identity':
      if (!b.name) missing.push('name');
      if (!b.brand_values.length) missing.push('brand_values');
      if (!b.target_audience) missing.push('target_audience');
      if (!b.brand_archetype) missing.push('brand_archetype');
      break;
    case 'palette':
      if (!b.color_palette.length) missing.push('color_palette');
      else if (paletteProblems(b.color_palette).length) missing.push('color_palette (fix: it has problems)');
      break;
    case 'fonts':
      if (!b.fonts.heading || !b.fonts.body) missing.push('fonts');
      break;
    case 'logo':
      if (!b.logo_style) missing.push('logo_style');
      if (!b.primaryLogos) missing.push('a chosen (primary) logo');
      break;
    case 'products':
      if (!b.selectedProducts) missing.push('at least one selected product');
      break;
    case 'mockups':
      if (!b.label_design) missing.push('label_design');
      if (!b.approvedMockups) missing.push('at least one approved mockup');
      break;
    default:
      break;
  }
  return missing;
}

export function stepStates(b: BrandState) {
  return WIZARD_STEPS.map((step) => {
    const missing = missingFor(step, b);
    return { step, number: stepNumber(step), required: REQUIRED_STEPS.includes(step), complete: missing.length === 0, missing };
  });
}
