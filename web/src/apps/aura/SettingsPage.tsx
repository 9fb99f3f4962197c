import { useState } from 'react';
import { Anchor, Button, Card, Group, NumberInput, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call } from '../../platform/api';
import { ErrorMessage, formatDate, PageTitle, QueryView } from '../../platform/components';
import type { Member } from '../../api/types';

/** An employee's station PIN: set (4-8 digits) or cleared; never shown back. */
function PinRow({ member }: { member: Member }) {
  const [pin, setPin] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const set = useMutation({
    mutationFn: () => call(api.PUT('/aura/api/team/{user_id}/pin', { params: { path: { user_id: member.user_id } }, body: { pin } })),
    onSuccess: () => {
      setPin('');
      setSaved('PIN set');
    },
  });
  const clear = useMutation({
    mutationFn: () => call(api.DELETE('/aura/api/team/{user_id}/pin', { params: { path: { user_id: member.user_id } } })),
    onSuccess: () => setSaved('PIN cleared'),
  });
  const valid = /^\d{4,8}$/.test(pin);
  return (
    <Table.Tr>
      <Table.Td>{member.email}</Table.Td>
      <Table.Td>{member.role}</Table.Td>
      <Table.Td>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (valid) set.mutate();
          }}
        >
          <Group gap="xs" wrap="nowrap">
            <TextInput size="xs" aria-label={`New PIN for ${member.email}`} placeholder="4-8 digits" inputMode="numeric" value={pin} onChange={(e) => setPin(e.currentTarget.value)} w={110} />
            <Button size="xs" type="submit" disabled={!valid} loading={set.isPending}>Set PIN</Button>
            <Button size="xs" variant="subtle" onClick={() => clear.mutate()} loading={clear.isPending}>Clear</Button>
          </Group>
        </form>
        {saved && <Text size="xs" c="teal.9">{saved}</Text>}
        <ErrorMessage error={set.error ?? clear.error} />
      </Table.Td>
    </Table.Tr>
  );
}

export function SettingsPage() {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['aura', 'settings'], queryFn: () => call(api.GET('/aura/api/settings')) });
  const retention = useQuery({ queryKey: ['aura', 'retention'], queryFn: () => call(api.GET('/aura/api/settings/retention')) });
  const members = useQuery({ queryKey: ['members'], queryFn: () => call(api.GET('/api/v1/members', { params: { query: { limit: 100 } } })) });
  const [days, setDays] = useState<number | string>('');
  const station = useMutation({
    mutationFn: (body: { station_login_enabled?: boolean; station_face_login?: boolean }) => call(api.PUT('/aura/api/settings', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['aura', 'settings'] }),
  });
  const keep = useMutation({
    mutationFn: () => call(api.PUT('/aura/api/settings/retention', { body: { trash_retention_days: Number(days) } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['aura', 'retention'] }),
  });
  return (
    <>
      <PageTitle>Team and settings</PageTitle>
      <Stack>
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">Capture station</Title>
          <QueryView query={settings}>
            {(s) => (
              <Stack gap="xs">
                <Switch label="Employees may log in at a station with their PIN" checked={s.station_login_enabled} onChange={(e) => station.mutate({ station_login_enabled: e.currentTarget.checked })} />
                <Switch
                  label="Ask for the employee's face too (face + PIN; never the face alone)"
                  description="Each employee enrols their face once on the capture page. While this is on, a PIN alone no longer opens the station."
                  checked={s.station_face_login}
                  disabled={!s.station_login_enabled}
                  onChange={(e) => station.mutate({ station_face_login: e.currentTarget.checked })}
                />
                {s.station_locked_until && <Text size="sm" c="red.8">PIN login is locked after wrong PINs until {formatDate(s.station_locked_until)}; saving unlocks it.</Text>}
                <Text size="sm">Station page: <Anchor component={Link} to="/aura/station">/aura/station</Anchor></Text>
                <ErrorMessage error={station.error} />
              </Stack>
            )}
          </QueryView>
        </Card>
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">Trash retention</Title>
          <QueryView query={retention}>
            {(r) => (
              <Group align="flex-end">
                <NumberInput label="Days in trash before deleting for good" min={1} max={365} value={days === '' ? r.trash_retention_days : days} onChange={setDays} />
                <Button onClick={() => keep.mutate()} disabled={days === '' || Number(days) < 1 || Number(days) > 365} loading={keep.isPending}>Save</Button>
              </Group>
            )}
          </QueryView>
          <ErrorMessage error={keep.error} />
        </Card>
        <Card withBorder>
          <Title order={2} size="h4" mb="xs">Station PINs</Title>
          <Text size="sm" mb="xs">Invite people and change roles on the <Anchor component={Link} to="/settings/members">members page</Anchor>. PINs are for employees (editors and members).</Text>
          <QueryView query={members}>
            {(m) => (
              <Table.ScrollContainer minWidth={520}>
                <Table>
                  <Table.Thead>
                    <Table.Tr><Table.Th>Person</Table.Th><Table.Th>Role</Table.Th><Table.Th>PIN</Table.Th></Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {m.items.filter((x) => x.role === 'editor' || x.role === 'member').map((x) => <PinRow key={x.user_id} member={x} />)}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            )}
          </QueryView>
        </Card>
      </Stack>
    </>
  );
}
