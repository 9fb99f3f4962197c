import { useState } from 'react';
import { Badge, Button, FileButton, Group, SegmentedControl, SimpleGrid, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../platform/api';
import { EmptyState, ErrorMessage, QueryView } from '../../../platform/components';
import { brandKey, jobRunning, useJob, useSaveStep } from '../hooks';
import { JobProgress } from '../JobProgress';
import { sendImage } from '../send-image';
import type { Brand } from '../types';
import { StepCard } from './StepCard';

type Layout = 'wordmark' | 'monogram' | 'icon-wordmark' | 'stacked' | 'badge';
const LAYOUTS: Array<{ value: Layout; label: string }> = [
  { value: 'wordmark', label: 'Wordmark' },
  { value: 'monogram', label: 'Monogram' },
  { value: 'icon-wordmark', label: 'Icon + wordmark' },
  { value: 'stacked', label: 'Stacked' },
  { value: 'badge', label: 'Badge' },
];

/** Logo: generate variations of a layout, "vary this one", or upload one the brand already has; choose the primary. */
export function LogoStep({ brand }: { brand: Brand }) {
  const queryClient = useQueryClient();
  const [layout, setLayout] = useState<Layout>(LAYOUTS.find((l) => l.value === brand.logo_style)?.value ?? 'wordmark');
  const logosKey = ['brandkit', 'assets', brand.id, 'logo'];
  const logos = useQuery({ queryKey: logosKey, queryFn: () => call(api.GET('/brandkit/api/brands/{brandId}/assets', { params: { path: { brandId: brand.id }, query: { type: 'logo' } } })) });
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJob(jobId, () => void queryClient.invalidateQueries({ queryKey: logosKey }));
  const saveStyle = useSaveStep(brand.id, 'logo');
  const generate = useMutation({
    mutationFn: async () => {
      await saveStyle.mutateAsync({ stay: true, body: { logo_style: layout } });
      return call(api.POST('/brandkit/api/brands/{brandId}/logos/generate', { params: { path: { brandId: brand.id } }, body: { layout, count: 6 } }));
    },
    onSuccess: (r) => setJobId(r.job_id),
  });
  const vary = useMutation({
    mutationFn: (assetId: string) => call(api.POST('/brandkit/api/brands/{brandId}/logos/{assetId}/vary', { params: { path: { brandId: brand.id, assetId } }, body: { count: 3 } })),
    onSuccess: (r) => setJobId(r.job_id),
  });
  const choose = useMutation({
    mutationFn: (assetId: string) => call(api.POST('/brandkit/api/brands/{brandId}/assets/{assetId}/primary', { params: { path: { brandId: brand.id, assetId } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: logosKey });
      void queryClient.invalidateQueries({ queryKey: brandKey(brand.id) });
    },
  });
  // An uploaded logo becomes the chosen one (the route's default): the user brought it to use it.
  const upload = useMutation({
    mutationFn: (file: File) => sendImage('POST', `/brandkit/api/brands/${brand.id}/assets/logo`, file),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: logosKey });
      void queryClient.invalidateQueries({ queryKey: brandKey(brand.id) });
    },
  });
  const running = generate.isPending || vary.isPending || jobRunning(job);

  return (
    <Stack gap="lg">
      <StepCard title="Logo" intro="Pick a layout and generate variations drawn from your name, palette and fonts. Vary the ones you like, then choose one, or upload the logo you already have (PNG, JPEG or WebP).">
        <SegmentedControl data={LAYOUTS} value={layout} onChange={(v) => setLayout(v as Layout)} aria-label="Logo layout" style={{ overflowX: 'auto' }} />
        <Group>
          <Button onClick={() => generate.mutate()} loading={running}>
            Generate logos
          </Button>
          <FileButton onChange={(f) => f && upload.mutate(f)} accept="image/png,image/jpeg,image/webp">
            {(props) => (
              <Button variant="light" {...props} loading={upload.isPending}>
                Upload my logo…
              </Button>
            )}
          </FileButton>
        </Group>
        {generate.isError && <ErrorMessage error={generate.error} />}
        {upload.isError && <ErrorMessage error={upload.error} />}
        {vary.isError && <ErrorMessage error={vary.error} />}
        <JobProgress job={job} label="Logo generation" />
        <QueryView query={logos} isEmpty={(d) => d.items.length === 0} empty={<EmptyState title="No logos yet">Generate a set to choose from.</EmptyState>}>
          {(d) => (
            <SimpleGrid cols={{ base: 2, sm: 3, md: 4 }} data-testid="logo-grid">
              {d.items.map((a, i) => (
                <Stack key={a.id} gap={6}>
                  <div className="bk-logo-tile" data-primary={a.is_primary}>
                    <img src={a.file_url} alt={`${a.metadata.source === 'upload' ? 'Uploaded logo' : 'Logo variation'} ${i + 1}${a.is_primary ? ' (chosen)' : ''}`} loading="lazy" />
                  </div>
                  {a.is_primary ? (
                    <Badge color="teal.9" variant="filled" fullWidth>
                      Chosen
                    </Badge>
                  ) : (
                    <Button size="xs" onClick={() => choose.mutate(a.id)} loading={choose.isPending && choose.variables === a.id} aria-label={`Choose logo variation ${i + 1}`}>
                      Choose
                    </Button>
                  )}
                  {a.metadata.source !== 'upload' && (
                    <Button size="xs" variant="subtle" onClick={() => vary.mutate(a.id)} disabled={running} aria-label={`Vary logo variation ${i + 1}`}>
                      Vary this one
                    </Button>
                  )}
                </Stack>
              ))}
            </SimpleGrid>
          )}
        </QueryView>
        {choose.isError && <ErrorMessage error={choose.error} />}
      </StepCard>
      {saveStyle.isError && <ErrorMessage error={saveStyle.error} />}
      <Group justify="flex-end">
        <Text size="sm">{logos.data?.items.some((a) => a.is_primary) ? '' : 'Choose a logo to continue.'}</Text>
        <Button onClick={() => saveStyle.mutate({ body: { logo_style: layout } })} loading={saveStyle.isPending && !generate.isPending} disabled={!logos.data?.items.some((a) => a.is_primary)}>
          Continue with this logo
        </Button>
      </Group>
    </Stack>
  );
}
