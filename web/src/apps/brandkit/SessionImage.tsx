import { Center, Loader, Text } from '@mantine/core';
import { useSessionObjectUrl } from '../../platform/session-files';

/** An image from a route that needs the session's token (an <img> cannot send it): fetched, then shown. */
export function SessionImage({ url, alt, h = 140 }: { url: string; alt: string; h?: number }) {
  const { src, failed } = useSessionObjectUrl(url);
  if (src) return <img src={src} alt={alt} style={{ width: '100%', height: h, objectFit: 'contain', display: 'block' }} />;
  return (
    <Center h={h}>
      {failed ? <Text size="sm">The preview could not be loaded.</Text> : <Loader role="status" size="sm" aria-label="Loading preview" />}
    </Center>
  );
}
