/**
 * The signed-in session: access and refresh tokens plus who is signed in, kept in
 * localStorage so a reload stays signed in. Access tokens last 15 minutes; refresh() swaps the
 * refresh token for a new pair (the server rotates it on every use), and one refresh is shared
 * by every request that needs it, because presenting a used refresh token ends the session.
 */
export interface SessionUser {
  id: string;
  email: string;
  org_id: string;
  org_name: string;
  role: string;
}

export interface SessionTokens {
  access_token: string;
  refresh_token: string;
  user: SessionUser;
}

const STORAGE_KEY = 'tenantry.session';
type Listener = () => void;

let current: SessionTokens | null = read();
let refreshing: Promise<SessionTokens | null> | null = null;
const listeners = new Set<Listener>();
/** Why the last session ended, shown once on the login page. */
let endedReason: string | null = null;

function read(): SessionTokens | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as SessionTokens) : null;
  } catch {
    return null;
  }
}

function write(next: SessionTokens | null) {
  current = next;
  if (next) localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  else localStorage.removeItem(STORAGE_KEY);
  for (const l of listeners) l();
}

export const session = {
  get(): SessionTokens | null {
    return current;
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** Store what signup, login, refresh, org switch or invitation acceptance answered. */
  start(result: SessionTokens) {
    endedReason = null;
    write({ access_token: result.access_token, refresh_token: result.refresh_token, user: result.user });
  },
  /** Forget the session locally; `reason` is shown on the login page. */
  end(reason: string | null = null) {
    endedReason = reason;
    write(null);
  },
  /** Why the last session ended, without forgetting it: safe to call while rendering. */
  peekEndedReason(): string | null {
    return endedReason;
  },
  takeEndedReason(): string | null {
    const r = endedReason;
    endedReason = null;
    return r;
  },
  /** New tokens from the refresh token; null (and the session ended) when the server refuses it. */
  refresh(): Promise<SessionTokens | null> {
    const used = current?.refresh_token;
    if (!used) return Promise.resolve(null);
    refreshing ??= fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: used }),
    })
      .then(async (res) => {
        // Another tab may have rotated it meanwhile: its tokens are in storage already.
        const stored = read();
        if (stored && stored.refresh_token !== used) {
          write(stored);
          return stored;
        }
        if (!res.ok) {
          const body = (await res.json().catch(() => null)) as { error?: string } | null;
          session.end(res.status === 401 ? 'Your session has ended: log in again.' : (body?.error ?? 'Your session could not be renewed: log in again.'));
          return null;
        }
        const next = (await res.json()) as SessionTokens;
        session.start(next);
        return next;
      })
      .catch(() => current)
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  },
};

// Another tab signing in or out changes this one too.
window.addEventListener('storage', (event) => {
  if (event.key === STORAGE_KEY) write(read());
});
