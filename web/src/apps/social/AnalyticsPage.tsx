import { useState } from 'react';
import { Anchor, Badge, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call } from '../../platform/api';
import { EmptyState, PageTitle, QueryView } from '../../platform/components';
import { CampaignAnalyticsPanel, lastDays, METRIC_LABELS, rate, TotalsStrip } from './analytics-parts';
import { networkLabel } from './format';
import { useCampaignOptions } from './hooks';
import { ScrollTable } from './ScrollTable';
import type { TopMetric } from './types';

const TOP_METRICS: TopMetric[] = ['engagements', 'impressions', 'reactions', 'comments', 'shares', 'clicks'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The workspace over a period: totals, per network, top posts by a metric, and a campaign's days. */
export function AnalyticsPage() {
  const [draft, setDraft] = useState(lastDays(30));
  const [period, setPeriod] = useState(draft);
  const [metric, setMetric] = useState<TopMetric>('engagements');
  const [campaignId, setCampaignId] = useState<string | null>(null);
  const campaigns = useCampaignOptions();
  const overview = useQuery({
    queryKey: ['social', 'analytics', 'overview', period.from, period.to],
    queryFn: async () => (await call(api.GET('/social/api/analytics/overview', { params: { query: period } }))).data,
  });
  const top = useQuery({
    queryKey: ['social', 'analytics', 'top', period.from, period.to, metric],
    queryFn: async () => (await call(api.GET('/social/api/analytics/top-posts', { params: { query: { ...period, metric, limit: 10 } } }))).data,
  });
  const valid = DAY.test(draft.from) && DAY.test(draft.to) && draft.from <= draft.to;
  return (
    <Stack>
      <PageTitle>Analytics</PageTitle>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) setPeriod(draft);
        }}
      >
        <Group align="flex-end" wrap="wrap">
          <TextInput type="date" label="From" value={draft.from} onChange={(e) => { const from = e.currentTarget.value; setDraft((d) => ({ ...d, from })); }} />
          <TextInput type="date" label="To" value={draft.to} onChange={(e) => { const to = e.currentTarget.value; setDraft((d) => ({ ...d, to })); }} error={!valid ? 'Choose a first day before the last' : undefined} />
          <Button type="submit" variant="default" disabled={!valid}>Show</Button>
          <Button variant="subtle" onClick={() => { const p = lastDays(30); setDraft(p); setPeriod(p); }}>Last 30 days</Button>
        </Group>
      </form>
      <QueryView query={overview}>
        {(o) => (
          <Stack>
            <Text size="sm" c="dimmed" data-testid="overview-summary">
              {o.from} – {o.to}: {o.posts_published} post(s) published to {o.targets_published} account(s){o.posts_failed > 0 ? `, ${o.posts_failed} failed` : ''}.
              {' '}Accounts: {Object.entries(o.accounts).map(([k, v]) => `${v} ${k.replace(/_/g, ' ')}`).join(', ') || 'none connected'}.
            </Text>
            <TotalsStrip totals={o.totals} testId="overview-totals" />
            <Title order={2} size="h4">Per network</Title>
            {o.networks.length === 0 ? (
              <Text size="sm" c="dimmed">Nothing published in this period.</Text>
            ) : (
              <ScrollTable label="Figures per network" minWidth={560}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Network</Table.Th>
                    <Table.Th>Posts</Table.Th>
                    <Table.Th>Impressions</Table.Th>
                    <Table.Th>Engagements</Table.Th>
                    <Table.Th>Engagement rate</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {o.networks.map((row) => (
                    <Table.Tr key={row.network} data-testid={`network-${row.network}`}>
                      <Table.Td>{networkLabel(row.network)}</Table.Td>
                      <Table.Td>{row.posts_published}</Table.Td>
                      <Table.Td>{row.totals.impressions.toLocaleString()}</Table.Td>
                      <Table.Td>{row.totals.engagements.toLocaleString()}</Table.Td>
                      <Table.Td>{rate(row.totals.engagement_rate)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </ScrollTable>
            )}
          </Stack>
        )}
      </QueryView>
      <Group justify="space-between" align="flex-end">
        <Title order={2} size="h4">Top posts</Title>
        <Select label="By" value={metric} onChange={(v) => v && setMetric(v as TopMetric)} data={TOP_METRICS.map((m) => ({ value: m, label: METRIC_LABELS[m] }))} allowDeselect={false} w={180} />
      </Group>
      <QueryView query={top} isEmpty={(t) => t.posts.length === 0} empty={<EmptyState title="No posts published in this period">Posts show here once published and read from their networks.</EmptyState>}>
        {(t) => (
          <ScrollTable label="Top posts" minWidth={560}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Post</Table.Th>
                <Table.Th>Networks</Table.Th>
                <Table.Th>{METRIC_LABELS[t.metric]}</Table.Th>
                <Table.Th>Engagement rate</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {t.posts.map((p) => (
                <Table.Tr key={p.post_id} data-testid="top-post">
                  <Table.Td><Anchor component={Link} to={`/social/posts/${p.post_id}`}>{p.title ?? p.excerpt}</Anchor></Table.Td>
                  <Table.Td><Group gap={4}>{p.networks.map((nw) => <Badge key={nw} variant="light" color="gray">{networkLabel(nw)}</Badge>)}</Group></Table.Td>
                  <Table.Td>{p.value.toLocaleString()}</Table.Td>
                  <Table.Td>{rate(p.totals.engagement_rate)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </ScrollTable>
        )}
      </QueryView>
      <Select
        label="A campaign's days"
        placeholder="Choose a campaign"
        clearable
        data={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
        value={campaignId}
        onChange={setCampaignId}
        maw={360}
      />
      {campaignId && <CampaignAnalyticsPanel campaignId={campaignId} period={period} />}
    </Stack>
  );
}
