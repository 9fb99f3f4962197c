import { Navigate } from 'react-router';
import { useSession } from '../../platform/useSession';

/** The seed's redirect by role: admins (and read-only) to the admin pages, employees to capture. */
export function AuraHome() {
  const s = useSession();
  const role = s?.user.role;
  if (role === 'editor' || role === 'member') return <Navigate to="/aura/capture" replace />;
  return <Navigate to="/aura/admin" replace />;
}
