import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import { api, call } from '../../platform/api';
import { EmptyState, ErrorMessage, PageTitle, QueryView } from '../../platform/components';
import { ConfirmButton } from '../../platform/ConfirmButton';
import { useCanWrite, useIsAdmin } from './hooks';
import { PostsTable } from './PostsTable';
import { CampaignAnalyticsPanel } from './analytics-parts';

/** A campaign and its posts; archive, unarchive, delete (admins). */
export function CampaignPage() {
  const { campaignId } = useParams() as { campaignId: string };
  const canWrite = useCanWrite();
  const isAdmin = useIsAdmin();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const path = { params: { path: { id: campaignId } } };
  const campaign = useQuery({ queryKey: ['social', 'campaigns', 'one', campaignId], queryFn: async () => (await call(api.GET('/social/api/campaigns/{id}', path))).data });
  const posts = useInfiniteQuery({
    queryKey: ['social', 'posts', 'campaign', campaignId],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => (await call(api.GET('/social/api/campaigns/{id}/posts', { params: { path: { id: campaignId }, query: { limit: 25, cursor: pageParam } } }))).data,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const archive = useMutation({
    mutationFn: (archived: boolean) => (archived ? call(api.POST('/social/api/campaigns/{id}/unarchive', path)) : call(api.POST('/social/api/campaigns/{id}/archive', path))),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['social', 'campaigns'] }),
  });
  const items = posts.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <QueryView query={campaign}>
      {(c) => (
        <Stack>
          <PageTitle actions={c.status === 'archived' ? <Badge color="gray">Archived</Badge> : undefined}>{c.name}</PageTitle>
          {c.description && <Text>{c.description}</Text>}
          <Text size="sm" c="dimmed">{c.starts_on ?? '…'} – {c.ends_on ?? '…'} · {c.post_count} post(s)</Text>
          <ErrorMessage error={archive.error} />
          <Group gap="xs">
            {canWrite && <Button size="xs" variant="default" onClick={() => archive.mutate(c.status === 'archived')} loading={archive.isPending}>{c.status === 'archived' ? 'Unarchive' : 'Archive'}</Button>}
            {isAdmin && (
              <ConfirmButton size="xs" variant="subtle" color="red" title={`Delete ${c.name}?`} message="Its posts stay and leave the campaign." confirmLabel="Delete" onConfirm={async () => {
                await call(api.DELETE('/social/api/campaigns/{id}', path));
                await queryClient.invalidateQueries({ queryKey: ['social', 'campaigns'] });
                navigate('/social/campaigns');
              }}>
                Delete
              </ConfirmButton>
            )}
          </Group>
          {c.post_count > 0 && <CampaignAnalyticsPanel campaignId={c.id} />}
          <QueryView query={posts} isEmpty={() => items.length === 0} empty={<EmptyState title="No posts in this campaign">Choose the campaign when you write a post.</EmptyState>}>
            {() => (
              <Stack>
                <PostsTable posts={items} label="The campaign's posts" />
                {posts.hasNextPage && <Group><Button variant="default" onClick={() => void posts.fetchNextPage()} loading={posts.isFetchingNextPage}>Older posts</Button></Group>}
              </Stack>
            )}
          </QueryView>
        </Stack>
      )}
    </QueryView>
  );
}
