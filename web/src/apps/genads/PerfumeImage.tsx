import { useEffect, useState } from 'react';
import { Center, Image, Loader, Text } from '@mantine/core';
import { useInViewport } from '@mantine/hooks';
import { api } from '../../platform/api';

type Angle = 'front' | 'back' | 'top' | 'left' | 'right';

/**
 * A perfume photo. Its route needs the session's token, which an <img> cannot send, so the page
 * asks for the image's 1-hour presigned URL once the card scrolls into view (lazy, like
 * loading="lazy", and never for cards nobody looks at) and the <img> loads that: on S3 it is the
 * bucket's own origin, which an image may load without the bucket allowing the app (CORS).
 */
/** `version` (the perfume's updated_at) fetches the photo again after an edit may have replaced it. */
export function PerfumeImage({ perfumeId, angle = 'front', alt, h = 220, version }: { perfumeId: string; angle?: Angle; alt: string; h?: number; version?: string }) {
  const { ref, inViewport } = useInViewport();
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [wanted, setWanted] = useState(false);
  useEffect(() => {
    if (inViewport) setWanted(true);
  }, [inViewport]);
  useEffect(() => {
    if (!wanted) return;
    let cancelled = false;
    api
      .GET('/genads/api/perfumes/{perfumeId}/images/{angle}/link', { params: { path: { perfumeId, angle } } })
      .then(({ data }) => {
        if (cancelled) return;
        if (!data) return setFailed(true);
        setSrc(data.url);
      })
      .catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
    };
  }, [wanted, perfumeId, angle, version]);
  return (
    <div ref={ref} style={{ height: h, background: '#f3efe8' }}>
      {src && !failed ? (
        <Image src={src} alt={alt} h={h} fit="contain" loading="lazy" onError={() => setFailed(true)} />
      ) : failed ? (
        <Center h={h}><Text size="sm" c="dimmed">The image could not be loaded.</Text></Center>
      ) : (
        <Center h={h}><Loader role="status" size="sm" aria-label={`Loading ${alt}`} /></Center>
      )}
    </div>
  );
}
