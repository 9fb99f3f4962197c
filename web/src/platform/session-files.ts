import { useEffect, useState } from 'react';
import { session } from './session';

/**
 * Files behind routes that need the session's token. An <img src> or <a href> cannot send
 * it, so the bytes are fetched with the token and handed to the browser as an object URL.
 */
const authorised = (): Record<string, string> => {
  const token = session.get()?.access_token;
  return token ? { authorization: `Bearer ${token}` } : {};
};

/** The image at `url` as an object URL once fetched (and only while `enabled`); revoked when the component leaves. */
export function useSessionObjectUrl(url: string, enabled = true): { src: string | null; failed: boolean } {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!enabled) return;
    let objectUrl: string | null = null;
    let cancelled = false;
    fetch(url, { headers: authorised() })
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status));
        const blob = await res.blob();
        if (cancelled) return;
        objectUrl = URL.createObjectURL(blob);
        setSrc(objectUrl);
      })
      .catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [enabled, url]);
  return { src, failed };
}

/**
 * Saves the file at `url` under the server's file name (Content-Disposition) or, when the
 * server names none or `preferServerName` is off, under `name`; errors in the server's words.
 */
export async function downloadWithSession(url: string, name: string, { preferServerName = true } = {}): Promise<void> {
  const res = await fetch(url, { headers: authorised() });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: string } | null;
    throw new Error(body?.error ?? `The download failed (${res.status}). Try again.`);
  }
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const saveAs = (preferServerName ? /filename="?([^";]+)"?/.exec(disposition)?.[1] : undefined) ?? name;
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = saveAs;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
