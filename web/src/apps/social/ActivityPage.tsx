import { useMemo, useState } from 'react';
import { Button, Code, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, call } from '../../platform/api';
import { EmptyState, formatDate, PageTitle, QueryView } from '../../platform/components';
import { useIsAdmin } from './hooks';
import { ScrollTable, startOfDay } from './ScrollTable';

type EntityType = 'post' | 'campaign' | 'media' | 'approval' | 'settings' | 'account' | 'import';
const ENTITY_TYPES: EntityType[] = ['post', 'campaign', 'media', 'approval', 'settings', 'account', 'import'];

interface Filters {
  action: string;
  entity: string | null;
  user: string | null;
  from: string;
  to: string;
}
const NONE: Filters = { action: '', entity: null, user: null, from: '', to: '' };

/** The workspace's activity log (admins): every change with who, from where and its request id, newest first. */
export function ActivityPage() {
  const isAdmin = useIsAdmin();
  const [filters, setFilters] = useState<Filters>(NONE);
  const form = useForm<Filters>({ initialValues: NONE, validate: { to: (to, v) => (v.from && to && to < v.from ? '“To” is before “From”' : null) } });
  const members = useQuery({ queryKey: ['members', 'all'], enabled: isAdmin, queryFn: () => call(api.GET('/api/v1/members', { params: { query: { page: 1, limit: 100 } } })) });
  const emailOf = useMemo(() => new Map((members.data?.items ?? []).map((m) => [m.user_id, m.email])), [members.data]);
  const log = useInfiniteQuery({
    queryKey: ['social', 'activity', filters],
    enabled: isAdmin,
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      (
        await call(
          api.GET('/social/api/activity', {
            params: {
              query: {
                limit: 50,
                cursor: pageParam,
                action: filters.action.trim() || undefined,
                entity_type: (filters.entity as EntityType | null) ?? undefined,
                user_id: filters.user ?? undefined,
                from: filters.from ? startOfDay(filters.from) : undefined,
                to: filters.to ? startOfDay(filters.to, 1) : undefined,
              },
            },
          }),
        )
      ).data,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  if (!isAdmin) return <EmptyState title="Admins only">The activity log is for the workspace's admins.</EmptyState>;
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <PageTitle>Activity</PageTitle>
      <form onSubmit={form.onSubmit(setFilters)} noValidate aria-label="Filter the activity log">
        <Group align="flex-start" wrap="wrap">
          <TextInput label="Action" placeholder="e.g. post.approved" w={200} {...form.getInputProps('action')} />
          <Select label="On" placeholder="Anything" clearable w={160} data={ENTITY_TYPES} {...form.getInputProps('entity')} />
          <Select label="Who" placeholder="Anyone" clearable searchable w={220} data={(members.data?.items ?? []).map((m) => ({ value: m.user_id, label: m.email }))} {...form.getInputProps('user')} />
          <TextInput type="date" label="From" w={160} {...form.getInputProps('from')} />
          <TextInput type="date" label="To" w={160} {...form.getInputProps('to')} />
          <Group mt={25} gap="xs">
            <Button type="submit">Apply</Button>
            <Button variant="default" onClick={() => { form.reset(); setFilters(NONE); }}>Clear</Button>
          </Group>
        </Group>
      </form>
      <QueryView query={log} isEmpty={() => entries.length === 0} empty={<EmptyState title="Nothing recorded">Every change to posts, campaigns, media, accounts and settings appears here.</EmptyState>}>
        {() => (
          <Stack>
            <ScrollTable label="Activity entries" minWidth={760}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Who</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>On</Table.Th>
                  <Table.Th>From</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {entries.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>{formatDate(e.created_at)}</Table.Td>
                    <Table.Td>{e.user_id ? (emailOf.get(e.user_id) ?? e.user_id.slice(0, 8)) : 'the platform'}</Table.Td>
                    <Table.Td><Code>{e.action}</Code></Table.Td>
                    <Table.Td>{e.entity_type}{e.entity_id ? ` ${e.entity_id.slice(0, 8)}` : ''}</Table.Td>
                    <Table.Td>
                      <Text size="xs">{e.ip ?? '—'}</Text>
                      {e.request_id && <Text size="xs" c="dimmed">request {e.request_id}</Text>}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </ScrollTable>
            {log.hasNextPage && <Group><Button variant="default" onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>Older entries</Button></Group>}
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}
