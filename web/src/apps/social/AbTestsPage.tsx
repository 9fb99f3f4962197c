import { useState } from 'react';
import { Anchor, Badge, Button, Card, Checkbox, Group, NumberInput, Select, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api, call, fieldError } from '../../platform/api';
import { EmptyState, ErrorMessage, formatDate, PageTitle, QueryView } from '../../platform/components';
import { METRIC_LABELS } from './analytics-parts';
import { networkLabel } from './format';
import { useAccounts, useCanWrite } from './hooks';
import { ScrollTable } from './ScrollTable';
import type { AbTest } from './types';

export const AB_METRICS = ['engagement', 'reactions', 'comments', 'shares', 'clicks'] as const;
type AbMetric = (typeof AB_METRICS)[number];

export const AB_STATUS_COLORS: Record<string, string> = { running: 'blue', completed: 'green', cancelled: 'gray', draft: 'gray' };
export const AB_STATUS_LABELS: Record<string, string> = { running: 'Running', completed: 'Completed', cancelled: 'Cancelled', draft: 'Draft' };

export const abMetricLabel = (m: string) => (m === 'engagement' ? 'Engagement rate' : `${METRIC_LABELS[m] ?? m} per impression`);

/** A/B tests: the list and, for editors, a new test over published posts. */
export function AbTestsPage() {
  const canWrite = useCanWrite();
  const [creating, setCreating] = useState(false);
  const tests = useQuery({ queryKey: ['social', 'ab-tests'], queryFn: async () => (await call(api.GET('/social/api/ab-tests', { params: { query: { limit: 100 } } }))).data });
  return (
    <Stack>
      <PageTitle actions={canWrite && !creating ? <Button onClick={() => setCreating(true)}>New A/B test</Button> : undefined}>A/B tests</PageTitle>
      {creating && <CreateTest onClose={() => setCreating(false)} />}
      <QueryView query={tests} isEmpty={(t) => t.length === 0} empty={<EmptyState title="No A/B tests yet">Publish two versions of a post to the same networks, then compare them here.</EmptyState>}>
        {(list) => (
          <ScrollTable label="A/B tests" minWidth={560}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Test</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Metric</Table.Th>
                <Table.Th>p-value</Table.Th>
                <Table.Th>Started</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td><Anchor component={Link} to={`/social/ab-tests/${t.id}`}>{t.name}</Anchor></Table.Td>
                  <Table.Td><Badge variant="light" color={AB_STATUS_COLORS[t.status] ?? 'gray'}>{AB_STATUS_LABELS[t.status] ?? t.status}</Badge></Table.Td>
                  <Table.Td>{abMetricLabel(t.metric)}</Table.Td>
                  <Table.Td>{t.p_value === null ? '—' : t.p_value.toPrecision(3)}</Table.Td>
                  <Table.Td>{formatDate(t.started_at ? String(t.started_at) : null)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </ScrollTable>
        )}
      </QueryView>
    </Stack>
  );
}

const EVERY_ACCOUNT = 'every';

function CreateTest({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [hypothesis, setHypothesis] = useState('');
  const [metric, setMetric] = useState<AbMetric>('engagement');
  const [alpha, setAlpha] = useState<number>(0.05);
  const [postIds, setPostIds] = useState<string[]>([]);
  // One account isolates the wording: the same audience sees both versions (EVERY_ACCOUNT: each post's own targets).
  const [accountId, setAccountId] = useState<string>(EVERY_ACCOUNT);
  const accounts = useAccounts();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const published = useQuery({
    queryKey: ['social', 'posts', 'published-options'],
    queryFn: async () => {
      const [full, partly] = await Promise.all([
        call(api.GET('/social/api/posts', { params: { query: { status: 'published', limit: 100 } } })),
        call(api.GET('/social/api/posts', { params: { query: { status: 'partially_published', limit: 100 } } })),
      ]);
      return [...full.data.items, ...partly.data.items];
    },
  });
  const create = useMutation({
    mutationFn: async () =>
      (await call(api.POST('/social/api/ab-tests', {
        body: {
          name: name.trim(),
          hypothesis: hypothesis.trim() || null,
          metric,
          alpha,
          variants: postIds.map((post_id, i) => ({ label: String.fromCharCode(65 + i), post_id, account_id: accountId === EVERY_ACCOUNT ? null : accountId })),
        },
      }))).data as AbTest,
    onSuccess: async (test) => {
      await queryClient.invalidateQueries({ queryKey: ['social', 'ab-tests'] });
      navigate(`/social/ab-tests/${test.id}`);
    },
  });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!name.trim()) found.name = 'Name the test';
    if (postIds.length < 2) found.variants = 'Choose two or more published posts';
    if (postIds.length > 10) found.variants = 'Choose at most ten posts';
    setErrors(found);
    if (Object.keys(found).length === 0) create.mutate();
  };
  return (
    <Card withBorder>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Title order={2} size="h4">New A/B test</Title>
          <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name ?? fieldError(create.error, 'name')} maxLength={200} />
          <Textarea label="Hypothesis (optional)" autosize minRows={2} value={hypothesis} onChange={(e) => setHypothesis(e.currentTarget.value)} maxLength={2000} />
          <Group grow align="flex-start">
            <Select label="Metric" value={metric} onChange={(v) => v && setMetric(v as AbMetric)} data={AB_METRICS.map((m) => ({ value: m, label: abMetricLabel(m) }))} allowDeselect={false} />
            <NumberInput label="Significance level (alpha)" value={alpha} onChange={(v) => setAlpha(typeof v === 'number' ? v : Number(v) || 0.05)} min={0.001} max={0.2} step={0.01} decimalScale={3} error={fieldError(create.error, 'alpha')} />
          </Group>
          <Select
            label="Compare on"
            description="One account compares the posts before the same audience; otherwise each post's figures come from every account it went to."
            value={accountId}
            onChange={(v) => v && setAccountId(v)}
            allowDeselect={false}
            data={[
              { value: EVERY_ACCOUNT, label: 'Every account each post went to' },
              ...(accounts.data ?? []).map((a) => ({ value: a.id, label: `${a.display_name} on ${networkLabel(a.network)}` })),
            ]}
          />
          <QueryView query={published} isEmpty={(p) => p.length === 0} empty={<Text size="sm" c="dimmed">No published posts yet: a test compares posts already published.</Text>}>
            {(posts) => (
              <Checkbox.Group label="Variants (published posts, in the order chosen: A, B, …)" value={postIds} onChange={setPostIds} error={errors.variants ?? fieldError(create.error, 'variants')}>
                <Stack gap={6} mt={6}>
                  {posts.map((p) => {
                    const at = postIds.indexOf(p.id);
                    return <Checkbox key={p.id} value={p.id} label={`${at >= 0 ? `${String.fromCharCode(65 + at)}: ` : ''}${p.title ?? p.text.slice(0, 60)}`} />;
                  })}
                </Stack>
              </Checkbox.Group>
            )}
          </QueryView>
          <ErrorMessage error={create.error} />
          <Group>
            <Button type="submit" loading={create.isPending}>Start test</Button>
            <Button variant="default" onClick={onClose}>Cancel</Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
