export function formatCost(usd: number): string {
  return usd.toLocaleString(undefined, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });
}

export const STYLE_LABELS = { gold_luxe: 'Gold luxe', dark_elegance: 'Dark elegance', romantic_floral: 'Romantic floral' } as const;
