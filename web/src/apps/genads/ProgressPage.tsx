import { Alert, Anchor, Badge, Button, Card, Group, Progress, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, call } from '../../platform/api';
import { ErrorMessage, PageTitle, QueryView } from '../../platform/components';
import { useCampaign } from './useCampaign';
import { useCampaignProgress } from './useCampaignProgress';
import { formatCost } from './format';
import { StatusBadge } from './StatusBadge';

const stageLabel = (stage: string | undefined) => (stage ? stage.replace(/[_-]+/g, ' ') : 'waiting to start');

/** The seed's GenerationProgress: live, from the realtime stream, until the ad is ready or the run failed. */
export function ProgressPage() {
  const { campaignId = '' } = useParams();
  const queryClient = useQueryClient();
  const campaign = useCampaign(campaignId);
  const { progress, live } = useCampaignProgress(campaignId);
  const retry = useMutation({
    mutationFn: () => call(api.POST('/genads/api/generation/campaigns/{id}/generate', { params: { path: { id: campaignId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['genads'] }),
  });
  return (
    <QueryView query={campaign}>
      {(c) => (
        <Stack maw={720}>
          <Anchor component={Link} to={`/genads/perfumes/${c.perfume_id}`} size="sm">← Campaigns</Anchor>
          <Text className="genads-eyebrow">Generation</Text>
          <PageTitle>{c.campaign_name}</PageTitle>
          <hr className="genads-rule" />
          <QueryView query={progress}>
            {(p) => (
              <Card withBorder className="genads-card" padding="lg">
                <Stack>
                  <Group justify="space-between">
                    <StatusBadge status={p.status} size="lg" testId="generation-status" />
                    <Badge color={live ? 'teal' : 'gray'} variant="dot" data-testid="live-status">{live ? 'live' : 'connecting…'}</Badge>
                  </Group>
                  <Progress value={p.progress} size="xl" aria-label="Generation progress" animated={p.status === 'processing'} />
                  <Group justify="space-between" aria-live="polite">
                    <Text data-testid="generation-stage">{p.status === 'completed' ? 'Your ad is ready' : stageLabel(p.stage)}</Text>
                    <Text fw={600} data-testid="generation-percent">{p.progress}%</Text>
                  </Group>
                  <Text size="sm" c="dimmed">
                    {p.variations_completed} of {p.num_variations} variation{p.num_variations === 1 ? '' : 's'} rendered · cost so far {formatCost(p.cost)}
                  </Text>
                  {p.status === 'processing' && <Text size="sm" c="dimmed">You can leave this page: generation continues, and the campaign shows where it stands.</Text>}
                  {p.status === 'completed' && (
                    <Group>
                      <Button component={Link} to={`/genads/campaigns/${campaignId}/select`}>Choose a variation</Button>
                    </Group>
                  )}
                  {p.status === 'failed' && (
                    <Alert color="red" title="Generation failed" role="alert">
                      <Stack gap="xs">
                        <Text size="sm">{p.error_message ?? 'The run stopped without a reason.'}</Text>
                        <Text size="sm">Videos finished before the failure are kept. Fix what the message names, then try again.</Text>
                        <Group>
                          <Button size="xs" color="red" onClick={() => retry.mutate()} loading={retry.isPending}>Generate again</Button>
                        </Group>
                      </Stack>
                    </Alert>
                  )}
                  {p.status === 'pending' && (
                    <Group>
                      <Button onClick={() => retry.mutate()} loading={retry.isPending}>Start generating</Button>
                    </Group>
                  )}
                  <ErrorMessage error={retry.error} />
                </Stack>
              </Card>
            )}
          </QueryView>
        </Stack>
      )}
    </QueryView>
  );
}
