import { useEffect, useState } from 'react';
import { Badge, Button, ColorSwatch, Group, List, SegmentedControl, SimpleGrid, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, fieldError } from '../../../platform/api';
import { ErrorMessage } from '../../../platform/components';
import { jobRunning, useJob, useSaveStep } from '../hooks';
import { JobProgress } from '../JobProgress';
import type { Brand, Social } from '../types';
import { StepCard } from './StepCard';

type Platform = Social['platform'];
type Analysis = NonNullable<Social['analysis_data']>;

/** Social analysis: paste a bio and recent captions, run the analysis job live, apply what it suggests. */
export function SocialStep({ brand }: { brand: Brand }) {
  const queryClient = useQueryClient();
  const [platform, setPlatform] = useState<Platform>('instagram');
  const socials = useQuery({ queryKey: ['brandkit', 'socials'], queryFn: () => call(api.GET('/brandkit/api/socials')) });
  const social = socials.data?.items.find((s) => s.platform === platform);
  const [handle, setHandle] = useState('');
  const [bio, setBio] = useState('');
  const [captions, setCaptions] = useState('');
  useEffect(() => {
    setHandle(social?.handle ?? '');
    setBio(social?.bio ?? '');
    setCaptions(social?.captions.join('\n') ?? '');
  }, [social]);
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJob(jobId, () => void queryClient.invalidateQueries({ queryKey: ['brandkit', 'socials'] }));

  const analyze = useMutation({
    mutationFn: async () => {
      await call(api.PUT('/brandkit/api/socials/{platform}', {
        params: { path: { platform } },
        body: { handle, bio, captions: captions.split('\n').map((c) => c.trim()).filter(Boolean) },
      }));
      return call(api.POST('/brandkit/api/socials/{platform}/analyze', { params: { path: { platform } } }));
    },
    onSuccess: (r) => setJobId(r.job_id),
  });

  const analysis = social?.analysis_data ?? null;
  const saveIdentity = useSaveStep(brand.id, 'identity');
  const savePalette = useSaveStep(brand.id, 'palette');
  const apply = useMutation({
    mutationFn: async (a: Analysis) => {
      await saveIdentity.mutateAsync({
        stay: true,
        body: { ...(a.suggested_values?.length ? { brand_values: a.suggested_values.slice(0, 10) } : {}), brand_archetype: a.archetype },
      });
      if (a.colors?.[0]) {
        const palette = await call(api.POST('/brandkit/api/identity/palette', { body: { base_color: a.colors[0], harmony: 'complementary' } }));
        await savePalette.mutateAsync({ stay: true, body: { color_palette: palette.colors } });
      }
    },
  });
  const next = useSaveStep(brand.id, 'social');
  const running = analyze.isPending || jobRunning(job);

  return (
    <Stack gap="lg">
      <StepCard title="Your social profile" intro="Paste your bio and a few recent captions: the analysis reads them for your tone, themes, values, archetype and colours.">
        <SegmentedControl value={platform} onChange={(v) => setPlatform(v as Platform)} data={[{ value: 'instagram', label: 'Instagram' }, { value: 'tiktok', label: 'TikTok' }, { value: 'twitter', label: 'X / Twitter' }]} aria-label="Platform" />
        <TextInput label="Handle" placeholder="@yourbrand" value={handle} onChange={(e) => setHandle(e.currentTarget.value)} error={fieldError(analyze.error, 'handle')} required />
        <Textarea label="Bio" autosize minRows={3} value={bio} onChange={(e) => setBio(e.currentTarget.value)} error={fieldError(analyze.error, 'bio')} />
        <Textarea label="Recent captions (one per line)" autosize minRows={4} value={captions} onChange={(e) => setCaptions(e.currentTarget.value)} />
        <Group>
          <Button onClick={() => analyze.mutate()} loading={running} disabled={!handle.trim()}>
            Analyse my profile
          </Button>
        </Group>
        {analyze.isError && <ErrorMessage error={analyze.error} />}
        <JobProgress job={job} label="Analysis" />
      </StepCard>

      {analysis && (
        <StepCard title="What we found" intro={social?.analyzed_at ? `Analysed ${new Date(social.analyzed_at).toLocaleString()}` : undefined}>
          <SimpleGrid cols={{ base: 1, sm: 2 }} data-testid="analysis">
            <Field label="Tone" items={analysis.tone} />
            <Field label="Themes" items={analysis.themes} />
            <Field label="Suggested values" items={analysis.suggested_values} />
            <Stack gap={4}>
              <Text fw={600} size="sm">Archetype</Text>
              <Text tt="capitalize">{analysis.archetype ?? '—'}</Text>
            </Stack>
            <Stack gap={4}>
              <Text fw={600} size="sm">Colours</Text>
              <Group gap="xs">
                {(analysis.colors ?? []).map((c) => (
                  <Group key={c} gap={4}>
                    <ColorSwatch color={c} size={22} />
                    <Text size="xs" ff="monospace">{c}</Text>
                  </Group>
                ))}
              </Group>
            </Stack>
          </SimpleGrid>
          <Stack gap={4}>
            <Text fw={600} size="sm">Based on</Text>
            <List size="sm">{(analysis.based_on ?? []).map((b, i) => <List.Item key={i}>{b}</List.Item>)}</List>
          </Stack>
          <Group>
            <Button variant="light" onClick={() => apply.mutate(analysis)} loading={apply.isPending}>
              Apply to my brand
            </Button>
            {apply.isSuccess && <Text size="sm">Applied: values, archetype and a palette from these colours.</Text>}
          </Group>
          {apply.isError && <ErrorMessage error={apply.error} />}
        </StepCard>
      )}

      <Group justify="flex-end">
        <Button onClick={() => next.mutate({ body: {} })} loading={next.isPending}>
          Continue to identity
        </Button>
      </Group>
      {next.isError && <ErrorMessage error={next.error} />}
    </Stack>
  );
}

function Field({ label, items }: { label: string; items?: string[] }) {
  return (
    <Stack gap={4}>
      <Text fw={600} size="sm">{label}</Text>
      <Group gap={6}>{(items ?? []).length ? items?.map((t) => <Badge key={t} variant="light" tt="none">{t}</Badge>) : <Text size="sm">—</Text>}</Group>
    </Stack>
  );
}
