import { useState } from 'react';
import { Anchor, Button, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call } from '../../platform/api';
import { PageTitle, QueryView } from '../../platform/components';
import { STATUS_COLORS } from './format';
import { useCanWrite, useLivePosts, useSettings } from './hooks';
import { ScheduleDialog } from './ScheduleFields';
import { shift, toDay, viewDays, wallClock } from './calendar-range';
import type { CalendarEntry } from './types';

const RESCHEDULABLE = ['draft', 'approved', 'scheduled', 'cancelled'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
/** Posts a day cell lists before "+N more": a month stays readable, a week shows most of a busy day. */
const PER_DAY = { month: 4, week: 50 } as const;

/**
 * Posts by day in the workspace's time zone (month or week); a planned post can be moved with
 * the reschedule dialog. A busy day lists its first posts and "+N more", which opens its week.
 */
export function CalendarPage() {
  useLivePosts();
  const canWrite = useCanWrite();
  const settings = useSettings();
  const queryClient = useQueryClient();
  const [view, setView] = useState<'month' | 'week'>('month');
  const [anchor, setAnchor] = useState(() => toDay(Date.now()));
  const [moving, setMoving] = useState<CalendarEntry | null>(null);
  const days = viewDays(view, anchor);
  const zone = settings.data?.timezone;
  const calendar = useQuery({
    queryKey: ['social', 'posts', 'calendar', days[0], days[days.length - 1], zone, PER_DAY[view]],
    enabled: Boolean(zone),
    queryFn: async () => (await call(api.GET('/social/api/posts/calendar', { params: { query: { from: days[0], to: days[days.length - 1], timezone: zone, per_day: PER_DAY[view] } } }))).data,
  });
  const title = view === 'month'
    ? new Date(`${anchor.slice(0, 7)}-01T12:00:00Z`).toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' })
    : `Week of ${new Date(`${days[0]}T12:00:00Z`).toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' })}`;
  return (
    <Stack>
      <PageTitle actions={<SegmentedControl value={view} onChange={(v) => setView(v as 'month' | 'week')} data={[{ value: 'month', label: 'Month' }, { value: 'week', label: 'Week' }]} aria-label="Calendar view" />}>
        Calendar
      </PageTitle>
      <Group justify="space-between">
        <Group gap="xs">
          <Button variant="default" size="xs" onClick={() => setAnchor(shift(view, anchor, -1))}>Previous</Button>
          <Button variant="default" size="xs" onClick={() => setAnchor(toDay(Date.now()))}>Today</Button>
          <Button variant="default" size="xs" onClick={() => setAnchor(shift(view, anchor, 1))}>Next</Button>
        </Group>
        <Title order={2} size="h4">{title}</Title>
        {zone && <Text size="sm" c="dimmed">Times in {zone}</Text>}
      </Group>
      <QueryView query={calendar}>
        {(data) => {
          const byDay = new Map(data.days.map((d) => [d.date, d]));
          return (
            <>
              {data.days.length === 0 && (
                <Text size="sm" c="dimmed" hiddenFrom="sm">Nothing planned in this {view}.</Text>
              )}
              <SimpleGrid cols={{ base: 1, sm: 7 }} spacing={4} visibleFrom="sm">
                {WEEKDAYS.map((d) => (
                  <Text key={d} size="xs" fw={600} ta="center">{d}</Text>
                ))}
              </SimpleGrid>
              <SimpleGrid cols={{ base: 1, sm: 7 }} spacing={4}>
                {days.map((day) => {
                  const posts = byDay.get(day)?.posts ?? [];
                  const more = byDay.get(day)?.more ?? 0;
                  const outside = view === 'month' && day.slice(0, 7) !== anchor.slice(0, 7);
                  return (
                    // On a phone the grid is one column: only the days with posts are shown.
                    <Paper key={day} withBorder p={6} mih={90} bg={outside ? 'gray.0' : undefined} data-testid={`day-${day}`} visibleFrom={posts.length === 0 ? 'sm' : undefined}>
                      <Text size="xs" fw={600} c={outside ? 'dimmed' : undefined}>
                        {new Date(`${day}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', timeZone: 'UTC' })}
                      </Text>
                      <Stack gap={2} mt={4}>
                        {posts.map((p) => (
                          <Group key={p.id} gap={4} wrap="nowrap" style={{ borderLeft: `3px solid var(--mantine-color-${STATUS_COLORS[p.status] ?? 'gray'}-6)`, paddingLeft: 4 }}>
                            <Anchor component={Link} to={`/social/posts/${p.id}`} size="xs" lineClamp={2} style={{ flex: 1 }}>
                              {wallClock(p.scheduled_at, data.timezone).slice(11)} {p.title ?? p.excerpt.slice(0, 40)}
                            </Anchor>
                            {canWrite && RESCHEDULABLE.includes(p.status) && (
                              <Button size="compact-xs" variant="subtle" onClick={() => setMoving(p)} aria-label={`Move ${p.title ?? 'post'}`}>
                                Move
                              </Button>
                            )}
                          </Group>
                        ))}
                        {more > 0 && (view === 'month' ? (
                          <Button size="compact-xs" variant="subtle" onClick={() => { setView('week'); setAnchor(day); }} aria-label={`${more} more posts on ${day}: open its week`}>
                            +{more} more
                          </Button>
                        ) : (
                          <Text size="xs" c="dimmed">+{more} more</Text>
                        ))}
                      </Stack>
                    </Paper>
                  );
                })}
              </SimpleGrid>
            </>
          );
        }}
      </QueryView>
      {moving && zone && (
        <ScheduleDialog
          opened
          onClose={() => setMoving(null)}
          title={`Move “${moving.title ?? moving.excerpt.slice(0, 40)}”`}
          initialAt={wallClock(moving.scheduled_at, moving.timezone)}
          initialZone={moving.timezone}
          onSchedule={async (at, tz) => {
            await call(api.POST('/social/api/posts/{id}/schedule', { params: { path: { id: moving.id } }, body: { scheduled_at: at, timezone: tz } }));
            await queryClient.invalidateQueries({ queryKey: ['social', 'posts'] });
          }}
        />
      )}
    </Stack>
  );
}
