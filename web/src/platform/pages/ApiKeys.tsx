import { useState } from 'react';
import { Badge, Button, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, fieldError } from '../api';
import { EmptyState, ErrorMessage, formatDate, PageTitle, QueryView, SecretOnce } from '../components';
import { ConfirmButton } from '../ConfirmButton';

const KEY_ROLES = ['admin', 'editor', 'member', 'viewer'] as const;

export function ApiKeys() {
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => call(api.GET('/api/v1/api-keys/')) });
  const form = useForm({
    initialValues: { name: '', role: 'member' as (typeof KEY_ROLES)[number] },
    validate: { name: (v) => (v.trim() ? null : 'Name the key after what will use it') },
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['api-keys'] });
  const create = useMutation({
    mutationFn: (values: typeof form.values) => call(api.POST('/api/v1/api-keys/', { body: { name: values.name.trim(), role: values.role } })),
    onSuccess: (created) => {
      setSecret({ name: created.name, key: created.key });
      form.reset();
      void refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => call<null>(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })),
    onSettled: refresh,
  });
  const rotate = useMutation({
    mutationFn: (id: string) => call(api.POST('/api/v1/api-keys/{id}/rotate', { params: { path: { id } } })),
    onSuccess: (created) => {
      setSecret({ name: created.name, key: created.key });
      void refresh();
    },
  });
  const active = (keys.data?.items ?? []).filter((k) => !k.revoked_at);
  return (
    <Stack>
      <PageTitle>API keys</PageTitle>
      <Text c="dimmed">Keys let scripts and tools act for this organization. Give each one the lowest role it needs.</Text>
      <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate>
        <Group align="flex-start" wrap="wrap">
          <TextInput label="Name" w={260} required {...form.getInputProps('name')} error={form.errors.name ?? fieldError(create.error, 'name')} />
          <Select label="Role" w={140} data={[...KEY_ROLES]} allowDeselect={false} {...form.getInputProps('role')} />
          <Button type="submit" mt={25} loading={create.isPending}>
            Create key
          </Button>
        </Group>
      </form>
      <ErrorMessage error={create.error ?? revoke.error ?? rotate.error} />
      {secret && <SecretOnce label={`New key "${secret.name}"`} secret={secret.key} />}
      <QueryView query={keys} isEmpty={() => active.length === 0} empty={<EmptyState title="No API keys yet">Create one above for a script or an integration.</EmptyState>}>
        {() => (
          <Table.ScrollContainer minWidth={640}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Key</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th><span className="visually-hidden">Actions</span></Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {active.map((k) => (
                  <Table.Tr key={k.id}>
                    <Table.Td>{k.name}</Table.Td>
                    <Table.Td><code>{k.prefix}…</code></Table.Td>
                    <Table.Td><Badge variant="light">{k.role}</Badge></Table.Td>
                    <Table.Td>{formatDate(k.last_used_at)}</Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <ConfirmButton
                          size="xs"
                          variant="subtle"
                          title={`Rotate "${k.name}"?`}
                          message="It gets a new secret, shown once; the old one stops working at once."
                          confirmLabel="Rotate"
                          onConfirm={() => rotate.mutateAsync(k.id)}
                        >
                          Rotate
                        </ConfirmButton>
                        <ConfirmButton
                          size="xs"
                          variant="subtle"
                          color="red"
                          title={`Revoke "${k.name}"?`}
                          message="Anything using it stops working at once. This cannot be undone."
                          confirmLabel="Revoke"
                          onConfirm={() => revoke.mutateAsync(k.id)}
                        >
                          Revoke
                        </ConfirmButton>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryView>
    </Stack>
  );
}
