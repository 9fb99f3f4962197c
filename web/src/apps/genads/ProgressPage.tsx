import { Anchor, Badge, Button, Card, Group, Progress, Stack, Text } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { ErrorMessage, PageTitle, QueryView } from '../../platform/components';
import { useCampaign } from './useCampaign';
import { useCampaignProgress } from './useCampaignProgress';
import { formatCost } from './format';
import { StatusBadge } from './StatusBadge';
import { FailedRun } from './FailedRun';
import { TakeNotice } from './TakeNotice';
import { useGenerate } from './useGenerate';

const stageLabel = (stage: string | undefined) => (stage ? stage.replace(/[_-]+/g, ' ') : 'waiting to start');

/** The seed's GenerationProgress: live, from the realtime stream, until the ad is ready or the run failed. */
export function ProgressPage() {
  const { campaignId = '' } = useParams();
  const campaign = useCampaign(campaignId);
  const { progress, live } = useCampaignProgress(campaignId);
  const start = useGenerate(campaignId);
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
                    <Group gap="xs">
                      <StatusBadge status={p.status} size="lg" testId="generation-status" />
                      {p.take !== undefined && <Badge size="lg" variant="outline" data-testid="generation-take">Take {p.take}</Badge>}
                    </Group>
                    <Badge color={live ? 'teal' : 'gray'} variant="dot" data-testid="live-status">{live ? 'live' : 'connecting…'}</Badge>
                  </Group>
                  <Progress value={p.progress} size="xl" aria-label="Generation progress" animated={p.status === 'processing'} />
                  <Group justify="space-between" aria-live="polite">
                    <Text data-testid="generation-stage">{p.status === 'completed' ? 'Your ad is ready' : stageLabel(p.stage)}</Text>
                    <Text fw={600} data-testid="generation-percent">{p.progress}%</Text>
                  </Group>
                  <Text size="sm" c="dimmed" data-testid="variations-completed">
                    {p.variations_completed} of {p.num_variations} variation{p.num_variations === 1 ? '' : 's'} rendered · cost so far {formatCost(p.cost)}
                  </Text>
                  {p.status === 'processing' && <TakeNotice campaignId={campaignId} running={p.take} shown={p.shown_take} onProgressPage />}
                  {p.status === 'processing' && <Text size="sm" c="dimmed">You can leave this page: generation continues, and the campaign shows where it stands.</Text>}
                  {p.status === 'completed' && (
                    <Group>
                      <Button component={Link} to={`/genads/campaigns/${campaignId}/select`}>Choose a variation</Button>
                    </Group>
                  )}
                  {p.status === 'failed' && <FailedRun campaignId={campaignId} fallbackMessage={p.error_message} />}
                  {p.status === 'pending' && (
                    <Group>
                      <Button onClick={() => start.mutate()} loading={start.isPending}>Start generating</Button>
                    </Group>
                  )}
                  <ErrorMessage error={start.error} />
                </Stack>
              </Card>
            )}
          </QueryView>
        </Stack>
      )}
    </QueryView>
  );
}
