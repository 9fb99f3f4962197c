import { Badge, Box, Center, Text } from '@mantine/core';
import { useSessionObjectUrl } from '../../platform/session-files';
import type { Media } from './types';

/**
 * A library file's thumbnail (the 400 px WebP the server makes after the upload: of an image,
 * or of a frame of a video), fetched with the session's token; a video's is marked as one.
 * Until its job has run, a label stands in.
 */
export function MediaThumbnail({ media, size = 56 }: { media: Pick<Media, 'id' | 'name' | 'alt_text' | 'media_type' | 'thumbnail_ready'>; size?: number }) {
  const { src, failed } = useSessionObjectUrl(`/social/api/media/${media.id}/thumbnail`, media.thumbnail_ready);
  const video = media.media_type === 'video';
  if (src) {
    return (
      <Box pos="relative" w={size} h={size}>
        <img src={src} alt={media.alt_text || media.name} width={size} height={size} style={{ objectFit: 'cover', borderRadius: 4, display: 'block' }} />
        {video && (
          <Badge size="xs" variant="filled" color="dark" pos="absolute" bottom={2} left={2} px={4}>
            Video
          </Badge>
        )}
      </Box>
    );
  }
  const label = video ? 'Video' : failed ? 'No preview' : 'Preview soon';
  return (
    <Center w={size} h={size} bg="gray.1" style={{ borderRadius: 4 }}>
      <Text size="xs" c="gray.8" ta="center">{label}</Text>
    </Center>
  );
}
