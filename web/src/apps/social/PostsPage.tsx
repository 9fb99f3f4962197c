import { useState } from 'react';
import { Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call } from '../../platform/api';
import { EmptyState, PageTitle, QueryView } from '../../platform/components';
import { NETWORKS, NETWORK_LABELS, STATUS_LABELS } from './format';
import { useCampaignOptions, useCanWrite, useLivePosts } from './hooks';
import { PostsTable } from './PostsTable';
import { PostsCsv, type PostListQuery } from './PostsCsv';
import { startOfDay } from './ScrollTable';
import type { Network, PostStatus } from './types';

interface Filters {
  q: string;
  status: string | null;
  network: string | null;
  campaign: string | null;
  author: string | null;
  from: string;
  to: string;
}

const NONE: Filters = { q: '', status: null, network: null, campaign: null, author: null, from: '', to: '' };

/** The filters as the list's (and the CSV export's) query parameters. */
function filterQuery(filters: Filters): PostListQuery {
  return {
    q: filters.q.trim() || undefined,
    status: (filters.status as PostStatus | null) ?? undefined,
    network: (filters.network as Network | null) ?? undefined,
    campaign_id: filters.campaign ?? undefined,
    author_id: filters.author ?? undefined,
    created_from: filters.from ? startOfDay(filters.from) : undefined,
    created_to: filters.to ? startOfDay(filters.to, 1) : undefined,
  };
}
const PAGE_SIZE = 25;

/** The workspace's posts, newest first: search, filters, and older pages by cursor. States change live. */
export function PostsPage() {
  const canWrite = useCanWrite();
  useLivePosts();
  const [filters, setFilters] = useState<Filters>(NONE);
  const form = useForm<Filters>({
    initialValues: NONE,
    validate: { to: (to, v) => (v.from && to && to < v.from ? '“To” is before “From”' : null) },
  });
  const campaigns = useCampaignOptions();
  const members = useQuery({ queryKey: ['members', 'all'], queryFn: () => call(api.GET('/api/v1/members', { params: { query: { page: 1, limit: 100 } } })) });
  const posts = useInfiniteQuery({
    queryKey: ['social', 'posts', 'list', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      (
        await call(
          api.GET('/social/api/posts', {
            params: {
              query: {
                limit: PAGE_SIZE,
                cursor: pageParam,
                ...filterQuery(filters),
              },
            },
          }),
        )
      ).data,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = posts.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = JSON.stringify(filters) !== JSON.stringify(NONE);
  return (
    <Stack>
      <PageTitle actions={canWrite && <Button component={Link} to="/social/compose">New post</Button>}>Posts</PageTitle>
      <form onSubmit={form.onSubmit(setFilters)} noValidate aria-label="Search and filter posts">
        <Group align="flex-start" wrap="wrap">
          <TextInput label="Search" placeholder='words, "a phrase", -not' w={220} {...form.getInputProps('q')} />
          <Select label="Status" placeholder="Any" clearable w={190} data={Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))} {...form.getInputProps('status')} />
          <Select label="Network" placeholder="Any" clearable w={160} data={NETWORKS.map((n) => ({ value: n, label: NETWORK_LABELS[n] }))} {...form.getInputProps('network')} />
          <Select label="Campaign" placeholder="Any" clearable searchable w={190} data={(campaigns.data ?? []).map((c) => ({ value: c.id, label: c.name }))} {...form.getInputProps('campaign')} />
          <Select label="Author" placeholder="Anyone" clearable searchable w={220} data={(members.data?.items ?? []).map((m) => ({ value: m.user_id, label: m.email }))} {...form.getInputProps('author')} />
          <TextInput type="date" label="Created from" w={160} {...form.getInputProps('from')} />
          <TextInput type="date" label="Created to" w={160} {...form.getInputProps('to')} />
          <Group mt={25} gap="xs">
            <Button type="submit">Apply</Button>
            {filtered && (
              <Button variant="default" onClick={() => { form.reset(); setFilters(NONE); }}>
                Clear
              </Button>
            )}
          </Group>
        </Group>
      </form>
      <PostsCsv query={filterQuery(filters)} canWrite={canWrite} />
      <QueryView
        query={posts}
        isEmpty={() => items.length === 0}
        empty={<EmptyState title={filtered ? 'No post matches' : 'No posts yet'}>{filtered ? 'Change the search or clear the filters.' : 'Write the first one with “New post”.'}</EmptyState>}
      >
        {() => (
          <Stack>
            <PostsTable posts={items} label="Posts" />
            {posts.hasNextPage && (
              <Group>
                <Button variant="default" onClick={() => void posts.fetchNextPage()} loading={posts.isFetchingNextPage}>Older posts</Button>
              </Group>
            )}
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}
