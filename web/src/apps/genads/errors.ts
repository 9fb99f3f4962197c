import { ApiError } from '../../platform/api';

/** Errors the API answers without naming a field, and the field they are about. */
const FIELD_OF_CODE: Record<string, string> = {
  BRAND_NAME_TAKEN: 'brand_name',
  PERFUME_NAME_TAKEN: 'perfume_name',
  CAMPAIGN_NAME_TAKEN: 'campaign_name',
  MISSING_FRONT_IMAGE: 'front_image',
};

function fieldOf(error: ApiError): string | undefined {
  // Validation errors list their issues; file errors name their field in an object.
  const details: unknown = error.details;
  if (Array.isArray(details)) return undefined;
  if (details && typeof details === 'object' && 'field' in details && typeof details.field === 'string') return details.field;
  return FIELD_OF_CODE[error.code];
}

/** The API's message for `field`, to show next to it. */
export function apiFieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  if (Array.isArray(error.details)) return error.details.find((d) => d.path === field)?.message;
  return fieldOf(error) === field ? error.message : undefined;
}

/** The error when it belongs to none of `fields` (then it is shown above the buttons). */
export function formLevelError(error: unknown, fields: string[]): unknown {
  if (!error) return null;
  return fields.some((f) => apiFieldError(error, f)) ? null : error;
}
