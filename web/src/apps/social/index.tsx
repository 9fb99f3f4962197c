import type { WebApp } from '../types';
import { SocialLayout } from './SocialLayout';
import { PostsPage } from './PostsPage';
import { ComposerPage } from './ComposerPage';
import { PostPage } from './PostPage';
import { CalendarPage } from './CalendarPage';
import { ApprovalsPage } from './ApprovalsPage';
import { CampaignsPage } from './CampaignsPage';
import { CampaignPage } from './CampaignPage';
import { MediaPage } from './MediaPage';
import { AccountAnalyticsPage } from './AccountAnalyticsPage';
import { AccountsPage } from './AccountsPage';
import { ConnectCallbackPage } from './ConnectCallbackPage';
import { ActivityPage } from './ActivityPage';
import { TeamPage } from './TeamPage';
import { SettingsPage } from './SettingsPage';
import { AnalyticsPage } from './AnalyticsPage';
import { AbTestsPage } from './AbTestsPage';
import { AbTestPage } from './AbTestPage';

/**
 * Social Media OS (seed 003): posts, the composer, the calendar, approvals, campaigns, the
 * media library, analytics, A/B tests, connected accounts, the activity log and the
 * workspace's settings, under /social.
 */
export const socialWeb: WebApp = {
  name: 'social',
  title: 'Social',
  tagline: 'Plan, approve and publish posts to X, LinkedIn, Facebook, Instagram, Bluesky and Mastodon.',
  nav: [
    { to: '/social', label: 'Posts' },
    { to: '/social/compose', label: 'Compose' },
    { to: '/social/calendar', label: 'Calendar' },
    { to: '/social/approvals', label: 'Approvals' },
    { to: '/social/campaigns', label: 'Campaigns' },
    { to: '/social/media', label: 'Media' },
    { to: '/social/analytics', label: 'Analytics' },
    { to: '/social/ab-tests', label: 'A/B tests' },
    { to: '/social/accounts', label: 'Accounts' },
    { to: '/social/activity', label: 'Activity' },
    { to: '/social/team', label: 'Team' },
    { to: '/social/settings', label: 'Settings' },
  ],
  routes: [
    {
      element: <SocialLayout />,
      children: [
        { path: '/social', element: <PostsPage /> },
        { path: '/social/compose', element: <ComposerPage /> },
        { path: '/social/posts/:postId', element: <PostPage /> },
        { path: '/social/posts/:postId/edit', element: <ComposerPage /> },
        { path: '/social/calendar', element: <CalendarPage /> },
        { path: '/social/approvals', element: <ApprovalsPage /> },
        { path: '/social/campaigns', element: <CampaignsPage /> },
        { path: '/social/campaigns/:campaignId', element: <CampaignPage /> },
        { path: '/social/media', element: <MediaPage /> },
        { path: '/social/analytics', element: <AnalyticsPage /> },
        { path: '/social/ab-tests', element: <AbTestsPage /> },
        { path: '/social/ab-tests/:testId', element: <AbTestPage /> },
        { path: '/social/accounts', element: <AccountsPage /> },
        { path: '/social/accounts/:accountId/analytics', element: <AccountAnalyticsPage /> },
        { path: '/social/accounts/callback/:network', element: <ConnectCallbackPage /> },
        { path: '/social/activity', element: <ActivityPage /> },
        { path: '/social/team', element: <TeamPage /> },
        { path: '/social/settings', element: <SettingsPage /> },
      ],
    },
  ],
};
