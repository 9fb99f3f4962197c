import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Group, List, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { api, call } from '../../platform/api';
import { ErrorMessage, formatDate, PageTitle, QueryView } from '../../platform/components';
import { ConfirmButton } from '../../platform/ConfirmButton';
import { ScrollTable } from './ScrollTable';
import { inZone, networkLabel, STATUS_COLORS, STATUS_LABELS } from './format';
import { wallClock } from './calendar-range';
import { useCanWrite, useIsAdmin, useLivePosts, useSettings } from './hooks';
import { ApprovalButtons } from './ApprovalButtons';
import { ScheduleDialog } from './ScheduleFields';
import { VersionsPanel } from './VersionsPanel';
import { PostAnalyticsPanel } from './analytics-parts';
import type { Post } from './types';

const LOCKED = ['publishing', 'published', 'partially_published'];

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={STATUS_COLORS[status] ?? 'gray'} variant="light" data-testid="post-status">
      {STATUS_LABELS[status as Post['status']] ?? status}
    </Badge>
  );
}

/** A post: its words per network, each target's publishing state (live), its versions and approvals, and what can be done next. */
export function PostPage() {
  const { postId } = useParams() as { postId: string };
  const live = useLivePosts(postId);
  const post = useQuery({
    queryKey: ['social', 'posts', postId],
    queryFn: async () => (await call(api.GET('/social/api/posts/{id}', { params: { path: { id: postId } } }))).data,
  });
  return (
    <QueryView query={post}>
      {(p) => <PostView post={p} live={live} />}
    </QueryView>
  );
}

function PostView({ post, live }: { post: Post; live: boolean }) {
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const isAdmin = useIsAdmin();
  const canWrite = useCanWrite();
  const settings = useSettings();
  const state = (location.state ?? {}) as { nearDuplicates?: Array<{ post_id: string; similarity: number; excerpt: string }>; message?: string; refusal?: string };
  const [scheduling, setScheduling] = useState(false);
  const path = { params: { path: { id: post.id } } };
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['social', 'posts'] });
  const act = useMutation({
    mutationFn: async (what: 'submit' | 'publish' | 'cancel') => {
      if (what === 'submit') return call(api.POST('/social/api/posts/{id}/submit', path));
      if (what === 'publish') return call(api.POST('/social/api/posts/{id}/publish', path));
      return call(api.POST('/social/api/posts/{id}/cancel', path));
    },
    onSettled: refresh,
  });
  const approvals = useQuery({
    queryKey: ['social', 'posts', post.id, 'approvals', post.updated_at],
    queryFn: async () => (await call(api.GET('/social/api/posts/{id}/approvals', path))).data,
  });
  const zone = post.timezone;
  const locked = LOCKED.includes(post.status);
  const approvalRequired = settings.data?.approval_required ?? false;
  const mayPublish = !approvalRequired || ['approved', 'scheduled', 'failed', 'partially_published'].includes(post.status);
  const failedTargets = post.targets.filter((t) => t.state === 'failed').length;
  const label = post.title ?? 'this post';

  return (
    <>
      <PageTitle
        actions={
          <Group gap="xs">
            <StatusBadge status={post.status} />
            <Badge variant="dot" color={live ? 'teal' : 'gray'}>{live ? 'Live' : 'Connecting…'}</Badge>
          </Group>
        }
      >
        {post.title ?? 'Post'}
      </PageTitle>
      <Stack>
        {state.message && <Alert color={state.nearDuplicates?.length ? 'yellow' : 'blue'} title="Saved">{state.message}</Alert>}
        {state.nearDuplicates && state.nearDuplicates.length > 0 && (
          <Alert color="yellow" title="Very close to other posts" data-testid="near-duplicates">
            <List size="sm">
              {state.nearDuplicates.map((d) => (
                <List.Item key={d.post_id}>
                  <Anchor component={Link} to={`/social/posts/${d.post_id}`}>{Math.round(d.similarity * 100)}% alike</Anchor>: “{d.excerpt}”
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        {state.refusal && <Alert color="red" title="Saved, but not sent on">{state.refusal}</Alert>}
        <ErrorMessage error={act.error} />
        <Group gap="xs">
          {canWrite && !locked && <Button size="xs" variant="default" component={Link} to={`/social/posts/${post.id}/edit`}>Edit</Button>}
          {canWrite && approvalRequired && post.status === 'draft' && <Button size="xs" onClick={() => act.mutate('submit')} loading={act.isPending && act.variables === 'submit'}>Submit for approval</Button>}
          {isAdmin && post.status === 'pending_approval' && <ApprovalButtons postId={post.id} label={label} />}
          {canWrite && mayPublish && !['published', 'publishing', 'cancelled'].includes(post.status) && (
            <Button size="xs" onClick={() => act.mutate('publish')} loading={act.isPending && act.variables === 'publish'}>
              {failedTargets > 0 ? `Retry ${failedTargets} failed` : 'Publish now'}
            </Button>
          )}
          {canWrite && mayPublish && !locked && (
            <Button size="xs" variant="light" onClick={() => setScheduling(true)}>{post.status === 'scheduled' ? 'Reschedule' : 'Schedule'}</Button>
          )}
          {canWrite && post.status === 'scheduled' && (
            <ConfirmButton size="xs" variant="light" color="red" title="Cancel this schedule?" message="Nothing is published; the post stays, and you can schedule it again." confirmLabel="Cancel schedule" onConfirm={() => act.mutateAsync('cancel')}>
              Cancel schedule
            </ConfirmButton>
          )}
          {canWrite && post.status !== 'publishing' && (
            <ConfirmButton
              size="xs"
              variant="subtle"
              color="red"
              title="Delete this post?"
              message="It leaves the lists and the calendar; what it published stays on the networks."
              confirmLabel="Delete"
              onConfirm={async () => {
                await call(api.DELETE('/social/api/posts/{id}', path));
                await refresh();
                navigate('/social');
              }}
            >
              Delete
            </ConfirmButton>
          )}
        </Group>
        <Text size="sm">
          {post.scheduled_at ? <>Planned for {inZone(post.scheduled_at, zone)}</> : 'Not scheduled'} · version {post.current_version} · created {formatDate(post.created_at)}
        </Text>
        <Card withBorder>
          <Stack gap="xs">
            <Text style={{ whiteSpace: 'pre-wrap' }} data-testid="post-text">{post.text}</Text>
            {Object.entries(post.variants).map(([n, v]) => (
              <div key={n}>
                <Text size="xs" fw={600}>On {networkLabel(n)}</Text>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{v.text}</Text>
              </div>
            ))}
            {Object.entries(post.media).map(([n, list]) => (
              <Text key={n} size="xs" c="dimmed">
                Media {n === '*' ? 'for every network' : `for ${networkLabel(n)}`}: {list.map((m) => m.name).join(', ')}
              </Text>
            ))}
          </Stack>
        </Card>
        <Title order={2} size="h4">Where it goes</Title>
        {post.targets.length === 0 ? (
          <Text size="sm" c="dimmed">No account chosen yet: edit the post to pick where it is published.</Text>
        ) : (
          <ScrollTable label="Publishing per account" minWidth={560}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Account</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Details</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {post.targets.map((t) => (
                  <Table.Tr key={t.id} data-testid={`target-${t.network}`}>
                    <Table.Td>{networkLabel(t.network)} · {t.display_name}</Table.Td>
                    <Table.Td><Badge color={STATUS_COLORS[t.state] ?? 'gray'} variant="light">{t.state}</Badge></Table.Td>
                    <Table.Td>
                      {t.remote_url ? <Anchor href={t.remote_url} target="_blank" rel="noreferrer" size="sm">View on {networkLabel(t.network)}</Anchor> : null}
                      {t.published_at && <Text size="xs">Published {formatDate(t.published_at)}</Text>}
                      {t.error && <Text size="xs" c="red.9">{t.error}</Text>}
                      {t.attempts > 1 && <Text size="xs" c="dimmed">{t.attempts} attempts</Text>}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </ScrollTable>
        )}
        {post.targets.some((t) => t.state === 'published') && <PostAnalyticsPanel postId={post.id} />}
        <VersionsPanel postId={post.id} current={post.current_version} canWrite={canWrite} locked={locked} />
        <Title order={2} size="h4">Approvals</Title>
        <QueryView query={approvals} isEmpty={(a) => a.length === 0} empty={<Text size="sm" c="dimmed">Never submitted for approval.</Text>}>
          {(list) => (
            <List size="sm">
              {list.map((a) => (
                <List.Item key={a.id}>
                  Version {a.version}: {a.decision}, asked {formatDate(a.requested_at)}
                  {a.decided_at && `, decided ${formatDate(a.decided_at)}`}
                  {a.comment && ` — “${a.comment}”`}
                </List.Item>
              ))}
            </List>
          )}
        </QueryView>
      </Stack>
      {scheduling && (
        <ScheduleDialog
          opened
          onClose={() => setScheduling(false)}
          title={post.status === 'scheduled' ? 'Reschedule' : 'Schedule'}
          initialAt={post.scheduled_at ? wallClock(post.scheduled_at, zone) : ''}
          initialZone={zone}
          onSchedule={async (at, tz) => {
            await call(api.POST('/social/api/posts/{id}/schedule', { ...path, body: { scheduled_at: at, timezone: tz } }));
            await refresh();
          }}
        />
      )}
    </>
  );
}
