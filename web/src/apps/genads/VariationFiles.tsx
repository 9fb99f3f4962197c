import { Anchor, Button, List, Stack, Text } from '@mantine/core';
import type { CampaignVideos } from './types';

type File = { url: string | null; expired: boolean };
export interface VariationFileSet {
  final: File | null;
  draft: Record<string, File>;
}

const draftName = (name: string) => name.replace(/_/g, ' ');

/** A variation's final video and its drafts (scene backgrounds, music), as download links. */
export function VariationFiles({ variation, finalLabel = 'Download the video (MP4)' }: { variation: VariationFileSet | CampaignVideos['variations'][number]; finalLabel?: string }) {
  const drafts = Object.entries(variation.draft);
  return (
    <Stack gap="xs">
      {variation.final?.url ? (
        <Button component="a" href={variation.final.url} download data-testid="download-final">
          {finalLabel}
        </Button>
      ) : (
        <Text size="sm" c="dimmed">The final video is {variation.final?.expired ? 'no longer stored' : 'not rendered'}.</Text>
      )}
      {drafts.length > 0 && (
        <>
          <Text size="sm" fw={500}>Drafts (kept 30 days)</Text>
          <List size="sm" spacing={4}>
            {drafts.map(([name, file]) => (
              <List.Item key={name}>{file.url ? <Anchor href={file.url} download>{draftName(name)}</Anchor> : `${draftName(name)}: expired`}</List.Item>
            ))}
          </List>
        </>
      )}
    </Stack>
  );
}
