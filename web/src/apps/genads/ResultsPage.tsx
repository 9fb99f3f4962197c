import { Alert, Anchor, Button, Card, Grid, Group, Stack, Table, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call } from '../../platform/api';
import { EmptyState, formatDate, PageTitle, QueryView } from '../../platform/components';
import { ConfirmButton } from '../../platform/ConfirmButton';
import { useCampaign, useCampaignVideos } from './useCampaign';
import { VariationVideo } from './VariationVideo';
import { VariationFiles } from './VariationFiles';
import { FailedRun } from './FailedRun';
import { TakeNotice } from './TakeNotice';
import { useGenerate } from './useGenerate';
import { formatCost, STYLE_LABELS } from './format';

/** The seed's CampaignResults: the kept variation, its downloads, and what the campaign cost. */
export function ResultsPage() {
  const { campaignId = '' } = useParams();
  const campaign = useCampaign(campaignId);
  const videos = useCampaignVideos(campaignId);
  const generate = useGenerate(campaignId);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const remove = async (perfumeId: string) => {
    await call(api.DELETE('/genads/api/campaigns/{campaignId}', { params: { path: { campaignId } } }));
    // Everything else is read again; the deleted campaign's own queries would only answer 404.
    void queryClient.invalidateQueries({ queryKey: ['genads'], predicate: (q) => !q.queryKey.includes(campaignId) });
    navigate(`/genads/perfumes/${perfumeId}`);
  };
  return (
    <QueryView query={campaign}>
      {(c) => (
        <Stack>
          <Anchor component={Link} to={`/genads/perfumes/${c.perfume_id}`} size="sm">← Campaigns</Anchor>
          <Text className="genads-eyebrow">Results</Text>
          <PageTitle actions={c.shown_take !== undefined && <Button variant="default" component={Link} to={`/genads/campaigns/${campaignId}/select`}>Compare variations</Button>}>
            {c.campaign_name}
          </PageTitle>
          <hr className="genads-rule" />
          {c.status === 'failed' && <FailedRun campaignId={campaignId} fallbackMessage={c.error_message} />}
          {c.status === 'processing' &&
            (c.shown_take !== undefined ? (
              <TakeNotice campaignId={campaignId} running={c.takes_started} shown={c.shown_take} />
            ) : (
              <Alert color="blue" title="Still generating">
                <Anchor component={Link} to={`/genads/campaigns/${campaignId}/progress`}>Follow its progress</Anchor>
              </Alert>
            ))}
          <Grid>
            <Grid.Col span={{ base: 12, md: 5 }}>
              <QueryView
                query={videos}
                isEmpty={(v) => v.variations.every((x) => !x.ready)}
                empty={<EmptyState title="No videos">This campaign has no rendered video yet.</EmptyState>}
              >
                {(v) => {
                  const kept = v.variations.find((x) => x.selected) ?? v.variations.find((x) => x.ready)!;
                  return (
                    <Card withBorder className="genads-card" padding="md">
                      <Stack>
                        <Text fw={600} ff="heading" size="lg">
                          Variation {kept.variation_index + 1}{kept.selected ? ' (kept)' : ''}
                        </Text>
                        {v.take !== undefined && <Text size="sm" c="dimmed" data-testid="shown-take">Take {v.take}</Text>}
                        <VariationVideo url={kept.final?.url} expired={kept.final?.expired} captionsUrl={kept.captions_url} label={`Variation ${kept.variation_index + 1} of ${c.campaign_name}`} />
                        <VariationFiles variation={kept} />
                        <Text size="xs" c="dimmed">Download links are valid for one hour; reopen this page for new ones.</Text>
                      </Stack>
                    </Card>
                  );
                }}
              </QueryView>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 7 }}>
              <Card withBorder className="genads-card" padding="md">
                <Table>
                  <Table.Tbody>
                    {[
                      ['Style', STYLE_LABELS[c.selected_style]],
                      ['Length', `${c.target_duration} s`],
                      ['Variations', String(c.num_variations)],
                      ['Takes', c.shown_take !== undefined ? `${c.takes_started} (showing take ${c.shown_take})` : String(c.takes_started)],
                      ['Cost', formatCost(c.cost)],
                      ['Created', formatDate(c.created_at)],
                    ].map(([k, v]) => (
                      <Table.Tr key={k}>
                        <Table.Th scope="row">{k}</Table.Th>
                        <Table.Td>{v}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                <Text size="sm" fw={500} mt="md">Brief</Text>
                <Text size="sm">{c.creative_prompt}</Text>
              </Card>
              <Group mt="md">
                {c.status === 'completed' && (
                  <ConfirmButton
                    title="Generate a new take?"
                    message={`A new take is planned anew: other concepts, new scenes and music, at a new cost. Take ${c.shown_take ?? 1} stays shown, selectable and downloadable until the new take completes; then its variations are replaced and your choice is cleared.`}
                    confirmLabel="Generate again"
                    onConfirm={() => generate.mutateAsync()}
                  >
                    Generate again
                  </ConfirmButton>
                )}
                <Button variant="default" component={Link} to={`/genads/perfumes/${c.perfume_id}/campaigns/create`}>New campaign for this perfume</Button>
                <ConfirmButton
                  variant="subtle"
                  color="red"
                  title={`Delete ${c.campaign_name}?`}
                  message="The campaign is deleted with all its videos and drafts. This cannot be undone."
                  confirmLabel="Delete the campaign"
                  onConfirm={() => remove(c.perfume_id)}
                >
                  Delete campaign
                </ConfirmButton>
              </Group>
            </Grid.Col>
          </Grid>
        </Stack>
      )}
    </QueryView>
  );
}
