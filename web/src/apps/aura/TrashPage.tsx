import { useState } from 'react';
import { Button, Group, Pagination, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../platform/api';
import { EmptyState, ErrorMessage, formatDate, PageTitle, QueryView } from '../../platform/components';
import { ConfirmButton } from '../../platform/ConfirmButton';

export function TrashPage() {
  const [page, setPage] = useState(1);
  const queryClient = useQueryClient();
  const trash = useQuery({ queryKey: ['aura', 'trash', page], queryFn: () => call(api.GET('/aura/api/trash', { params: { query: { page, limit: 50 } } })) });
  const retention = useQuery({ queryKey: ['aura', 'retention'], queryFn: () => call(api.GET('/aura/api/settings/retention')) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['aura'] });
  const restore = useMutation({
    mutationFn: (id: string) => call(api.POST('/aura/api/trash/restore/{id}', { params: { path: { id } } })),
    onSuccess: refresh,
  });
  return (
    <>
      <PageTitle>Trash</PageTitle>
      <Text c="dimmed" mb="md">
        Deleted photos stay here {retention.data ? `${retention.data.trash_retention_days} days` : 'for the retention period'}, then go for good.
      </Text>
      <ErrorMessage error={restore.error} />
      <QueryView query={trash} isEmpty={(d) => d.items.length === 0} empty={<EmptyState title="Trash is empty">Photos you delete wait here before they go for good.</EmptyState>}>
        {(data) => (
          <Stack>
            <Table.ScrollContainer minWidth={560}>
              <Table striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Photo</Table.Th>
                    <Table.Th>Was at</Table.Th>
                    <Table.Th>Deleted</Table.Th>
                    <Table.Th>Goes for good</Table.Th>
                    <Table.Th><span className="visually-hidden">Actions</span></Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((t) => (
                    <Table.Tr key={t.id}>
                      <Table.Td>{t.original_name}</Table.Td>
                      <Table.Td style={{ wordBreak: 'break-all' }}>{t.trashed_from ?? '—'}</Table.Td>
                      <Table.Td>{formatDate(t.trashed_at)}</Table.Td>
                      <Table.Td>{formatDate(t.delete_after)}</Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          <Button size="xs" variant="default" loading={restore.isPending && restore.variables === t.id} onClick={() => restore.mutate(t.id)}>Restore</Button>
                          <ConfirmButton
                            size="xs"
                            variant="subtle"
                            color="red"
                            title="Delete for good?"
                            message={`${t.original_name} and its variants are erased and cannot be recovered.`}
                            confirmLabel="Delete for good"
                            onConfirm={async () => {
                              await call(api.DELETE('/aura/api/trash/{id}', { params: { path: { id: t.id } }, body: { confirm: true } }));
                              await refresh();
                            }}
                          >
                            Delete for good
                          </ConfirmButton>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {data.pages > 1 && <Pagination total={data.pages} value={page} onChange={setPage} aria-label="Pages of trash" />}
          </Stack>
        )}
      </QueryView>
    </>
  );
}
