import { useState } from 'react';
import { Card, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api';
import { PageTitle, QueryView } from '../components';
import { DailyChart, formatBytes, RequestsChart, StorageChart, StorageMeter } from '../charts';

const PERIODS = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
];

/** The org's storage against its quota, storage and API requests per day, and its metered actions per day (admins). */
export function Usage() {
  const [days, setDays] = useState('30');
  const usage = useQuery({
    queryKey: ['usage', days],
    queryFn: async () => {
      const to = new Date();
      const from = new Date(to.getTime() - Number(days) * 86_400_000);
      const query = { from: from.toISOString(), to: to.toISOString() };
      const [summary, daily] = await Promise.all([
        call(api.GET('/api/v1/usage/', { params: { query } })),
        call(api.GET('/api/v1/usage/daily', { params: { query } })),
      ]);
      return { summary, daily, from, to };
    },
  });
  return (
    <Stack>
      <PageTitle actions={<SegmentedControl aria-label="Period" data={PERIODS} value={days} onChange={setDays} />}>Usage and storage</PageTitle>
      <QueryView query={usage}>
        {({ summary, daily, from, to }) => (
          <Stack>
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">
                Storage
              </Title>
              <StorageMeter used={summary.storage.storage_used_bytes} limit={summary.storage.storage_limit_bytes} />
            </Card>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Card withBorder>
                <StorageChart title="Storage used per day" rows={daily.storage_days} from={from} to={to} testId="chart-storage-used" />
              </Card>
              <Card withBorder>
                <RequestsChart title="API requests per day" rows={daily.request_days} from={from} to={to} testId="chart-api-requests" />
              </Card>
              <Card withBorder>
                <DailyChart title="Metered actions per day" rows={daily.days} from={from} to={to} field="events" testId="chart-events" />
              </Card>
              <Card withBorder>
                <DailyChart title="Data stored per day" rows={daily.days.filter((d) => d.bytes > 0)} from={from} to={to} field="bytes" testId="chart-bytes" />
              </Card>
            </SimpleGrid>
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">
                Totals
              </Title>
              {summary.actions.length === 0 ? (
                <Text c="dimmed">Nothing metered in this period yet: uploads, captures and generations count here.</Text>
              ) : (
                <Table.ScrollContainer minWidth={360}>
                  <Table>
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Action</Table.Th>
                        <Table.Th ta="right">Times</Table.Th>
                        <Table.Th ta="right">Data</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {summary.actions.map((a) => (
                        <Table.Tr key={a.action}>
                          <Table.Td>{a.action}</Table.Td>
                          <Table.Td ta="right">{a.events.toLocaleString()}</Table.Td>
                          <Table.Td ta="right">{formatBytes(Number(a.bytes))}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
            </Card>
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}
