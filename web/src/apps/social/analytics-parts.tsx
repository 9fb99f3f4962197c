/** Pieces the analytics pages share: the totals strip, the series chart, the post and campaign panels. */
import { Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api, call } from '../../platform/api';
import { QueryView } from '../../platform/components';
import { networkLabel } from './format';
import { ScrollTable } from './ScrollTable';
import type { Totals } from './types';

const TOOLTIP_ITEM_STYLE = { color: 'var(--mantine-color-text)' };
const COLORS = ['#1c7ed6', '#e8590c', '#2f9e44', '#9c36b5', '#c2255c'];
const SERIES = ['impressions', 'engagements', 'reactions', 'comments', 'shares'] as const;

export const METRIC_LABELS: Record<string, string> = {
  impressions: 'Impressions',
  reactions: 'Reactions',
  comments: 'Comments',
  shares: 'Shares',
  clicks: 'Clicks',
  engagements: 'Engagements',
  engagement: 'Engagement rate',
};

export const rate = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(2)} %`);
const n = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toLocaleString());

/** Today and `days` − 1 days before, as YYYY-MM-DD (UTC, as the API counts days). */
export function lastDays(days: number): { from: string; to: string } {
  const to = new Date();
  const from = new Date(to.getTime() - (days - 1) * 86_400_000);
  return { from: from.toISOString().slice(0, 10), to: to.toISOString().slice(0, 10) };
}

export function TotalsStrip({ totals, testId }: { totals: Totals; testId?: string }) {
  const cells: Array<[string, string]> = [
    ['Impressions', n(totals.impressions)],
    ['Engagements', n(totals.engagements)],
    ['Engagement rate', rate(totals.engagement_rate)],
    ['Reactions', n(totals.reactions)],
    ['Comments', n(totals.comments)],
    ['Shares', n(totals.shares)],
    ['Clicks', n(totals.clicks)],
  ];
  return (
    <SimpleGrid cols={{ base: 2, sm: 4, lg: 7 }} data-testid={testId}>
      {cells.map(([label, value]) => (
        <Card withBorder p="xs" key={label}>
          <Text size="xs" c="dimmed">{label}</Text>
          <Text fw={700} size="lg" data-testid={testId ? `${testId}-${label.toLowerCase().replace(/ /g, '-')}` : undefined}>{value}</Text>
        </Card>
      ))}
    </SimpleGrid>
  );
}

type Point = { label: string } & Partial<Record<(typeof SERIES)[number], number | null>>;

/** A line per metric over time; `title` names it for screen readers and sighted readers alike. */
export function SeriesChart({ title, points, empty }: { title: string; points: Point[]; empty: string }) {
  const keys = SERIES.filter((k) => points.some((p) => typeof p[k] === 'number'));
  return (
    <figure style={{ margin: 0 }}>
      <Text component="figcaption" fw={600} mb="xs">{title}</Text>
      {points.length === 0 || keys.length === 0 ? (
        <Text c="dimmed" size="sm">{empty}</Text>
      ) : (
        <div style={{ width: '100%', height: 240 }} role="img" aria-label={`${title}: ${keys.map((k) => `${METRIC_LABELS[k]} ${n(points.at(-1)?.[k])}`).join(', ')} at ${points.at(-1)?.label}`}>
          <ResponsiveContainer>
            <LineChart data={points} margin={{ top: 4, right: 8, bottom: 4, left: 8 }} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" minTickGap={16} fontSize={12} />
              <YAxis width={48} fontSize={12} allowDecimals={false} />
              <Tooltip itemStyle={TOOLTIP_ITEM_STYLE} />
              <Legend />
              {keys.map((k, i) => (
                <Line key={k} type="monotone" dataKey={k} name={METRIC_LABELS[k]} stroke={COLORS[i % COLORS.length]} strokeWidth={2} dot={points.length < 3} connectNulls isAnimationActive={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}

const shortTime = (d: string) => new Date(d).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** The post page's figures: latest reading per target and each target's series. */
export function PostAnalyticsPanel({ postId }: { postId: string }) {
  const figures = useQuery({
    queryKey: ['social', 'analytics', 'post', postId],
    queryFn: async () => (await call(api.GET('/social/api/analytics/posts/{id}', { params: { path: { id: postId } } }))).data,
  });
  return (
    <Stack gap="xs" data-testid="post-analytics">
      <Title order={2} size="h4">Figures</Title>
      <QueryView query={figures}>
        {(a) => (
          <Stack>
            <TotalsStrip totals={a.totals} testId="post-totals" />
            <ScrollTable label="Latest figures per account" minWidth={620}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Account</Table.Th>
                  <Table.Th>Impressions</Table.Th>
                  <Table.Th>Reactions</Table.Th>
                  <Table.Th>Comments</Table.Th>
                  <Table.Th>Shares</Table.Th>
                  <Table.Th>Clicks</Table.Th>
                  <Table.Th>Read at</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {a.targets.map((t) => (
                  <Table.Tr key={t.target_id}>
                    <Table.Td>{networkLabel(t.network)} · {t.account_name}</Table.Td>
                    <Table.Td>{n(t.latest?.impressions)}</Table.Td>
                    <Table.Td>{n(t.latest?.reactions)}</Table.Td>
                    <Table.Td>{n(t.latest?.comments)}</Table.Td>
                    <Table.Td>{n(t.latest?.shares)}</Table.Td>
                    <Table.Td>{n(t.latest?.clicks)}</Table.Td>
                    <Table.Td>{t.latest ? shortTime(String(t.latest.collected_at)) : 'Not read yet'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </ScrollTable>
            {a.targets.filter((t) => t.series.length > 0).map((t) => (
              <SeriesChart
                key={t.target_id}
                title={`${networkLabel(t.network)} · ${t.account_name} over time`}
                empty="No readings yet."
                points={t.series.map((r) => ({
                  label: shortTime(String(r.collected_at)),
                  impressions: r.impressions,
                  reactions: r.reactions,
                  comments: r.comments,
                  shares: r.shares,
                  engagements: [r.reactions, r.comments, r.shares, r.clicks].reduce<number>((s, v) => s + (v ?? 0), 0),
                }))}
              />
            ))}
            {a.targets.every((t) => t.series.length === 0) && <Text size="sm" c="dimmed">No figures yet: they are read from the networks a while after publishing.</Text>}
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}

/** The campaign page's figures over the last 30 days: totals and the daily series. */
export function CampaignAnalyticsPanel({ campaignId, period = lastDays(30) }: { campaignId: string; period?: { from: string; to: string } }) {
  const figures = useQuery({
    queryKey: ['social', 'analytics', 'campaign', campaignId, period.from, period.to],
    queryFn: async () => (await call(api.GET('/social/api/analytics/campaigns/{id}', { params: { path: { id: campaignId }, query: period } }))).data,
  });
  return (
    <Stack gap="xs" data-testid="campaign-analytics">
      <Group justify="space-between">
        <Title order={2} size="h4">Figures</Title>
        <Text size="sm" c="dimmed">{period.from} – {period.to}</Text>
      </Group>
      <QueryView query={figures}>
        {(c) => (
          <Stack>
            <TotalsStrip totals={c.totals} testId="campaign-totals" />
            <SeriesChart
              title="The campaign per day"
              empty="No figures in this period yet."
              points={c.days.map((d) => ({ label: d.day.slice(5), impressions: d.impressions, engagements: d.engagements, reactions: d.reactions, comments: d.comments, shares: d.shares }))}
            />
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}
