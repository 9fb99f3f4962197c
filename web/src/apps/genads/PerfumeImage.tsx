import { useEffect, useState } from 'react';
import { Center, Image, Loader, Text } from '@mantine/core';
import { useInViewport } from '@mantine/hooks';
import { api } from '../../platform/api';

type Angle = 'front' | 'back' | 'top' | 'left' | 'right';

/**
 * A perfume photo. Its route needs the session's token, which an <img> cannot send, so the
 * image is fetched (following the redirect to its 1-hour presigned URL) once it scrolls into
 * view: lazy, like loading="lazy", and never for cards nobody looks at.
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
    let url: string | null = null;
    let cancelled = false;
    api
      .GET('/genads/api/perfumes/{perfumeId}/images/{angle}', { params: { path: { perfumeId, angle } }, parseAs: 'blob' })
      .then(({ data, response }) => {
        if (cancelled) return;
        if (!response.ok || !(data instanceof Blob)) return setFailed(true);
        url = URL.createObjectURL(data);
        setSrc(url);
      })
      .catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [wanted, perfumeId, angle, version]);
  return (
    <div ref={ref} style={{ height: h, background: '#f3efe8' }}>
      {src ? (
        <Image src={src} alt={alt} h={h} fit="contain" loading="lazy" />
      ) : failed ? (
        <Center h={h}><Text size="sm" c="dimmed">The image could not be loaded.</Text></Center>
      ) : (
        <Center h={h}><Loader role="status" size="sm" aria-label={`Loading ${alt}`} /></Center>
      )}
    </div>
  );
}
