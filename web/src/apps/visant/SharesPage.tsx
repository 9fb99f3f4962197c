import { useState } from 'react';
import { Badge, Pagination, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../platform/api';
import { EmptyState, ErrorMessage, formatDate, PageTitle, QueryView } from '../../platform/components';
import { ConfirmButton } from '../../platform/ConfirmButton';

export function SharesPage() {
  const [page, setPage] = useState(1);
  const queryClient = useQueryClient();
  const links = useQuery({
    queryKey: ['visant', 'share-links', page],
    queryFn: () => call(api.GET('/visant/v1/share-links', { params: { query: { page, limit: 20 } } })),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => call(api.DELETE('/visant/v1/share-links/{token}', { params: { path: { token: id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['visant', 'share-links'] }),
  });
  return (
    <>
      <PageTitle>Shared links</PageTitle>
      <Text c="dimmed" mb="md">Public links to camera galleries. Create one from a camera's page with Share.</Text>
      <ErrorMessage error={revoke.error} />
      <QueryView query={links} isEmpty={(d) => d.items.length === 0} empty={<EmptyState title="No shared links">Open a camera and choose Share to create one.</EmptyState>}>
        {(data) => (
          <Stack>
            <Table.ScrollContainer minWidth={640}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Camera</Table.Th>
                    <Table.Th>Link</Table.Th>
                    <Table.Th>Views</Table.Th>
                    <Table.Th>Expires</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th><span className="visually-hidden">Actions</span></Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((l) => (
                    <Table.Tr key={l.id}>
                      <Table.Td>{l.device_id ?? '—'}</Table.Td>
                      <Table.Td>
                        <code>{l.token_prefix}…</code> {l.has_password && <Badge size="xs" variant="light">password</Badge>}
                      </Table.Td>
                      <Table.Td>{l.max_views ? `${l.view_count} / ${l.max_views}` : l.view_count}</Table.Td>
                      <Table.Td>{formatDate(l.expires_at)}</Table.Td>
                      <Table.Td><Badge color={l.status === 'active' ? 'teal' : 'gray'} variant="light">{l.status}</Badge></Table.Td>
                      <Table.Td>
                        {l.status === 'active' && (
                          <ConfirmButton
                            size="xs"
                            variant="subtle"
                            color="red"
                            title="Revoke this link?"
                            message="It stops working at once for everyone who has it. This cannot be undone."
                            confirmLabel="Revoke"
                            onConfirm={() => revoke.mutateAsync(l.id)}
                          >
                            Revoke
                          </ConfirmButton>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {data.pages > 1 && <Pagination total={data.pages} value={page} onChange={setPage} aria-label="Pages of links" />}
          </Stack>
        )}
      </QueryView>
    </>
  );
}
