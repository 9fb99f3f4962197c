import { useState } from 'react';
import { Anchor, Button, Card, Grid, Group, Modal, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call } from '../../platform/api';
import { EmptyState, formatDate, PageTitle, QueryView } from '../../platform/components';
import { ConfirmButton } from '../../platform/ConfirmButton';
import { EditPerfumeForm } from './EditPerfumeForm';
import { PerfumeImage } from './PerfumeImage';
import { formatCost } from './format';
import { StatusBadge } from './StatusBadge';
import type { CampaignSummary, Perfume, PerfumeList } from './types';

/** Where a campaign card leads: its live progress while generating, the picker once done, else its results. */
export function campaignPath(c: Pick<CampaignSummary, 'campaign_id' | 'status' | 'selected_variation_index'>): string {
  if (c.status === 'processing') return `/genads/campaigns/${c.campaign_id}/progress`;
  if (c.status === 'completed' && c.selected_variation_index === undefined) return `/genads/campaigns/${c.campaign_id}/select`;
  return `/genads/campaigns/${c.campaign_id}/results`;
}

function CampaignCard({ campaign }: { campaign: CampaignSummary }) {
  return (
    <Card withBorder className="genads-card" padding="sm" component={Link} to={campaignPath(campaign)} data-testid="campaign-card">
      <Group justify="space-between" wrap="nowrap">
        <Text fw={600} truncate>{campaign.campaign_name}</Text>
        <StatusBadge status={campaign.status} />
      </Group>
      {campaign.status === 'processing' && <Progress value={campaign.progress} size="sm" mt="xs" aria-label={`${campaign.campaign_name}: ${campaign.progress}%`} />}
      <Text size="sm" c="dimmed" mt="xs">
        {campaign.target_duration} s · {campaign.num_variations} variation{campaign.num_variations === 1 ? '' : 's'} · {formatCost(campaign.cost)}
      </Text>
      <Text size="xs" c="dimmed">{formatDate(campaign.created_at)}</Text>
    </Card>
  );
}

function Campaigns({ perfume }: { perfume: Perfume }) {
  const campaigns = useQuery({
    queryKey: ['genads', 'campaigns', perfume.perfume_id],
    queryFn: () => call(api.GET('/genads/api/campaigns', { params: { query: { perfume_id: perfume.perfume_id, limit: 100 } } })),
  });
  return (
    <QueryView
      query={campaigns}
      isEmpty={(d) => d.total === 0}
      empty={<EmptyState title="No campaigns yet">Create a campaign: describe the mood, choose a style and a length, and GenAds renders the ad.</EmptyState>}
    >
      {(d) => (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {d.campaigns.map((c) => <CampaignCard key={c.campaign_id} campaign={c} />)}
        </SimpleGrid>
      )}
    </QueryView>
  );
}

/** The seed's campaign dashboard: one perfume, its photos and its campaigns. */
export function PerfumePage() {
  const { perfumeId = '' } = useParams();
  const [editing, setEditing] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const perfume = useQuery({
    queryKey: ['genads', 'perfume', perfumeId],
    queryFn: () => call(api.GET('/genads/api/perfumes/{perfumeId}', { params: { path: { perfumeId } } })),
  });
  // 409 PERFUME_HAS_CAMPAIGNS comes back in words ("delete them first") and stays in the dialog.
  const remove = async () => {
    await call(api.DELETE('/genads/api/perfumes/{perfumeId}', { params: { path: { perfumeId } } }));
    // The dashboard shows its cached list while it reads the list again: without the deleted
    // perfume, or its card would ask for the photo and get 404. A read of the list still under
    // way (from deleting a campaign just before) began before this deletion: it is cancelled,
    // or its answer, with the perfume, would land after the edit below.
    await queryClient.cancelQueries({ queryKey: ['genads', 'perfumes'] });
    queryClient.setQueriesData<PerfumeList>({ queryKey: ['genads', 'perfumes'] }, (list) =>
      list && { ...list, perfumes: list.perfumes.filter((x) => x.perfume_id !== perfumeId), total: Math.max(0, list.total - 1) });
    // Everything else is read again; the deleted perfume's own queries would only answer 404.
    void queryClient.invalidateQueries({ queryKey: ['genads'], predicate: (q) => !q.queryKey.includes(perfumeId) });
    navigate('/genads');
  };
  return (
    <QueryView query={perfume}>
      {(p) => (
        <>
          <Anchor component={Link} to="/genads" size="sm">← Perfumes</Anchor>
          <Text className="genads-eyebrow" mt="sm">{p.perfume_gender}</Text>
          <PageTitle
            actions={
              <Group>
                <Button variant="default" onClick={() => setEditing(true)}>Edit perfume</Button>
                <ConfirmButton
                  variant="subtle"
                  color="red"
                  title={`Delete ${p.perfume_name}?`}
                  message="The perfume is deleted with its photos. A perfume with campaigns cannot be deleted: delete its campaigns first."
                  confirmLabel="Delete the perfume"
                  onConfirm={remove}
                >
                  Delete perfume
                </ConfirmButton>
                <Button component={Link} to={`/genads/perfumes/${p.perfume_id}/campaigns/create`}>Create a campaign</Button>
              </Group>
            }
          >
            {p.perfume_name}
          </PageTitle>
          <hr className="genads-rule" />
          <Grid>
            <Grid.Col span={{ base: 12, md: 4 }}>
              <Card withBorder className="genads-card" padding={0}>
                <PerfumeImage perfumeId={p.perfume_id} alt={`${p.perfume_name}, front`} h={320} version={p.updated_at} />
              </Card>
              <Text size="sm" c="dimmed" mt="xs">{p.images_count} photo{p.images_count === 1 ? '' : 's'} · added {formatDate(p.created_at)}</Text>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 8 }}>
              <Stack>
                <Text component="h2" fw={600} size="xl">Campaigns</Text>
                <Campaigns perfume={p} />
              </Stack>
            </Grid.Col>
          </Grid>
          <Modal opened={editing} onClose={() => setEditing(false)} title={`Edit ${p.perfume_name}`} size="lg">
            <EditPerfumeForm perfume={p} onDone={() => setEditing(false)} />
          </Modal>
        </>
      )}
    </QueryView>
  );
}
