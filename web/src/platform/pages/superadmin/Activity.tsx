import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { api, call } from '../../api';
import { EmptyState, formatDate, QueryView } from '../../components';

/** What happened across every organization, newest first. */
export function Activity() {
  const feed = useInfiniteQuery({
    queryKey: ['admin', 'activity'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => call(api.GET('/api/v1/admin/activity', { params: { query: { limit: 25, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = feed.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <QueryView query={feed} isEmpty={() => items.length === 0} empty={<EmptyState title="No activity yet" />}>
      {() => (
        <Stack>
          <Table.ScrollContainer minWidth={620} type="native" tabIndex={0} role="region" aria-label="Activity across organizations">
            <Table striped data-testid="activity">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Organization</Table.Th>
                  <Table.Th>Action</Table.Th>
                  <Table.Th>By</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((e) => (
                  <Table.Tr key={e.id}>
                    <Table.Td>{formatDate(String(e.created_at))}</Table.Td>
                    <Table.Td>{e.org_name ?? <Text span c="dimmed" size="sm">deleted</Text>}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" tt="none">{e.action}</Badge>
                    </Table.Td>
                    <Table.Td>{e.actor_type === 'superadmin' ? 'platform operator' : e.actor_type === 'api_key' ? 'API key' : e.actor_type === 'system' ? 'the platform' : 'a member'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {feed.hasNextPage && (
            <Group justify="center">
              <Button variant="default" onClick={() => void feed.fetchNextPage()} loading={feed.isFetchingNextPage}>
                Older activity
              </Button>
            </Group>
          )}
        </Stack>
      )}
    </QueryView>
  );
}
