import type { WebApp } from '../types';
import { AuraHome } from './AuraHome';
import { AdminPage } from './AdminPage';
import { PhotosPage } from './PhotosPage';
import { PhotoPage } from './PhotoPage';
import { BundlesPage } from './BundlesPage';
import { TrashPage } from './TrashPage';
import { SettingsPage } from './SettingsPage';
import { CapturePage } from './CapturePage';
import { StationLogin } from './StationLogin';
import { ScanPage } from './ScanPage';
import { PeoplePage } from './PeoplePage';
import { PersonPage } from './PersonPage';

/** Aura Pro's pages: a studio's events, photos, bundles, trash and team; the capture station. */
export const auraWeb: WebApp = {
  name: 'aura',
  title: 'Aura Pro',
  tagline: 'Event photos for studios: upload, organise, bundle and share, and guests find themselves by a selfie.',
  nav: [
    { to: '/aura/admin', label: 'Studio' },
    { to: '/aura/admin/photos', label: 'Photos' },
    { to: '/aura/admin/people', label: 'People' },
    { to: '/aura/admin/bundles', label: 'Bundles' },
    { to: '/aura/admin/trash', label: 'Trash' },
    { to: '/aura/admin/settings', label: 'Team & settings' },
    { to: '/aura/capture', label: 'Capture' },
  ],
  routes: [
    { path: '/aura', element: <AuraHome /> },
    { path: '/aura/admin', element: <AdminPage /> },
    { path: '/aura/admin/photos', element: <PhotosPage /> },
    { path: '/aura/admin/photos/:photoId', element: <PhotoPage /> },
    { path: '/aura/admin/people', element: <PeoplePage /> },
    { path: '/aura/admin/people/:personId', element: <PersonPage /> },
    { path: '/aura/admin/bundles', element: <BundlesPage /> },
    { path: '/aura/admin/trash', element: <TrashPage /> },
    { path: '/aura/admin/settings', element: <SettingsPage /> },
    { path: '/aura/capture', element: <CapturePage /> },
  ],
  publicRoutes: [
    { path: '/aura/station', element: <StationLogin /> },
    // The seed's guest portal: the event's link and QR code point here (guest_url).
    { path: '/scan/:token', element: <ScanPage /> },
  ],
};
