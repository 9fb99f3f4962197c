import { AspectRatio, Center, Text } from '@mantine/core';
import { useSessionObjectUrl } from '../../platform/session-files';

/**
 * One variation's final video (9:16), or why it cannot be played. Its on-screen words come as
 * a captions track (the player's CC button), fetched with the session: a <track> cannot send it.
 */
export function VariationVideo({ url, expired, label, captionsUrl }: { url: string | null | undefined; expired?: boolean; label: string; captionsUrl?: string }) {
  const captions = useSessionObjectUrl(captionsUrl ?? '', Boolean(url && captionsUrl));
  return (
    <AspectRatio ratio={9 / 16} maw={320} mx="auto" w="100%">
      {url ? (
        // preload="metadata": nothing heavy is fetched until someone presses play.
        <video src={url} controls preload="metadata" playsInline aria-label={label} style={{ background: '#000', width: '100%', height: '100%' }} data-testid="variation-video">
          {captions.src && <track kind="captions" label="On-screen text" src={captions.src} data-testid="variation-captions" />}
        </video>
      ) : (
        <Center bg="gray.1">
          <Text size="sm" c="dimmed" ta="center" p="sm">{expired ? 'This video has expired (final videos are kept 90 days): generate the campaign again.' : 'Not rendered yet.'}</Text>
        </Center>
      )}
    </AspectRatio>
  );
}
