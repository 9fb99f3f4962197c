import { Button, Group, Image, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { SecretOnce } from '../../platform/components';
import type { RegisteredDevice } from '../../api/types';

function downloadConfig(file: RegisteredDevice['config_file']) {
  const url = URL.createObjectURL(new Blob([file.content], { type: file.content_type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.filename;
  a.click();
  URL.revokeObjectURL(url);
}

/**
 * A camera's key as registration, a new key and reactivation answer it: shown once, with the
 * configuration file to download and the same file as a QR code for the camera to scan.
 */
export function DeviceKey({ issued, children }: { issued: Pick<RegisteredDevice, 'device' | 'api_key' | 'config_file' | 'qr_code'>; children?: ReactNode }) {
  return (
    <Stack>
      <SecretOnce label={`Key of ${issued.device.friendly_name ?? issued.device.device_id}`} secret={issued.api_key} />
      <Text size="sm">Scan this code with the camera, or download its configuration file:</Text>
      <Image src={issued.qr_code} alt={`Configuration QR code for ${issued.device.friendly_name ?? issued.device.device_id}`} w={200} h={200} />
      <Group>
        <Button variant="default" onClick={() => downloadConfig(issued.config_file)}>
          Download {issued.config_file.filename}
        </Button>
        {children}
      </Group>
    </Stack>
  );
}
