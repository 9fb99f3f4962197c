import { Navigate, useParams } from 'react-router';
import type { WebApp } from '../types';
import { BrandkitLayout } from './BrandkitLayout';
import { BrandsPage } from './BrandsPage';
import { CatalogPage } from './CatalogPage';
import { WizardPage } from './WizardPage';

/** /brandkit/brands/:brandId resumes the wizard where it stands (the page reads step_url). */
function BrandRedirect() {
  const { brandId = '' } = useParams();
  return <Navigate to={`/brandkit/brands/${brandId}/wizard/resume`} replace />;
}

/** Brandkit's pages: the user's brands, the brand-creation wizard (one page per step) and, for the superadmin, the product catalog. */
export const brandkitWeb: WebApp = {
  name: 'brandkit',
  title: 'Brandkit',
  tagline: 'From your social profile to a logo, palette, fonts, product mockups and a brand kit, step by step.',
  nav: [{ to: '/brandkit', label: 'Brands' }],
  routes: [
    {
      element: <BrandkitLayout />,
      children: [
        { path: '/brandkit', element: <BrandsPage /> },
        { path: '/brandkit/catalog', element: <CatalogPage /> },
        { path: '/brandkit/brands/:brandId', element: <BrandRedirect /> },
        { path: '/brandkit/brands/:brandId/wizard/:step', element: <WizardPage /> },
      ],
    },
  ],
};
