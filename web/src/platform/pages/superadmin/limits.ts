/** Plans and storage limits as the admin API accepts them (src/platform/admin/admin.routes.ts). */
export const PLANS = ['free', 'pro', 'enterprise'] as const;
export const GB = 1024 ** 3;
/** 100 TB: far above any real plan, low enough to catch a typo of a few zeros. */
export const MAX_STORAGE_GB = 100 * 1024;

export function storageLimitError(value: number | string): string | null {
  const n = typeof value === 'number' ? value : Number.NaN;
  if (!Number.isFinite(n)) return 'Enter the limit in GB, e.g. 5';
  if (n < 0) return 'The limit cannot be negative';
  if (n > MAX_STORAGE_GB) return `At most ${MAX_STORAGE_GB.toLocaleString()} GB`;
  return null;
}
