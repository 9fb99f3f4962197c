import type { Product } from './types';

/** A catalog product's photo in a card (the catalog page and the products step), or nothing before one is uploaded. */
export function ProductPhoto({ product, height }: { product: Product; height: number }) {
  if (!product.image_url) return null;
  return (
    <div className="bk-thumb" style={{ height }}>
      <img src={product.image_url} alt={product.name} loading="lazy" />
    </div>
  );
}
