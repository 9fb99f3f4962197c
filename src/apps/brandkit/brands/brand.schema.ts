import { z } from 'zod';
import { ARCHETYPES } from '../identity/archetypes.js';
import { HEX_COLOR } from '../identity/color.js';
import { paletteProblems } from '../identity/palette.js';
import { BRAND_STATUSES, PALETTE_ROLES } from '../schema.js';
import { WIZARD_STEPS } from './wizard-steps.js';

/** The logo layouts the generator draws. */
export const LOGO_STYLES = ['wordmark', 'monogram', 'icon-wordmark', 'stacked', 'badge'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * Each step's body: every field optional (a step saves what the user has so far), each field
 * checked when present. Unknown fields are refused, so a typo is not silently ignored.
 */
export const stepBodies = {
  social: z.strictObject({}).default({}),
  identity: z.strictObject({
    name: text(120).optional(),
    description: z.string().trim().max(4000).nullable().optional(),
    vision: z.string().trim().max(4000).nullable().optional(),
    brand_values: z.array(text(40)).max(10).optional(),
    target_audience: z.string().trim().max(2000).nullable().optional(),
    brand_archetype: z.enum(ARCHETYPES, { error: `not one of the twelve archetypes (${ARCHETYPES.join(', ')}); POST /brandkit/api/identity/archetype suggests one` }).nullable().optional(),
  }).default({}),
  palette: z.strictObject({
    color_palette: z
      .array(z.object({ hex: z.string().max(20), role: z.string().max(20) }))
      .max(12)
      .superRefine((colors, check) => {
        for (const problem of paletteProblems(colors)) check.addIssue({ code: 'custom', message: problem });
      }),
  }),
  fonts: z.strictObject({ pairing: z.string().max(60) }),
  logo: z.strictObject({ logo_style: z.enum(LOGO_STYLES) }),
  products: z.strictObject({}).default({}),
  mockups: z.strictObject({ label_design: z.string().trim().max(2000).nullable().optional() }).default({}),
  review: z.strictObject({}).default({}),
} as const;

/** What each step's route says about its body and when the step is complete, in the OpenAPI description. */
export const STEP_BODY_NOTES: Record<(typeof WIZARD_STEPS)[number], string> = {
  social: 'No fields: social profiles are saved at /socials. Optional step.',
  identity: 'Complete with a name, brand_values, target_audience and brand_archetype.',
  palette: 'color_palette: [{hex "#rrggbb", role primary|secondary|accent|neutral|background}], each role once, one primary.',
  fonts: 'pairing: an id from GET /brandkit/api/fonts.',
  logo: 'Complete with logo_style and a primary logo asset.',
  products: 'No fields: complete once a product is selected (POST /brands/{brandId}/products).',
  mockups: 'Complete with label_design and an approved mockup.',
  review: 'No fields. Optional step.',
};

const paletteColor = z.object({ hex: z.string().regex(HEX_COLOR), role: z.enum(PALETTE_ROLES) });

export const stepState = z.object({
  step: z.enum(WIZARD_STEPS),
  number: z.number().int(),
  required: z.boolean(),
  complete: z.boolean(),
  missing: z.array(z.string()),
});

export const brandView = z.object({
  id: z.string(),
  user_id: z.string(),
  status: z.enum(BRAND_STATUSES),
  name: z.string().nullable(),
  description: z.string().nullable(),
  vision: z.string().nullable(),
  color_palette: z.array(paletteColor),
  fonts: z.object({ pairing: z.string().optional(), heading: z.string().optional(), body: z.string().optional(), heading_weight: z.number().optional(), body_weight: z.number().optional() }),
  logo_style: z.string().nullable().describe('a layout the generator draws, or a legacy (imported) style name'),
  brand_archetype: z.enum(ARCHETYPES).nullable(),
  brand_values: z.array(z.string()),
  target_audience: z.string().nullable(),
  label_design: z.string().nullable(),
  step_url: z.string().describe('where the wizard resumes (the web app\'s address of the current step)'),
  wizard_step: z.number().int().describe('the current step, 1-based'),
  current_step: z.enum(WIZARD_STEPS),
  steps: z.array(stepState),
  submitted_at: z.date().nullable(),
  created_at: z.date(),
  updated_at: z.date(),
});

export const brandSummary = brandView.pick({ id: true, status: true, name: true, step_url: true, wizard_step: true, current_step: true, created_at: true, updated_at: true });
