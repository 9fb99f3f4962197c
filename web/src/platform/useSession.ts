import { useSyncExternalStore } from 'react';
import { session } from './session';

/** The current session (null when signed out); re-renders when it changes. */
export function useSession() {
  return useSyncExternalStore(session.subscribe, session.get);
}
