import type { RouteObject } from 'react-router';
import { Shell } from './Shell';
import { Landing } from './pages/Landing';
import { Login } from './pages/Login';
import { Signup } from './pages/Signup';
import { ForgotPassword } from './pages/ForgotPassword';
import { ResetPassword } from './pages/ResetPassword';
import { VerifyEmail } from './pages/VerifyEmail';
import { AcceptInvite } from './pages/AcceptInvite';
import { Home } from './pages/Home';
import { Members } from './pages/Members';
import { ApiKeys } from './pages/ApiKeys';
import { NotFound } from './pages/NotFound';
import { AuditLog } from './pages/AuditLog';
import { Usage } from './pages/Usage';
import { Superadmin } from './pages/superadmin/Superadmin';
import { webApps } from '../apps';

/** Every page. The paths the platform's emails link to (/verify-email, /reset-password, /invite) must stay. */
export const routes: RouteObject[] = [
  { path: '/', element: <Landing /> },
  { path: '/login', element: <Login /> },
  { path: '/signup', element: <Signup /> },
  { path: '/forgot-password', element: <ForgotPassword /> },
  { path: '/reset-password', element: <ResetPassword /> },
  { path: '/verify-email', element: <VerifyEmail /> },
  { path: '/invite', element: <AcceptInvite /> },
  ...webApps.flatMap((app) => app.publicRoutes ?? []),
  {
    element: <Shell />,
    children: [
      { path: '/home', element: <Home /> },
      { path: '/settings/members', element: <Members /> },
      { path: '/settings/api-keys', element: <ApiKeys /> },
      { path: '/settings/audit', element: <AuditLog /> },
      { path: '/settings/usage', element: <Usage /> },
      { path: '/superadmin', element: <Superadmin /> },
      ...webApps.flatMap((app) => app.routes),
    ],
  },
  { path: '*', element: <NotFound /> },
];
