import { useRef } from 'react';
import { Anchor, Button, Card, Group, NumberInput, Radio, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call } from '../../platform/api';
import { ErrorMessage, PageTitle, QueryView } from '../../platform/components';
import { apiFieldError, formLevelError } from './errors';
import { STYLE_LABELS } from './format';

type Style = keyof typeof STYLE_LABELS;
const STYLE_HINTS: Record<Style, string> = {
  gold_luxe: 'Warm golds and slow light: opulent, radiant',
  dark_elegance: 'Deep shadows and silver: mysterious, sensual',
  romantic_floral: 'Soft pinks and petals: tender, airy',
};

/** A campaign's brief; submitting it creates the campaign and starts its generation. */
export function CreateCampaignPage() {
  const { perfumeId = '' } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const perfume = useQuery({
    queryKey: ['genads', 'perfume', perfumeId],
    queryFn: () => call(api.GET('/genads/api/perfumes/{perfumeId}', { params: { path: { perfumeId } } })),
  });
  const form = useForm<{ campaign_name: string; creative_prompt: string; selected_style: Style; target_duration: number | string; num_variations: string }>({
    initialValues: { campaign_name: '', creative_prompt: '', selected_style: 'gold_luxe', target_duration: 30, num_variations: '1' },
    validate: {
      campaign_name: (v) => (v.trim().length >= 2 && v.trim().length <= 200 ? null : 'Between 2 and 200 characters'),
      creative_prompt: (v) => (v.trim().length >= 10 && v.trim().length <= 2000 ? null : 'Describe the ad in 10 to 2000 characters'),
      target_duration: (v) => (Number.isInteger(Number(v)) && Number(v) >= 15 && Number(v) <= 60 ? null : 'A whole number of seconds from 15 to 60'),
    },
  });
  const createCampaign = (v: typeof form.values) =>
    call(
      api.POST('/genads/api/campaigns', {
        body: {
          perfume_id: perfumeId,
          campaign_name: v.campaign_name.trim(),
          creative_prompt: v.creative_prompt.trim(),
          selected_style: v.selected_style,
          target_duration: Number(v.target_duration),
          num_variations: Number(v.num_variations),
        },
      }),
    );
  // When the campaign was created but its generation could not start, trying again only starts it.
  const created = useRef<{ campaign_id: string } | null>(null);
  const create = useMutation({
    mutationFn: async (v: typeof form.values) => {
      const campaign = created.current ?? (await createCampaign(v));
      created.current = campaign;
      await call(api.POST('/genads/api/generation/campaigns/{id}/generate', { params: { path: { id: campaign.campaign_id } } }));
      return campaign;
    },
    onSuccess: async (campaign) => {
      await queryClient.invalidateQueries({ queryKey: ['genads'] });
      navigate(`/genads/campaigns/${campaign.campaign_id}/progress`);
    },
  });
  const fields = ['campaign_name', 'creative_prompt', 'selected_style', 'target_duration', 'num_variations'];
  return (
    <QueryView query={perfume}>
      {(p) => (
        <Stack maw={720}>
          <Anchor component={Link} to={`/genads/perfumes/${p.perfume_id}`} size="sm">← {p.perfume_name}</Anchor>
          <PageTitle>New campaign</PageTitle>
          <hr className="genads-rule" />
          <Card withBorder className="genads-card" padding="lg">
            <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate>
              <Stack>
                <TextInput label="Campaign name" required {...form.getInputProps('campaign_name')} error={form.errors.campaign_name ?? apiFieldError(create.error, 'campaign_name')} />
                <Textarea
                  label="Creative brief"
                  description="The mood, setting and story of the ad"
                  required
                  autosize
                  minRows={3}
                  maxLength={2000}
                  {...form.getInputProps('creative_prompt')}
                  error={form.errors.creative_prompt ?? apiFieldError(create.error, 'creative_prompt')}
                />
                <Radio.Group label="Style" required {...form.getInputProps('selected_style')} error={apiFieldError(create.error, 'selected_style')}>
                  <Stack gap="xs" mt="xs">
                    {(Object.keys(STYLE_LABELS) as Style[]).map((s) => (
                      <Radio key={s} value={s} label={STYLE_LABELS[s]} description={STYLE_HINTS[s]} />
                    ))}
                  </Stack>
                </Radio.Group>
                <NumberInput
                  label="Length (seconds)"
                  description="15 to 60"
                  required
                  min={15}
                  max={60}
                  allowDecimal={false}
                  {...form.getInputProps('target_duration')}
                  error={form.errors.target_duration ?? apiFieldError(create.error, 'target_duration')}
                />
                <Stack gap={4}>
                  <Text size="sm" fw={500} id="variations-label">Variations to choose from</Text>
                  <SegmentedControl aria-labelledby="variations-label" data={['1', '2', '3']} {...form.getInputProps('num_variations')} />
                  {apiFieldError(create.error, 'num_variations') && <Text size="xs" c="red.8">{apiFieldError(create.error, 'num_variations')}</Text>}
                </Stack>
                <ErrorMessage error={formLevelError(create.error, fields)} />
                <Group justify="flex-end">
                  <Button variant="default" component={Link} to={`/genads/perfumes/${p.perfume_id}`}>Cancel</Button>
                  <Button type="submit" loading={create.isPending}>Generate the ad</Button>
                </Group>
              </Stack>
            </form>
          </Card>
        </Stack>
      )}
    </QueryView>
  );
}
