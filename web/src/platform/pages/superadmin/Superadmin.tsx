import { useState } from 'react';
import { Alert, Card, Group, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api';
import { PageTitle, QueryView } from '../../components';
import { DailyChart, formatBytes, RequestsChart, StorageChart, StorageMeter } from '../../charts';
import { useMe } from '../../Shell';
import type { AdminOrg } from '../../../api/types';
import { Tenants } from './Tenants';
import { CreateOrg } from './CreateOrg';
import { Activity } from './Activity';

const CHART_DAYS = 30;

function Overview() {
  const stats = useQuery({ queryKey: ['admin', 'stats'], queryFn: () => call(api.GET('/api/v1/admin/stats')) });
  const series = useQuery({
    queryKey: ['admin', 'usage-daily'],
    queryFn: async () => {
      const to = new Date();
      const from = new Date(to.getTime() - CHART_DAYS * 86_400_000);
      return { ...(await call(api.GET('/api/v1/admin/usage/daily', { params: { query: { from: from.toISOString(), to: to.toISOString() } } }))), from, to };
    },
  });
  return (
    <Stack>
      <QueryView query={stats}>
        {(s) => (
          <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} data-testid="platform-stats">
            {[
              ['Organizations', s.orgs],
              ['Suspended', s.suspended_orgs],
              ['Users', s.users],
              ['Active API keys', s.active_api_keys],
              ['Storage used', formatBytes(Number(s.storage_used_bytes))],
            ].map(([label, value]) => (
              <Card withBorder key={label}>
                <Text size="sm" c="dimmed">{label}</Text>
                <Text fw={700} size="xl">{value}</Text>
              </Card>
            ))}
          </SimpleGrid>
        )}
      </QueryView>
      <QueryView query={series}>
        {(d) => (
          <Stack>
            <Card withBorder>
              <Title order={3} size="h5" mb="xs">Storage across all organizations</Title>
              <StorageMeter used={d.storage.storage_used_bytes} limit={d.storage.storage_limit_bytes} />
            </Card>
            <SimpleGrid cols={{ base: 1, md: 2 }}>
              <Card withBorder>
                <StorageChart title={`Storage used per day, all organizations, last ${CHART_DAYS} days`} rows={d.storage_days} from={d.from} to={d.to} testId="chart-storage-used" />
              </Card>
              <Card withBorder>
                <RequestsChart title={`API requests per day, all organizations, last ${CHART_DAYS} days`} rows={d.request_days} from={d.from} to={d.to} testId="chart-api-requests" />
              </Card>
              <Card withBorder>
                <DailyChart title={`Metered actions per day, last ${CHART_DAYS} days`} rows={d.days} from={d.from} to={d.to} field="events" testId="chart-actions" />
              </Card>
              <Card withBorder>
                <DailyChart title={`Data stored per day, last ${CHART_DAYS} days`} rows={d.days.filter((r) => r.bytes > 0)} from={d.from} to={d.to} field="bytes" testId="chart-bytes" />
              </Card>
            </SimpleGrid>
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}

/** The platform operator's portal: every tenant, new organizations, plans and limits, activity, charts. */
export function Superadmin() {
  const me = useMe();
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<AdminOrg | null>(null);
  const [tab, setTab] = useState<string | null>('tenants');
  if (me.isPending) return null;
  if (!me.data?.user?.is_superadmin) {
    return (
      <Alert color="gray" title="For platform operators only" role="alert">
        This page is for the operators of this installation. Ask one to make you a superadmin (`tenantry admin create-superadmin`) if you need it.
      </Alert>
    );
  }
  return (
    <Stack>
      <PageTitle>Superadmin</PageTitle>
      <Overview />
      {created && (
        <Alert color="teal" title={`Created ${created.name}`} styles={{ title: { color: 'var(--mantine-color-dark-8)' } }} withCloseButton onClose={() => setCreated(null)} closeButtonLabel="Dismiss">
          <Group gap="xs">
            <Text size="sm">Its first admin can log in now; the organization appears in the list below.</Text>
          </Group>
        </Alert>
      )}
      <Tabs value={tab} onChange={setTab}>
        <Tabs.List>
          <Tabs.Tab value="tenants">Organizations</Tabs.Tab>
          <Tabs.Tab value="create">Create an organization</Tabs.Tab>
          <Tabs.Tab value="activity">Activity</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="tenants" pt="md">
          <Tenants />
        </Tabs.Panel>
        <Tabs.Panel value="create" pt="md" maw={560}>
          <CreateOrg
            onCreated={(org) => {
              setCreated(org);
              setTab('tenants');
              void queryClient.invalidateQueries({ queryKey: ['admin'] });
            }}
          />
        </Tabs.Panel>
        <Tabs.Panel value="activity" pt="md">
          <Activity />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
