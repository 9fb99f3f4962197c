import { Alert, Anchor, Badge, Button, Card, SimpleGrid, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call } from '../../platform/api';
import { EmptyState, ErrorMessage, PageTitle, QueryView } from '../../platform/components';
import { useCampaign, useCampaignVideos } from './useCampaign';
import { VariationVideo } from './VariationVideo';
import { TakeNotice } from './TakeNotice';

/** The seed's VideoSelection: watch every variation, keep one. */
export function SelectPage() {
  const { campaignId = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const campaign = useCampaign(campaignId);
  const videos = useCampaignVideos(campaignId);
  const select = useMutation({
    mutationFn: (variation_index: number) =>
      call(api.POST('/genads/api/generation/campaigns/{id}/select-variation', { params: { path: { id: campaignId } }, body: { variation_index } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['genads'] });
      navigate(`/genads/campaigns/${campaignId}/results`);
    },
  });
  return (
    <QueryView query={campaign}>
      {(c) => (
        <Stack>
          <Anchor component={Link} to={`/genads/perfumes/${c.perfume_id}`} size="sm">← Campaigns</Anchor>
          <Text className="genads-eyebrow">Choose a variation</Text>
          <PageTitle>{c.campaign_name}</PageTitle>
          <hr className="genads-rule" />
          {c.status === 'processing' && <TakeNotice campaignId={campaignId} running={c.takes_started} shown={c.shown_take} />}
          {c.shown_take === undefined && (
            <Alert color="blue" title="Not ready yet">
              Variations can be chosen once generation has completed. <Anchor component={Link} to={`/genads/campaigns/${campaignId}/progress`}>Follow its progress</Anchor>.
            </Alert>
          )}
          <QueryView
            query={videos}
            isEmpty={(v) => v.variations.every((x) => !x.ready)}
            empty={<EmptyState title="No videos yet">The variations appear here once generation has rendered them.</EmptyState>}
          >
            {(v) => (
              <Stack>
                {v.take !== undefined && <Text size="sm" c="dimmed" data-testid="shown-take">Take {v.take}: {v.variations.length} variation{v.variations.length === 1 ? '' : 's'}</Text>}
                <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
                  {v.variations.map((x) => (
                    <Card key={x.variation_index} withBorder className="genads-card" padding="md" data-testid="variation-card">
                      <Stack>
                        {/* A div, not a p: the badge inside is a div, which a p may not hold (React reports it). */}
                        <Text fw={600} ff="heading" size="lg" component="div">
                          Variation {x.variation_index + 1} {x.selected && <Badge ml="xs" variant="light">kept</Badge>}
                        </Text>
                        <VariationVideo url={x.final?.url} expired={x.final?.expired} captionsUrl={x.captions_url} label={`Variation ${x.variation_index + 1} of ${c.campaign_name}`} />
                        <Button
                          onClick={() => select.mutate(x.variation_index)}
                          // A take shown stays selectable while a new take runs (docs/genads.md "Takes").
                          disabled={!x.ready || c.shown_take === undefined}
                          loading={select.isPending && select.variables === x.variation_index}
                          aria-label={`Keep variation ${x.variation_index + 1}`}
                        >
                          Keep this one
                        </Button>
                      </Stack>
                    </Card>
                  ))}
                </SimpleGrid>
              </Stack>
            )}
          </QueryView>
          <ErrorMessage error={select.error} />
        </Stack>
      )}
    </QueryView>
  );
}
