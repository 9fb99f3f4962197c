import { AspectRatio, Center, Text } from '@mantine/core';

/** One variation's final video (9:16), or why it cannot be played. */
export function VariationVideo({ url, expired, label }: { url: string | null | undefined; expired?: boolean; label: string }) {
  return (
    <AspectRatio ratio={9 / 16} maw={320} mx="auto" w="100%">
      {url ? (
        // preload="metadata": nothing heavy is fetched until someone presses play.
        <video src={url} controls preload="metadata" playsInline aria-label={label} style={{ background: '#000', width: '100%', height: '100%' }} data-testid="variation-video" />
      ) : (
        <Center bg="gray.1">
          <Text size="sm" c="dimmed" ta="center" p="sm">{expired ? 'This video has expired (final videos are kept 90 days): generate the campaign again.' : 'Not rendered yet.'}</Text>
        </Center>
      )}
    </AspectRatio>
  );
}
