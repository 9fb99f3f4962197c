import { useState } from 'react';
import { Badge, Button, Card, Group, Modal, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call, fieldError } from '../../platform/api';
import { EmptyState, ErrorMessage, formatDate, PageTitle, QueryView } from '../../platform/components';
import { DeviceKey } from './DeviceKey';

function RegisterDevice({ onClose }: { onClose(): void }) {
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { friendly_name: '', device_id: '' },
    validate: {
      friendly_name: (v) => (v.trim() ? null : 'Name the camera, e.g. "Front door"'),
      device_id: (v) => (!v || /^[A-Za-z0-9._-]{1,64}$/.test(v) ? null : 'Letters, digits, dots, dashes and underscores only'),
    },
  });
  const register = useMutation({
    mutationFn: (values: typeof form.values) =>
      call(api.POST('/visant/v1/devices', { body: { friendly_name: values.friendly_name.trim(), ...(values.device_id ? { device_id: values.device_id } : {}) } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['visant', 'devices'] }),
  });
  if (register.data) {
    const created = register.data;
    return (
      <DeviceKey issued={created}>
        <Button component={Link} to={`/visant/devices/${encodeURIComponent(created.device.device_id)}`}>
          Open the camera
        </Button>
      </DeviceKey>
    );
  }
  return (
    <form onSubmit={form.onSubmit((values) => register.mutate(values))} noValidate>
      <Stack>
        <TextInput label="Name" placeholder="Front door" required data-autofocus {...form.getInputProps('friendly_name')} />
        <TextInput
          label="Device id"
          description="Optional: the id the camera reports. Left empty, one is made up."
          {...form.getInputProps('device_id')}
          error={form.errors.device_id ?? fieldError(register.error, 'device_id')}
        />
        <ErrorMessage error={register.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={register.isPending}>
            Register
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function DevicesPage() {
  const [registering, setRegistering] = useState(false);
  const devices = useQuery({
    queryKey: ['visant', 'devices'],
    queryFn: () => call(api.GET('/visant/v1/devices', { params: { query: { limit: 100 } } })),
    // Online means "seen recently": keep it current while the page is open.
    refetchInterval: 30_000,
  });
  return (
    <>
      <PageTitle actions={<Button onClick={() => setRegistering(true)}>Register a camera</Button>}>Cameras</PageTitle>
      <QueryView
        query={devices}
        isEmpty={(d) => d.items.length === 0}
        empty={<EmptyState title="No cameras yet">Register a camera to get its key; its captures then appear here as they arrive.</EmptyState>}
      >
        {(data) => (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {data.items.map((d) => (
              <Card key={d.id} withBorder component={Link} to={`/visant/devices/${encodeURIComponent(d.device_id)}`} aria-label={`${d.friendly_name}, ${d.online ? 'online' : 'offline'}`}>
                <Group justify="space-between" wrap="nowrap">
                  <Text fw={600} truncate>{d.friendly_name}</Text>
                  <Badge color={d.online ? 'teal' : 'gray'} variant="dot">{d.online ? 'online' : 'offline'}</Badge>
                </Group>
                <Text size="sm" c="dimmed">{d.device_id}</Text>
                <Text size="xs" c="dimmed" mt="xs">Last seen: {formatDate(d.last_seen_at)}</Text>
                {d.status === 'inactive' && <Badge color="red" mt="xs">deactivated</Badge>}
              </Card>
            ))}
          </SimpleGrid>
        )}
      </QueryView>
      <Modal opened={registering} onClose={() => setRegistering(false)} title="Register a camera">
        <RegisterDevice onClose={() => setRegistering(false)} />
      </Modal>
    </>
  );
}
