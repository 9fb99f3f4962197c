import { useState } from 'react';
import { Badge, Button, Card, Group, Modal, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call, fieldError } from '../../platform/api';
import { EmptyState, ErrorMessage, formatDate, PageTitle, QueryView } from '../../platform/components';
import { StorageMeter } from '../../platform/charts';
import { AuthImage, downloadWithToken } from './AuthImage';
import type { AuraEvent } from './types';

function CreateEvent({ onClose }: { onClose(): void }) {
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { name: '', event_date: '' },
    validate: { name: (v) => (v.trim() ? null : 'Name the event, e.g. "Wedding Jan 15"') },
  });
  const create = useMutation({
    mutationFn: (v: typeof form.values) => call(api.POST('/aura/api/events', { body: { name: v.name.trim(), ...(v.event_date ? { event_date: v.event_date } : {}) } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['aura', 'events'] });
      onClose();
    },
  });
  return (
    <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate>
      <Stack>
        <TextInput label="Name" required data-autofocus {...form.getInputProps('name')} error={form.errors.name ?? fieldError(create.error, 'name')} />
        <TextInput label="Date" type="date" {...form.getInputProps('event_date')} error={fieldError(create.error, 'event_date')} />
        <ErrorMessage error={create.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button type="submit" loading={create.isPending}>Create event</Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Guest access on/off, its expiry, the QR code (PNG download) and a new link. */
function GuestSettings({ event }: { event: AuraEvent }) {
  const queryClient = useQueryClient();
  const [expires, setExpires] = useState(event.guest_expires_at ? event.guest_expires_at.slice(0, 10) : '');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['aura', 'events'] });
  const save = useMutation({
    mutationFn: (body: { guest_access?: boolean; guest_expires_at?: string | null }) => call(api.PATCH('/aura/api/events/{id}', { params: { path: { id: event.id } }, body })),
    onSuccess: refresh,
  });
  const rotate = useMutation({
    mutationFn: () => call(api.POST('/aura/api/events/{id}/guest-token', { params: { path: { id: event.id } } })),
    onSuccess: refresh,
  });
  const [qrError, setQrError] = useState<unknown>(null);
  const qrUrl = `/aura/api/events/${event.id}/qr?format=png&size=256`;
  return (
    <Stack>
      <Switch
        label="Guests may scan this event"
        checked={event.guest_access}
        onChange={(e) => save.mutate({ guest_access: e.currentTarget.checked })}
      />
      <Group align="flex-end">
        <TextInput label="Guest link expires" type="date" value={expires} onChange={(e) => setExpires(e.currentTarget.value)} />
        <Button variant="default" onClick={() => save.mutate({ guest_expires_at: expires ? new Date(`${expires}T23:59:59Z`).toISOString() : null })}>Save expiry</Button>
      </Group>
      <ErrorMessage error={save.error ?? rotate.error ?? qrError} />
      {event.guest_access ? (
        <>
          <Text size="sm" style={{ wordBreak: 'break-all' }}>{event.guest_url}</Text>
          <AuthImage key={event.guest_url} url={qrUrl} alt={`QR code of ${event.name}'s guest link`} h={256} fit="contain" />
          <Group>
            <Button variant="default" onClick={() => downloadWithToken(qrUrl, `${event.folder}-qr.png`).catch(setQrError)}>Download QR (PNG)</Button>
            <Button variant="default" color="red" loading={rotate.isPending} onClick={() => rotate.mutate()}>New link (old one stops)</Button>
          </Group>
        </>
      ) : (
        <Text size="sm" c="dimmed">Guest access is off: the link and its QR code do not work.</Text>
      )}
    </Stack>
  );
}

export function AdminPage() {
  const [creating, setCreating] = useState(false);
  const [guestOf, setGuestOf] = useState<string | null>(null);
  const events = useQuery({ queryKey: ['aura', 'events'], queryFn: () => call(api.GET('/aura/api/events', { params: { query: { limit: 100 } } })) });
  const usage = useQuery({ queryKey: ['aura', 'usage'], queryFn: () => call(api.GET('/api/v1/usage/', { params: { query: {} } })) });
  const open = events.data?.items.find((e) => e.id === guestOf);
  return (
    <>
      <PageTitle actions={<Button onClick={() => setCreating(true)}>New event</Button>}>Studio</PageTitle>
      <Card withBorder mb="lg">
        <QueryView query={usage}>
          {(u) => (
            <Stack gap="xs">
              <StorageMeter used={u.storage.storage_used_bytes} limit={u.storage.storage_limit_bytes} />
              <Group gap="lg">
                <Text size="sm">Uploads: <b>{u.actions.find((t) => t.action === 'aura.photo.upload')?.events ?? 0}</b></Text>
                <Text size="sm">Searches: <b>{u.actions.find((t) => t.action === 'aura.search')?.events ?? 0}</b></Text>
              </Group>
            </Stack>
          )}
        </QueryView>
      </Card>
      <QueryView query={events} isEmpty={(d) => d.items.length === 0} empty={<EmptyState title="No events yet">Create an event, then upload its photos.</EmptyState>}>
        {(data) => (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {data.items.map((e) => (
              <Card key={e.id} withBorder>
                <Group justify="space-between" wrap="nowrap">
                  <Text fw={700} truncate>{e.name}</Text>
                  <Badge variant="dot" color={e.guest_access ? 'teal' : 'gray'}>{e.guest_access ? 'guests on' : 'guests off'}</Badge>
                </Group>
                <Text size="sm" c="dimmed">{e.event_date ?? formatDate(e.created_at)} · {e.photo_count} photos</Text>
                <Group mt="sm">
                  <Button size="xs" component={Link} to={`/aura/admin/photos?event=${e.id}`}>Photos</Button>
                  <Button size="xs" variant="default" onClick={() => setGuestOf(e.id)}>Guest link</Button>
                </Group>
              </Card>
            ))}
          </SimpleGrid>
        )}
      </QueryView>
      <Modal opened={creating} onClose={() => setCreating(false)} title="New event">
        <CreateEvent onClose={() => setCreating(false)} />
      </Modal>
      <Modal opened={!!open} onClose={() => setGuestOf(null)} title={open ? `Guests of ${open.name}` : ''}>
        {open && <GuestSettings event={open} />}
      </Modal>
    </>
  );
}
