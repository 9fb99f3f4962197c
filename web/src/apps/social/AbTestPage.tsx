import { Alert, Anchor, Badge, Button, Group, List, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call } from '../../platform/api';
import { ErrorMessage, formatDate, PageTitle, QueryView } from '../../platform/components';
import { ConfirmButton } from '../../platform/ConfirmButton';
import { rate } from './analytics-parts';
import { AB_STATUS_COLORS, AB_STATUS_LABELS, abMetricLabel } from './AbTestsPage';
import { networkLabel } from './format';
import { useAccounts, useCanWrite } from './hooks';
import { ScrollTable } from './ScrollTable';
import type { AbTest } from './types';

const p = (v: number | null) => (v === null ? '—' : v < 0.0001 ? v.toExponential(2) : v.toPrecision(3));

/** One A/B test: its variants' figures, the current verdict, evaluate, cancel, delete (editors). */
export function AbTestPage() {
  const { testId } = useParams() as { testId: string };
  const canWrite = useCanWrite();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const path = { params: { path: { id: testId } } };
  const key = ['social', 'ab-tests', 'one', testId];
  const accounts = useAccounts();
  const accountName = (id: string) => {
    const a = accounts.data?.find((x) => x.id === id);
    return a ? `${a.display_name} on ${networkLabel(a.network)}` : 'one account';
  };
  const test = useQuery({ queryKey: key, queryFn: async () => (await call(api.GET('/social/api/ab-tests/{id}', path))).data });
  const act = useMutation({
    mutationFn: async (what: 'evaluate' | 'cancel') =>
      (what === 'evaluate' ? await call(api.POST('/social/api/ab-tests/{id}/evaluate', path)) : await call(api.POST('/social/api/ab-tests/{id}/cancel', path))).data as AbTest,
    onSuccess: (t) => queryClient.setQueryData(key, t),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['social', 'ab-tests'] }),
  });
  return (
    <QueryView query={test}>
      {(t) => (
        <Stack>
          <PageTitle actions={<Badge variant="light" color={AB_STATUS_COLORS[t.status] ?? 'gray'} data-testid="ab-status">{AB_STATUS_LABELS[t.status] ?? t.status}</Badge>}>{t.name}</PageTitle>
          {t.hypothesis && <Text>{t.hypothesis}</Text>}
          <Text size="sm" c="dimmed">
            {abMetricLabel(t.metric)} · alpha {t.alpha} · started {formatDate(t.started_at ? String(t.started_at) : null)}
            {t.ended_at ? ` · ended ${formatDate(String(t.ended_at))}` : ''}
          </Text>
          {t.warnings.length > 0 && (
            <Alert color="yellow" title="Check before reading the figures">
              <List size="sm">{t.warnings.map((w) => <List.Item key={w}>{w}</List.Item>)}</List>
            </Alert>
          )}
          <ScrollTable label="Variants" minWidth={560}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Variant</Table.Th>
                <Table.Th>Post</Table.Th>
                <Table.Th>Impressions</Table.Th>
                <Table.Th>Successes</Table.Th>
                <Table.Th>Rate</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {t.variants.map((v) => (
                <Table.Tr key={v.id} data-testid={`variant-${v.label}`}>
                  <Table.Td>
                    <Group gap={6}>
                      <Text fw={600}>{v.label}</Text>
                      {t.winner?.id === v.id && <Badge color="green" variant="light">Winner</Badge>}
                    </Group>
                  </Table.Td>
                  <Table.Td><Anchor component={Link} to={`/social/posts/${v.post_id}`}>Open post</Anchor>{v.account_id && <Text size="xs">on {accountName(v.account_id)}</Text>}{v.targets_published === 0 && <Text size="xs" c="dimmed">Not published yet</Text>}</Table.Td>
                  <Table.Td>{v.impressions.toLocaleString()}</Table.Td>
                  <Table.Td>{v.successes.toLocaleString()}</Table.Td>
                  <Table.Td>{rate(v.rate)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </ScrollTable>
          <Alert color={t.verdict.significant ? 'green' : 'blue'} title={t.verdict.winner ? `Winner: ${t.verdict.winner.label}` : 'No winner yet'} data-testid="ab-verdict">
            <Stack gap={4}>
              <Text size="sm">{t.verdict.message}</Text>
              <Text size="sm">
                Test: {t.verdict.test} · p-value {p(t.verdict.p_value)} · alpha {t.verdict.alpha}
                {t.verdict.statistic !== null ? ` · statistic ${t.verdict.statistic.toFixed(2)}` : ''}
              </Text>
              {t.verdict.pairwise && <Text size="sm">Best against runner-up: p-value {p(t.verdict.pairwise.p_value)} against {p(t.verdict.pairwise.threshold)} (Bonferroni)</Text>}
            </Stack>
          </Alert>
          <ErrorMessage error={act.error} />
          {canWrite && (
            <Group gap="xs">
              {t.status === 'running' && <Button onClick={() => act.mutate('evaluate')} loading={act.isPending && act.variables === 'evaluate'}>Evaluate</Button>}
              {t.status === 'running' && <Button variant="default" onClick={() => act.mutate('cancel')} loading={act.isPending && act.variables === 'cancel'}>Cancel test</Button>}
              <ConfirmButton variant="default" title={`Delete ${t.name}?`} message="The test and its verdict go; the posts stay." confirmLabel="Delete" onConfirm={async () => {
                await call(api.DELETE('/social/api/ab-tests/{id}', path));
                await queryClient.invalidateQueries({ queryKey: ['social', 'ab-tests'] });
                navigate('/social/ab-tests');
              }}>
                Delete
              </ConfirmButton>
            </Group>
          )}
        </Stack>
      )}
    </QueryView>
  );
}
