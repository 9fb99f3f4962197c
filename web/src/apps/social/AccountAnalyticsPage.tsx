import { useState } from 'react';
import { Group, SegmentedControl, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, call } from '../../platform/api';
import { PageTitle, QueryView } from '../../platform/components';
import { AccountHealth } from './AccountHealth';
import { lastDays, SeriesChart, TotalsStrip } from './analytics-parts';
import { networkLabel } from './format';

const PERIODS = ['7', '30', '90', '365'] as const;

/** One connected account's figures: what it published in the period, the totals, and per day. */
export function AccountAnalyticsPage() {
  const { accountId } = useParams() as { accountId: string };
  const [days, setDays] = useState<(typeof PERIODS)[number]>('30');
  const period = lastDays(Number(days));
  const figures = useQuery({
    queryKey: ['social', 'analytics', 'account', accountId, period.from, period.to],
    queryFn: async () => (await call(api.GET('/social/api/analytics/accounts/{id}', { params: { path: { id: accountId }, query: period } }))).data,
    // Another period keeps this one on screen (the period control included) until its figures come.
    placeholderData: (previous) => previous,
  });
  return (
    <QueryView query={figures}>
      {(a) => (
        <Stack>
          <PageTitle actions={a.status === 'active' ? undefined : <AccountHealth status={a.status} />}>
            {a.display_name} on {networkLabel(a.network)}
          </PageTitle>
          <Group justify="space-between" wrap="wrap">
            <SegmentedControl
              aria-label="Period"
              value={days}
              onChange={(v) => setDays(v as (typeof PERIODS)[number])}
              data={PERIODS.map((d) => ({ value: d, label: d === '365' ? 'Year' : `${d} days` }))}
            />
            <Text size="sm" c="dimmed" data-testid="account-summary">
              {a.from} – {a.to}: {a.posts_published} post(s) published
            </Text>
          </Group>
          <TotalsStrip totals={a.totals} testId="account-totals" />
          <SeriesChart
            title="The account per publishing day"
            empty="Nothing published from this account in this period."
            points={a.days.map((d) => ({ label: d.day.slice(5), impressions: d.impressions, engagements: d.engagements, reactions: d.reactions, comments: d.comments, shares: d.shares }))}
          />
          <Text size="sm">
            <Link to="/social/accounts">← All accounts</Link>
          </Text>
        </Stack>
      )}
    </QueryView>
  );
}
