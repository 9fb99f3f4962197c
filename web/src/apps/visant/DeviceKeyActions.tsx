import { useState } from 'react';
import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../platform/api';
import { ConfirmButton } from '../../platform/ConfirmButton';
import { DeviceKey } from './DeviceKey';
import type { RegisteredDevice } from '../../api/types';

type Device = RegisteredDevice['device'];

/**
 * A camera's key after registration: issue a new one for an active camera (the old one stops
 * working: asked first), or reactivate a deactivated one, which also gives it a new key. Either
 * way the key is shown once, as registration shows it.
 */
export function DeviceKeyActions({ device }: { device: Device }) {
  const queryClient = useQueryClient();
  const [issued, setIssued] = useState<RegisteredDevice | null>(null);
  const path = { params: { path: { id: device.device_id } } };
  const done = (answer: RegisteredDevice) => {
    setIssued(answer);
    return queryClient.invalidateQueries({ queryKey: ['visant'] });
  };
  const newKey = useMutation({ mutationFn: () => call(api.POST('/visant/v1/devices/{id}/key', path)), onSuccess: done });
  const reactivate = useMutation({ mutationFn: () => call(api.POST('/visant/v1/devices/{id}/reactivate', path)), onSuccess: done });
  const name = device.friendly_name ?? device.device_id;
  return (
    <Stack gap="xs">
      {device.status === 'active' ? (
        <Group>
          <ConfirmButton
            variant="default"
            title={`Issue a new key for ${name}?`}
            message="The camera's current key stops working at once: the camera is refused until it is given the new key (scan its QR code or copy its configuration file)."
            confirmLabel="Issue the new key"
            color="red"
            onConfirm={() => newKey.mutateAsync()}
          >
            Issue a new key
          </ConfirmButton>
        </Group>
      ) : (
        <Alert color="red" title={`This camera is ${device.status === 'inactive' ? 'deactivated' : device.status}`}>
          <Stack gap="xs">
            <Text size="sm">Its key is refused. Reactivate it to give it a new key; its captures and settings are kept.</Text>
            <Group>
              <ConfirmButton
                title={`Reactivate ${name}?`}
                message="The camera becomes active again with a new key, shown once. Its earlier keys stay refused."
                confirmLabel="Reactivate"
                onConfirm={() => reactivate.mutateAsync()}
              >
                Reactivate
              </ConfirmButton>
            </Group>
          </Stack>
        </Alert>
      )}
      <Modal opened={issued !== null} onClose={() => setIssued(null)} title={`New key for ${name}`}>
        {issued && (
          <DeviceKey issued={issued}>
            <Button onClick={() => setIssued(null)}>Done</Button>
          </DeviceKey>
        )}
      </Modal>
    </Stack>
  );
}
