import { useState } from 'react';
import { Badge, Button, Group, Pagination, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, fieldError } from '../api';
import { EmptyState, ErrorMessage, formatDate, PageTitle, QueryView } from '../components';
import { useSession } from '../useSession';
import { ConfirmButton } from '../ConfirmButton';
import type { CreatedInvite } from '../../api/types';

const ROLES = ['owner', 'admin', 'editor', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
const PAGE_SIZE = 20;

/**
 * How a page names the platform's roles: by their own names here, or in an app's words (Social
 * calls owners and admins "admin", editors and members "editor"). The API always takes and
 * answers platform roles.
 */
export interface RoleVocabulary {
  /** The roles a manager may give, with their labels. */
  choices: Array<{ value: Role; label: string }>;
  label: (role: Role) => string;
  /** Preselected in the invitation form. */
  invitedAs: Role;
}

export const PLATFORM_ROLES: RoleVocabulary = { choices: ROLES.map((r) => ({ value: r, label: r })), label: (r) => r, invitedAs: 'member' };

/** The choices, and the member's own role when the vocabulary does not offer it (an owner in Social's words). */
const roleOptions = (roles: RoleVocabulary, current: Role) =>
  roles.choices.some((c) => c.value === current) ? roles.choices : [{ value: current, label: roles.label(current) }, ...roles.choices];

export function MembersTable({ canManage, roles = PLATFORM_ROLES }: { canManage: boolean; roles?: RoleVocabulary }) {
  const [page, setPage] = useState(1);
  const queryClient = useQueryClient();
  const members = useQuery({
    queryKey: ['members', page],
    queryFn: () => call(api.GET('/api/v1/members', { params: { query: { page, limit: PAGE_SIZE } } })),
  });
  const changeRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) => call(api.PATCH('/api/v1/members/{userId}', { params: { path: { userId } }, body: { role } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['members'] }),
  });
  const remove = useMutation({
    mutationFn: (userId: string) => call(api.DELETE('/api/v1/members/{userId}', { params: { path: { userId } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['members'] }),
  });
  return (
    <QueryView query={members}>
      {(data) => (
        <Stack>
          <ErrorMessage error={changeRole.error ?? remove.error} />
          <Table.ScrollContainer minWidth={640}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Person</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Joined</Table.Th>
                  <Table.Th>Last login</Table.Th>
                  {canManage && <Table.Th><span className="visually-hidden">Actions</span></Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((m) => (
                  <Table.Tr key={m.user_id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>{m.display_name ?? m.email}</Text>
                      {m.display_name && <Text size="xs" c="dimmed">{m.email}</Text>}
                    </Table.Td>
                    <Table.Td>
                      {canManage ? (
                        <Select
                          aria-label={`Role of ${m.email}`}
                          size="xs"
                          w={120}
                          data={roleOptions(roles, m.role)}
                          value={m.role}
                          allowDeselect={false}
                          onChange={(role) => role && role !== m.role && changeRole.mutate({ userId: m.user_id, role: role as Role })}
                        />
                      ) : (
                        <Badge variant="light" tt="none">{roles.label(m.role)}</Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{formatDate(m.joined_at)}</Table.Td>
                    <Table.Td data-testid="last-login">{m.last_login_at ? formatDate(m.last_login_at) : 'never'}</Table.Td>
                    {canManage && (
                      <Table.Td>
                        <ConfirmButton
                          size="xs"
                          variant="subtle"
                          color="red"
                          title={`Remove ${m.email}?`}
                          message="They lose access to this organization at once. You can invite them again later."
                          confirmLabel="Remove"
                          onConfirm={() => remove.mutateAsync(m.user_id)}
                        >
                          Remove
                        </ConfirmButton>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {data.pages > 1 && <Pagination total={data.pages} value={page} onChange={setPage} aria-label="Pages of members" />}
        </Stack>
      )}
    </QueryView>
  );
}

export function Invites({ roles = PLATFORM_ROLES }: { roles?: RoleVocabulary }) {
  const queryClient = useQueryClient();
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const invites = useQuery({ queryKey: ['invites'], queryFn: () => call(api.GET('/api/v1/invites')) });
  const form = useForm({
    initialValues: { email: '', role: roles.invitedAs },
    validate: { email: (v) => (/^\S+@\S+\.\S+$/.test(v) ? null : 'Enter the email address to invite') },
  });
  const invite = useMutation({
    mutationFn: (values: { email: string; role: Role }) => call(api.POST('/api/v1/invites', { body: values })),
    onSuccess: (result) => {
      setCreated(result);
      form.reset();
      void queryClient.invalidateQueries({ queryKey: ['invites'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/v1/invites/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['invites'] }),
  });
  const pending = (invites.data?.items ?? []).filter((i) => !i.accepted_at && !i.revoked_at);
  return (
    <Stack>
      <Title order={2} size="h3">Invitations</Title>
      <form onSubmit={form.onSubmit((values) => invite.mutate(values))} noValidate>
        <Group align="flex-start" wrap="wrap">
          <TextInput label="Email" type="email" w={260} required {...form.getInputProps('email')} error={form.errors.email ?? fieldError(invite.error, 'email')} />
          <Select label="Role" w={140} data={roles.choices} allowDeselect={false} {...form.getInputProps('role')} />
          <Button type="submit" mt={25} loading={invite.isPending}>
            Invite
          </Button>
        </Group>
      </form>
      <ErrorMessage error={invite.error ?? revoke.error} />
      {/* The invitation's link goes only to the invited address: the answer never carries it. */}
      {created && <Text role="status">Invitation sent to {created.email}.</Text>}
      <QueryView query={invites} isEmpty={() => pending.length === 0} empty={<EmptyState title="No pending invitations" />}>
        {() => (
          <Table.ScrollContainer minWidth={640}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th><span className="visually-hidden">Actions</span></Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {pending.map((i) => (
                  <Table.Tr key={i.id}>
                    <Table.Td>{i.email}</Table.Td>
                    <Table.Td>{roles.label(i.role)}</Table.Td>
                    <Table.Td>{formatDate(i.expires_at)}</Table.Td>
                    <Table.Td>
                      <Button size="xs" variant="subtle" color="red" onClick={() => revoke.mutate(i.id)}>
                        Revoke
                      </Button>
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

export function Members() {
  const signedIn = useSession();
  const canManage = ['owner', 'admin'].includes(signedIn?.user.role ?? '');
  return (
    <Stack gap="xl">
      <div>
        <PageTitle>Members</PageTitle>
        <MembersTable canManage={canManage} />
      </div>
      {canManage && <Invites />}
    </Stack>
  );
}
