import { useState } from 'react';
import { Alert, Button, ColorSwatch, Group, List, SimpleGrid, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, call } from '../../../platform/api';
import { ErrorMessage } from '../../../platform/components';
import { brandKey, downloadWithSession, jobRunning, useJob } from '../hooks';
import { JobProgress } from '../JobProgress';
import { STEP_LABELS } from '../types';
import type { Brand } from '../types';
import { StepCard } from './StepCard';

/** Review: what is still missing (the API's words), the brand guide PDF and kit ZIP, and submission. */
export function ReviewStep({ brand }: { brand: Brand }) {
  const queryClient = useQueryClient();
  const missing = brand.steps.filter((s) => s.required && !s.complete);
  const [guideJob, setGuideJob] = useState<string | null>(null);
  const [guideReady, setGuideReady] = useState(false);
  const job = useJob(guideJob, (j) => setGuideReady(j.state === 'completed'));
  const build = useMutation({
    mutationFn: () => call(api.POST('/brandkit/api/brands/{brandId}/guide', { params: { path: { brandId: brand.id } } })),
    onSuccess: (r) => {
      setGuideReady(false);
      setGuideJob(r.job_id);
    },
  });
  const download = useMutation({
    mutationFn: (what: 'guide' | 'kit') => downloadWithSession(`/brandkit/api/brands/${brand.id}/${what}`, what === 'guide' ? 'brand-guide.pdf' : 'brand-kit.zip'),
  });
  const submit = useMutation({
    mutationFn: () => call(api.POST('/brandkit/api/brands/{brandId}/submit', { params: { path: { brandId: brand.id } } })),
    onSuccess: (b) => {
      queryClient.setQueryData(brandKey(brand.id), b);
      void queryClient.invalidateQueries({ queryKey: ['brandkit', 'brands'] });
    },
  });
  const final = brand.status === 'submitted' || brand.status === 'published';

  return (
    <Stack gap="lg">
      <StepCard title="Review" intro="Everything the brand has, what it still needs, and its files.">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Stack gap={4}>
            <Text size="sm"><b>Archetype:</b> <span style={{ textTransform: 'capitalize' }}>{brand.brand_archetype ?? '—'}</span></Text>
            <Text size="sm"><b>Values:</b> {brand.brand_values.join(', ') || '—'}</Text>
            <Text size="sm"><b>Audience:</b> {brand.target_audience ?? '—'}</Text>
            <Text size="sm"><b>Fonts:</b> {brand.fonts.heading ? `${brand.fonts.heading} / ${brand.fonts.body ?? ''}` : '—'}</Text>
            <Text size="sm"><b>Logo layout:</b> {brand.logo_style ?? '—'}</Text>
          </Stack>
          <Group gap="xs" aria-label="Palette">
            {brand.color_palette.map((c) => (
              <Group key={c.role} gap={4}>
                <ColorSwatch color={c.hex} size={22} />
                <Text size="xs">{c.role} {c.hex}</Text>
              </Group>
            ))}
          </Group>
        </SimpleGrid>
        {missing.length > 0 ? (
          <Alert color="orange" title="Still missing before you can submit" data-testid="review-missing">
            <List size="sm">
              {missing.map((s) => (
                <List.Item key={s.step}>
                  {STEP_LABELS[s.step]}: {s.missing.join(', ')}
                </List.Item>
              ))}
            </List>
          </Alert>
        ) : (
          !final && <Alert color="teal" title="Every required step is complete">You can submit the brand.</Alert>
        )}
      </StepCard>

      <StepCard title="Your files" intro="The brand guide (PDF) and the brand kit (ZIP: logos, favicons, social images, palette files).">
        <Group wrap="wrap">
          <Button variant="light" onClick={() => build.mutate()} loading={build.isPending || jobRunning(job)}>
            {guideReady ? 'Build the guide again' : 'Build the brand guide'}
          </Button>
          <Button onClick={() => download.mutate('guide')} disabled={download.isPending}>
            Download the guide (PDF)
          </Button>
          <Button onClick={() => download.mutate('kit')} disabled={download.isPending}>
            Download the kit (ZIP)
          </Button>
        </Group>
        <JobProgress job={job} label="Brand guide" />
        {build.isError && <ErrorMessage error={build.error} />}
        {download.isError && <ErrorMessage error={download.error} />}
      </StepCard>

      {!final && (
        <Stack gap="xs">
          {submit.isError && (
            <Alert color="red" title="Not submitted" role="alert">
              <Text size="sm">{submit.error.message}</Text>
              {submit.error instanceof ApiError && submit.error.code === 'STEPS_INCOMPLETE' && <Text size="sm">Open the steps marked “to do” above.</Text>}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button size="md" onClick={() => submit.mutate()} loading={submit.isPending}>
              Submit the brand
            </Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}
