import { z } from 'zod';

export const productView = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  description: z.string().nullable(),
  is_active: z.boolean(),
  has_image: z.boolean(),
  has_mask: z.boolean(),
  image_url: z.string().nullable().describe('signed URL of the catalog photo, valid 1 hour'),
  mask_url: z.string().nullable().describe('signed URL of the mask (superadmins only)'),
  image_meta: z.record(z.string(), z.unknown()),
  created_at: z.date(),
  updated_at: z.date(),
});

export const selectionView = z.object({
  id: z.string(),
  brand_id: z.string(),
  product_id: z.string(),
  quantity: z.number().int(),
  notes: z.string().nullable(),
  selected_at: z.date(),
  product: z.object({ sku: z.string(), name: z.string(), category: z.string(), is_active: z.boolean() }),
});
