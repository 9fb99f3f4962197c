import { useState } from 'react';
import { Badge, Button, Group, Modal, NumberInput, Pagination, Select, Stack, Table, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, fieldError } from '../../api';
import { EmptyState, ErrorMessage, QueryView } from '../../components';
import { ConfirmButton } from '../../ConfirmButton';
import { formatBytes } from '../../charts';
import type { AdminOrg } from '../../../api/types';
import { GB, PLANS, storageLimitError } from './limits';

const PAGE_SIZE = 20;

function EditOrg({ org, onDone }: { org: AdminOrg; onDone: () => void }) {
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { plan: org.plan, storage_gb: Number((org.storage_limit_bytes / GB).toFixed(2)) as number | string },
    validate: { storage_gb: storageLimitError },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      call(api.PATCH('/api/v1/admin/orgs/{id}', { params: { path: { id: org.id } }, body: { plan: v.plan, storage_limit_bytes: Math.round(Number(v.storage_gb) * GB) } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['admin'] });
      onDone();
    },
  });
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack gap="sm">
        <Select label="Plan" data={[...PLANS]} allowDeselect={false} {...form.getInputProps('plan')} />
        <NumberInput label="Storage limit (GB)" min={0} decimalScale={2} {...form.getInputProps('storage_gb')} error={form.errors.storage_gb ?? fieldError(save.error, 'storage_limit_bytes')} />
        <ErrorMessage error={save.error} />
        <Group>
          <Button type="submit" loading={save.isPending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Every organization with its usage; plan and limits, suspend and activate. */
export function Tenants() {
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const [editing, setEditing] = useState<AdminOrg | null>(null);
  const orgs = useQuery({
    queryKey: ['admin', 'orgs', page, debounced, status],
    queryFn: () =>
      call(
        api.GET('/api/v1/admin/orgs', { params: { query: { page, limit: PAGE_SIZE, search: debounced || undefined, status: (status as 'active' | 'suspended' | null) ?? undefined } } }),
      ),
    placeholderData: keepPreviousData,
  });
  const setOrgStatus = useMutation({
    mutationFn: ({ org, to }: { org: AdminOrg; to: 'suspend' | 'activate' }) =>
      call(to === 'suspend' ? api.POST('/api/v1/admin/orgs/{id}/suspend', { params: { path: { id: org.id } } }) : api.POST('/api/v1/admin/orgs/{id}/activate', { params: { path: { id: org.id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['admin'] }),
  });
  return (
    <Stack>
      <Group align="flex-end" wrap="wrap">
        <TextInput label="Search" placeholder="Name or slug" w={240} maxLength={100} value={search} onChange={(e) => { setSearch(e.currentTarget.value); setPage(1); }} />
        <Select
          label="Status"
          placeholder="Any"
          w={160}
          clearable
          data={[{ value: 'active', label: 'Active' }, { value: 'suspended', label: 'Suspended' }]}
          value={status}
          onChange={(v) => { setStatus(v); setPage(1); }}
        />
      </Group>
      <ErrorMessage error={setOrgStatus.error} />
      <QueryView query={orgs} isEmpty={(d) => d.items.length === 0} empty={<EmptyState title="No organization matches">Clear the search or the status filter.</EmptyState>}>
        {(data) => (
          <>
            <Table.ScrollContainer minWidth={820}>
              <Table striped data-testid="tenants">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Organization</Table.Th>
                    <Table.Th>Plan</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th ta="right">Members</Table.Th>
                    <Table.Th ta="right">Actions (30 days)</Table.Th>
                    <Table.Th>Storage</Table.Th>
                    <Table.Th><span className="visually-hidden">Manage</span></Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.items.map((o) => (
                    <Table.Tr key={o.id}>
                      <Table.Td>
                        {o.name} <span style={{ color: 'var(--mantine-color-dimmed)' }}>/{o.slug}</span>
                      </Table.Td>
                      <Table.Td>{o.plan}</Table.Td>
                      <Table.Td>
                        <Badge color={o.status === 'active' ? 'teal.9' : 'red.9'} variant="outline">{o.status}</Badge>
                      </Table.Td>
                      <Table.Td ta="right">{o.members ?? '—'}</Table.Td>
                      <Table.Td ta="right">{o.usage_events_30d ?? '—'}</Table.Td>
                      <Table.Td>
                        {formatBytes(Number(o.storage_used_bytes))} / {formatBytes(Number(o.storage_limit_bytes))}
                      </Table.Td>
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          <Button size="xs" variant="subtle" onClick={() => setEditing(o)} aria-label={`Plan and limits of ${o.name}`}>
                            Plan and limits
                          </Button>
                          {o.status === 'active' ? (
                            <ConfirmButton
                              size="xs"
                              // Filled: subtle red on a striped row is too faint to read (axe color-contrast).
                              variant="filled"
                              color="red.8"
                              title={`Suspend "${o.name}"?`}
                              message="Its members and API keys are refused until you activate it again. Nothing is deleted."
                              confirmLabel="Suspend"
                              onConfirm={() => setOrgStatus.mutateAsync({ org: o, to: 'suspend' })}
                            >
                              Suspend
                            </ConfirmButton>
                          ) : (
                            <Button size="xs" variant="default" onClick={() => setOrgStatus.mutate({ org: o, to: 'activate' })}>
                              Activate
                            </Button>
                          )}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {data.pages > 1 && <Pagination total={data.pages} value={page} onChange={setPage} aria-label="Pages of organizations" />}
          </>
        )}
      </QueryView>
      <Modal opened={Boolean(editing)} onClose={() => setEditing(null)} title={editing ? `Plan and limits of ${editing.name}` : ''}>
        {editing && <EditOrg org={editing} onDone={() => setEditing(null)} />}
      </Modal>
    </Stack>
  );
}
