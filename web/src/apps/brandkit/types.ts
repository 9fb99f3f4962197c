/**
 * Brandkit answers, named from the generated client (src/api/schema.d.ts): the routes declare
 * their response schemas, so nothing here is written by hand.
 */
import type { Answer } from '../../api/types';

export type Brand = Answer<'/brandkit/api/brands/{brandId}', 'get'>;
export type BrandSummary = Answer<'/brandkit/api/brands', 'get'>['items'][number];
export type WizardStep = Brand['current_step'];
export type StepState = Brand['steps'][number];
export type Social = Answer<'/brandkit/api/socials', 'get'>['items'][number];
export type Palette = Answer<'/brandkit/api/identity/palette', 'post'>;
export type PaletteColor = Brand['color_palette'][number];
export type Pairing = Answer<'/brandkit/api/fonts', 'get'>['items'][number];
export type Archetype = Answer<'/brandkit/api/archetypes', 'get'>['items'][number];
export type ArchetypeSuggestion = Answer<'/brandkit/api/identity/archetype', 'post'>;
export type Asset = Answer<'/brandkit/api/brands/{brandId}/assets', 'get'>['items'][number];
export type Product = Answer<'/brandkit/api/products', 'get'>['items'][number];
export type Selection = Answer<'/brandkit/api/brands/{brandId}/products', 'get'>['items'][number];
export type Mockup = Answer<'/brandkit/api/brands/{brandId}/mockups', 'get'>['items'][number];
export type Job = Answer<'/api/v1/jobs/{id}', 'get'>;
export type Profile = Answer<'/brandkit/api/profile', 'get'>;

/** The wizard's steps in the API's order, with the words the stepper shows. */
export const STEP_LABELS: Record<WizardStep, string> = {
  social: 'Social',
  identity: 'Identity',
  palette: 'Palette',
  fonts: 'Fonts',
  logo: 'Logo',
  products: 'Products',
  mockups: 'Mockups',
  review: 'Review',
};
export const STEPS = Object.keys(STEP_LABELS) as WizardStep[];
