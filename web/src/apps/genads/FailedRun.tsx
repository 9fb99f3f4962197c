import { Alert, Button, Card, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { ErrorMessage, formatDate } from '../../platform/components';
import { useCampaignVideos } from './useCampaign';
import { useGenerate } from './useGenerate';
import { VariationFiles } from './VariationFiles';

/**
 * When the campaign's last run failed: its reason, what it made before failing (kept until a
 * later take completes or fails), and "Generate again". The take shown, if any, is untouched.
 */
export function FailedRun({ campaignId, fallbackMessage }: { campaignId: string; fallbackMessage?: string }) {
  const videos = useCampaignVideos(campaignId);
  const generate = useGenerate(campaignId);
  const failed = videos.data?.failed_run;
  const shownTake = videos.data?.take;
  return (
    <Alert color="red" title={failed ? `Take ${failed.take} failed` : 'Generation failed'} role="alert" data-testid="failed-run">
      <Stack gap="sm">
        <Text size="sm">{failed?.error_message ?? fallbackMessage ?? 'The run stopped without a reason.'}</Text>
        {failed && (
          <Text size="sm">
            It stopped {formatDate(failed.failed_at)} with {failed.variations_completed} variation{failed.variations_completed === 1 ? '' : 's'} finished.
            {shownTake !== undefined ? ` The campaign still shows take ${shownTake}, your choice included.` : ''} Fix what the message names, then generate again.
          </Text>
        )}
        {failed && failed.variations.length > 0 && (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {failed.variations.map((v) => (
              <Card key={v.variation_index} withBorder padding="sm">
                <Text fw={600} size="sm" mb="xs">Take {failed.take}, variation {v.variation_index + 1}</Text>
                <VariationFiles variation={v} finalLabel="Download its video (MP4)" />
              </Card>
            ))}
          </SimpleGrid>
        )}
        <Group>
          <Button size="xs" color="red" onClick={() => generate.mutate()} loading={generate.isPending}>Generate again</Button>
        </Group>
        <ErrorMessage error={generate.error} />
      </Stack>
    </Alert>
  );
}
