import { useState } from 'react';
import { Anchor, Button, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call } from '../../platform/api';
import { ErrorMessage, PageTitle, QueryView } from '../../platform/components';
import { STATUS_COLORS } from './format';
import { useCanWrite, useLivePosts, useSettings } from './hooks';
import { ScheduleDialog } from './ScheduleFields';
import { droppedAt, shift, toDay, viewDays, wallClock } from './calendar-range';
import type { CalendarEntry } from './types';

const RESCHEDULABLE = ['draft', 'approved', 'scheduled', 'cancelled'];
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
/** Posts a day cell lists before "+N more": a month stays readable, a week shows most of a busy day. */
const PER_DAY = { month: 4, week: 50 } as const;

/**
 * Posts by day in the workspace's time zone (month or week); a planned post is moved by
 * dragging it to another day (same time of day, in its own zone) or, from the keyboard and on a
 * phone, with its Move button's dialog. A busy day lists its first posts and "+N more", which
 * opens its week.
 */
export function CalendarPage() {
  useLivePosts();
  const canWrite = useCanWrite();
  const settings = useSettings();
  const queryClient = useQueryClient();
  const [view, setView] = useState<'month' | 'week'>('month');
  const [anchor, setAnchor] = useState(() => toDay(Date.now()));
  const [moving, setMoving] = useState<CalendarEntry | null>(null);
  const [dragging, setDragging] = useState<CalendarEntry | null>(null);
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const [dropError, setDropError] = useState<unknown>(null);
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
      <ErrorMessage error={dropError} />
      <QueryView query={calendar}>
        {(data) => {
          const byDay = new Map(data.days.map((d) => [d.date, d]));
          const drop = async (post: CalendarEntry, day: string) => {
            const at = droppedAt(post, data.timezone, day);
            if (!at) return;
            setDropError(null);
            try {
              await call(api.POST('/social/api/posts/{id}/schedule', { params: { path: { id: post.id } }, body: { scheduled_at: at, timezone: post.timezone } }));
            } catch (err) {
              setDropError(err);
            }
            await queryClient.invalidateQueries({ queryKey: ['social', 'posts'] });
          };
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
                  // Past the server's count cap a day has at least this many more: "95+ more".
                  const capped = byDay.get(day)?.total_capped ?? false;
                  const moreLabel = capped ? `${more}+ more` : `+${more} more`;
                  const outside = view === 'month' && day.slice(0, 7) !== anchor.slice(0, 7);
                  return (
                    // On a phone the grid is one column: only the days with posts are shown.
                    <Paper
                      key={day}
                      withBorder
                      p={6}
                      mih={90}
                      bg={dropTarget === day ? 'blue.0' : outside ? 'gray.0' : undefined}
                      style={dropTarget === day ? { outline: '2px dashed var(--mantine-color-blue-6)' } : undefined}
                      data-testid={`day-${day}`}
                      visibleFrom={posts.length === 0 ? 'sm' : undefined}
                      // A day takes a post dragged from this calendar (nothing else: files, links).
                      onDragOver={(e) => {
                        if (!dragging) return;
                        e.preventDefault();
                        e.dataTransfer.dropEffect = 'move';
                        setDropTarget(day);
                      }}
                      onDragLeave={(e) => {
                        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropTarget((t) => (t === day ? null : t));
                      }}
                      onDrop={(e) => {
                        e.preventDefault();
                        const post = dragging;
                        setDragging(null);
                        setDropTarget(null);
                        if (post) void drop(post, day);
                      }}
                    >
                      <Text size="xs" fw={600} c={outside ? 'dimmed' : undefined}>
                        {new Date(`${day}T12:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', timeZone: 'UTC' })}
                      </Text>
                      <Stack gap={2} mt={4}>
                        {posts.map((p) => (
                          <PlannedPost
                            key={p.id}
                            post={p}
                            zone={data.timezone}
                            movable={canWrite && RESCHEDULABLE.includes(p.status)}
                            dragged={dragging?.id === p.id}
                            onDrag={(post) => {
                              setDragging(post);
                              if (!post) setDropTarget(null);
                            }}
                            onMove={setMoving}
                          />
                        ))}
                        {more > 0 && (view === 'month' ? (
                          <Button size="compact-xs" variant="subtle" onClick={() => { setView('week'); setAnchor(day); }} aria-label={`${capped ? `at least ${more}` : more} more posts on ${day}: open its week`}>
                            {moreLabel}
                          </Button>
                        ) : (
                          <Text size="xs" c="dimmed">{moreLabel}</Text>
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

/** One post in a day: its time and title linking to it; a planned one can be dragged, or moved with its button. */
function PlannedPost({ post, zone, movable, dragged, onDrag, onMove }: {
  post: CalendarEntry;
  zone: string;
  movable: boolean;
  dragged: boolean;
  onDrag: (post: CalendarEntry | null) => void;
  onMove: (post: CalendarEntry) => void;
}) {
  const title = post.title ?? post.excerpt.slice(0, 40);
  return (
    <Group
      gap={4}
      wrap="nowrap"
      data-testid={`calendar-post-${post.id}`}
      style={{ borderLeft: `3px solid var(--mantine-color-${STATUS_COLORS[post.status] ?? 'gray'}-6)`, paddingLeft: 4, cursor: movable ? 'grab' : undefined, opacity: dragged ? 0.5 : 1 }}
      draggable={movable}
      onDragStart={movable ? (e) => {
        e.dataTransfer.effectAllowed = 'move';
        e.dataTransfer.setData('text/plain', title);
        onDrag(post);
      } : undefined}
      onDragEnd={() => onDrag(null)}
    >
      {/* Not a drag source of its own: dragging the link moves the post. */}
      <Anchor component={Link} to={`/social/posts/${post.id}`} size="xs" lineClamp={2} style={{ flex: 1 }} draggable={movable ? false : undefined}>
        {wallClock(post.scheduled_at, zone).slice(11)} {title}
      </Anchor>
      {movable && (
        <Button size="compact-xs" variant="subtle" onClick={() => onMove(post)} aria-label={`Move ${post.title ?? 'post'}`}>
          Move
        </Button>
      )}
    </Group>
  );
}
