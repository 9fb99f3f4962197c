import { useState } from 'react';
import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../../platform/api';
import { EmptyState, ErrorMessage, QueryView } from '../../../platform/components';
import { brandKey, jobRunning, useJob, useSaveStep } from '../hooks';
import { JobProgress } from '../JobProgress';
import type { Brand, Mockup } from '../types';
import { StepCard } from './StepCard';

const STATUS_COLOR: Record<Mockup['status'], string> = { generated: 'gray', approved: 'teal', rejected: 'red' };

/** Mockups: describe the label, generate mockups of every selected product (progress), approve or reject each. */
export function MockupsStep({ brand }: { brand: Brand }) {
  const queryClient = useQueryClient();
  const [label, setLabel] = useState(brand.label_design ?? '');
  const mockupsKey = ['brandkit', 'mockups', brand.id];
  const mockups = useQuery({ queryKey: mockupsKey, queryFn: () => call(api.GET('/brandkit/api/brands/{brandId}/mockups', { params: { path: { brandId: brand.id } } })) });
  const selection = useQuery({ queryKey: ['brandkit', 'selection', brand.id], queryFn: () => call(api.GET('/brandkit/api/brands/{brandId}/products', { params: { path: { brandId: brand.id } } })) });
  const names = new Map((selection.data?.items ?? []).map((s) => [s.product_id, s.product.name]));
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJob(jobId, () => void queryClient.invalidateQueries({ queryKey: mockupsKey }));
  const save = useSaveStep(brand.id, 'mockups');
  const labelBody = { label_design: label.trim() || null };
  const generate = useMutation({
    mutationFn: async () => {
      await save.mutateAsync({ stay: true, body: labelBody });
      return call(api.POST('/brandkit/api/brands/{brandId}/mockups/generate', { params: { path: { brandId: brand.id } }, body: { count: 2 } }));
    },
    onSuccess: (r) => setJobId(r.job_id),
  });
  const decide = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'approve' | 'reject' }) =>
      call(api.POST(`/brandkit/api/brands/{brandId}/mockups/{mockupId}/${action}`, { params: { path: { brandId: brand.id, mockupId: id } } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: mockupsKey });
      void queryClient.invalidateQueries({ queryKey: brandKey(brand.id) });
    },
  });
  const approved = mockups.data?.items.filter((m) => m.status === 'approved').length ?? 0;

  return (
    <Stack gap="lg">
      <StepCard title="Label and mockups" intro="Describe your label; it is drawn with your logo and palette and placed on each product you selected.">
        <Textarea label="Label design" placeholder="e.g. Minimal cream label, logo centred, a thin line in the accent colour" autosize minRows={2} value={label} onChange={(e) => setLabel(e.currentTarget.value)} />
        <Group>
          <Button onClick={() => generate.mutate()} loading={generate.isPending || jobRunning(job)} disabled={!label.trim()}>
            Generate mockups
          </Button>
        </Group>
        {generate.isError && <ErrorMessage error={generate.error} />}
        <JobProgress job={job} label="Mockup generation" />
        <QueryView query={mockups} isEmpty={(d) => d.items.length === 0} empty={<EmptyState title="No mockups yet">Generate them from your selected products.</EmptyState>}>
          {(d) => (
            <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} data-testid="mockup-grid">
              {d.items.map((m) => {
                const name = `${names.get(m.product_id ?? '') ?? 'Product'} variation ${m.variation_number}`;
                return (
                  <Card key={m.id} className="bk-card" padding="sm" data-testid="mockup" data-status={m.status}>
                    <Stack gap="xs">
                      <div className="bk-thumb" style={{ height: 200 }}>
                        {m.mockup_url ? <img src={m.mockup_url} alt={`Mockup: ${name}`} loading="lazy" /> : <Text size="sm">No image</Text>}
                      </div>
                      <Group justify="space-between" wrap="nowrap">
                        <Text size="sm" fw={600}>{name}</Text>
                        <Badge color={STATUS_COLOR[m.status]} variant="light">{m.status}</Badge>
                      </Group>
                      <Group grow>
                        <Button size="xs" onClick={() => decide.mutate({ id: m.id, action: 'approve' })} disabled={m.status === 'approved'} aria-label={`Approve ${name}`}>
                          Approve
                        </Button>
                        <Button size="xs" variant="light" color="red" onClick={() => decide.mutate({ id: m.id, action: 'reject' })} disabled={m.status === 'rejected'} aria-label={`Reject ${name}`}>
                          Reject
                        </Button>
                      </Group>
                    </Stack>
                  </Card>
                );
              })}
            </SimpleGrid>
          )}
        </QueryView>
        {decide.isError && <ErrorMessage error={decide.error} />}
      </StepCard>
      {save.isError && <ErrorMessage error={save.error} />}
      <Group justify="flex-end">
        <Text size="sm">{approved} approved</Text>
        <Button onClick={() => save.mutate({ body: labelBody })} loading={save.isPending && !generate.isPending} disabled={approved === 0}>
          Continue to review
        </Button>
      </Group>
    </Stack>
  );
}
