import { useEffect, useState } from 'react';
import { Center, Image, Loader, Text } from '@mantine/core';
import { useInViewport } from '@mantine/hooks';
import { downloadWithSession, useSessionObjectUrl } from '../../platform/session-files';

/**
 * A photo from an Aura route. The routes need the session's token, which an <img> cannot
 * send, so the bytes are fetched once the frame scrolls into view (lazy, like
 * loading="lazy"), and never for thumbnails nobody looks at.
 */
export function AuthImage({ url, alt, h = 180, fit = 'cover' }: { url: string; alt: string; h?: number | string; fit?: 'cover' | 'contain' }) {
  const { ref, inViewport } = useInViewport();
  const [wanted, setWanted] = useState(false);
  useEffect(() => {
    if (inViewport) setWanted(true);
  }, [inViewport]);
  const { src, failed } = useSessionObjectUrl(url, wanted);
  return (
    <div ref={ref} style={{ height: h, background: '#f1f1f1' }}>
      {src ? (
        <Image src={src} alt={alt} h={h} fit={fit} loading="lazy" />
      ) : failed ? (
        <Center h={h}><Text size="sm" c="dimmed">The image could not be loaded.</Text></Center>
      ) : (
        <Center h={h}><Loader role="status" size="sm" aria-label={`Loading ${alt}`} /></Center>
      )}
    </div>
  );
}

/** Download a file from a route that needs the session's token (ZIPs, QR PNGs), under the name the page gives it. */
export const downloadWithToken = (url: string, filename: string) => downloadWithSession(url, filename, { preferServerName: false });
