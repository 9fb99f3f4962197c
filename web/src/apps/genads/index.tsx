import type { WebApp } from '../types';
import { GenAdsLayout } from './GenAdsLayout';
import { OnboardingPage } from './OnboardingPage';
import { BrandPage } from './BrandPage';
import { DashboardPage } from './DashboardPage';
import { AddPerfumePage } from './AddPerfumePage';
import { PerfumePage } from './PerfumePage';
import { CreateCampaignPage } from './CreateCampaignPage';
import { ProgressPage } from './ProgressPage';
import { SelectPage } from './SelectPage';
import { ResultsPage } from './ResultsPage';

/**
 * GenAds' pages: the seed's routes under /genads (its /dashboard, /onboarding, /perfumes and
 * /campaigns would sit beside the platform's own pages), inside GenAdsLayout: the app's look
 * and the onboarding guard.
 */
export const genadsWeb: WebApp = {
  name: 'genads',
  title: 'GenAds',
  tagline: 'Luxury perfume video ads, generated from your brand guidelines and product photos.',
  nav: [{ to: '/genads', label: 'Perfumes' }],
  routes: [
    {
      element: <GenAdsLayout />,
      children: [
        { path: '/genads', element: <DashboardPage /> },
        { path: '/genads/onboarding', element: <OnboardingPage /> },
        { path: '/genads/brand', element: <BrandPage /> },
        { path: '/genads/perfumes/add', element: <AddPerfumePage /> },
        { path: '/genads/perfumes/:perfumeId', element: <PerfumePage /> },
        { path: '/genads/perfumes/:perfumeId/campaigns/create', element: <CreateCampaignPage /> },
        { path: '/genads/campaigns/:campaignId/progress', element: <ProgressPage /> },
        { path: '/genads/campaigns/:campaignId/select', element: <SelectPage /> },
        { path: '/genads/campaigns/:campaignId/results', element: <ResultsPage /> },
      ],
    },
  ],
};
