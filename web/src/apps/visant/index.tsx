import type { WebApp } from '../types';
import { DevicesPage } from './DevicesPage';
import { DevicePage } from './DevicePage';
import { CapturePage } from './CapturePage';
import { SharesPage } from './SharesPage';

/** Visant's pages: cameras, each camera's live gallery, a capture, shared links. */
export const visantWeb: WebApp = {
  name: 'visant',
  title: 'Visant',
  tagline: 'Cameras that tell you when something looks wrong, with live captures and shareable galleries.',
  nav: [
    { to: '/visant', label: 'Cameras' },
    { to: '/visant/shares', label: 'Shared links' },
  ],
  routes: [
    { path: '/visant', element: <DevicesPage /> },
    { path: '/visant/devices/:deviceId', element: <DevicePage /> },
    { path: '/visant/captures/:recordId', element: <CapturePage /> },
    { path: '/visant/shares', element: <SharesPage /> },
  ],
};
