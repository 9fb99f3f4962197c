import { Alert, Anchor, Button, Card, Grid, Group, List, Stack, Table, Text } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { EmptyState, formatDate, PageTitle, QueryView } from '../../platform/components';
import { useCampaign, useCampaignVideos } from './useCampaign';
import { VariationVideo } from './VariationVideo';
import { formatCost, STYLE_LABELS } from './format';
import type { CampaignVideos } from './types';

type Variation = CampaignVideos['variations'][number];

function Downloads({ variation }: { variation: Variation }) {
  const drafts = Object.entries(variation.draft);
  return (
    <Stack gap="xs">
      {variation.final?.url ? (
        <Button component="a" href={variation.final.url} download data-testid="download-final">
          Download the video (MP4)
        </Button>
      ) : (
        <Text size="sm" c="dimmed">The final video is {variation.final?.expired ? 'no longer stored' : 'not rendered'}.</Text>
      )}
      {drafts.length > 0 && (
        <>
          <Text size="sm" fw={500}>Drafts (kept 30 days)</Text>
          <List size="sm" spacing={4}>
            {drafts.map(([name, file]) => (
              <List.Item key={name}>
                {file.url ? <Anchor href={file.url} download>{name.replace(/_/g, ' ')}</Anchor> : `${name.replace(/_/g, ' ')}: expired`}
              </List.Item>
            ))}
          </List>
        </>
      )}
    </Stack>
  );
}

/** The seed's CampaignResults: the kept variation, its downloads, and what the campaign cost. */
export function ResultsPage() {
  const { campaignId = '' } = useParams();
  const campaign = useCampaign(campaignId);
  const videos = useCampaignVideos(campaignId);
  return (
    <QueryView query={campaign}>
      {(c) => (
        <Stack>
          <Anchor component={Link} to={`/genads/perfumes/${c.perfume_id}`} size="sm">← Campaigns</Anchor>
          <Text className="genads-eyebrow">Results</Text>
          <PageTitle actions={c.status === 'completed' && <Button variant="default" component={Link} to={`/genads/campaigns/${campaignId}/select`}>Compare variations</Button>}>
            {c.campaign_name}
          </PageTitle>
          <hr className="genads-rule" />
          {c.status === 'failed' && (
            <Alert color="red" title="Generation failed" role="alert">
              {c.error_message ?? 'The run stopped without a reason.'} <Anchor component={Link} to={`/genads/campaigns/${campaignId}/progress`}>Generate again</Anchor>
            </Alert>
          )}
          {c.status === 'processing' && (
            <Alert color="blue" title="Still generating">
              <Anchor component={Link} to={`/genads/campaigns/${campaignId}/progress`}>Follow its progress</Anchor>
            </Alert>
          )}
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
                        <VariationVideo url={kept.final?.url} expired={kept.final?.expired} label={`Variation ${kept.variation_index + 1} of ${c.campaign_name}`} />
                        <Downloads variation={kept} />
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
                <Button variant="default" component={Link} to={`/genads/perfumes/${c.perfume_id}/campaigns/create`}>New campaign for this perfume</Button>
              </Group>
            </Grid.Col>
          </Grid>
        </Stack>
      )}
    </QueryView>
  );
}
