import { useState } from 'react';
import { Anchor, Badge, Button, Card, Divider, Group, Image, Modal, SimpleGrid, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, call } from '../../platform/api';
import { EmptyState, formatDate, PageTitle, QueryView } from '../../platform/components';
import { useLiveCaptures } from './useLiveCaptures';
import { CaptureStateBadge } from './CaptureStateBadge';
import { ShareForm } from './ShareForm';
import { DeviceConfigForm } from './DeviceConfigForm';
import { DeviceKeyActions } from './DeviceKeyActions';

function Gallery({ deviceId }: { deviceId: string }) {
  const { captures, live } = useLiveCaptures(deviceId);
  const items = captures.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack>
      <Group gap="xs">
        <Badge color={live ? 'teal' : 'gray'} variant="dot" data-testid="live-status">
          {live ? 'live' : 'connecting…'}
        </Badge>
        <Text size="sm" c="dimmed">New captures appear here as the camera sends them.</Text>
      </Group>
      <QueryView
        query={captures}
        isEmpty={() => items.length === 0}
        empty={<EmptyState title="No captures yet">Once the camera posts a capture with its key, it shows up here without reloading.</EmptyState>}
      >
        {() => (
          <>
            <SimpleGrid cols={{ base: 2, sm: 3, lg: 4 }} data-testid="capture-gallery">
              {items.map((c) => (
                <Card key={c.record_id} withBorder padding="xs" component={Link} to={`/visant/captures/${encodeURIComponent(c.record_id)}`} data-testid="capture-card">
                  <Card.Section>
                    {c.thumbnail_url ? (
                      <Image src={c.thumbnail_url} alt={`Capture ${c.record_id}`} h={120} fit="cover" loading="lazy" />
                    ) : (
                      <Text h={120} ta="center" pt={48} c="dimmed" size="sm">No image</Text>
                    )}
                  </Card.Section>
                  <Stack gap={4} mt="xs" align="flex-start">
                    <Text size="xs">{formatDate(c.captured_at)}</Text>
                    <CaptureStateBadge capture={c} />
                  </Stack>
                </Card>
              ))}
            </SimpleGrid>
            {captures.hasNextPage && (
              <Group justify="center">
                <Button variant="default" onClick={() => void captures.fetchNextPage()} loading={captures.isFetchingNextPage}>
                  Older captures
                </Button>
              </Group>
            )}
          </>
        )}
      </QueryView>
    </Stack>
  );
}

export function DevicePage() {
  const { deviceId = '' } = useParams();
  const [sharing, setSharing] = useState(false);
  const device = useQuery({
    queryKey: ['visant', 'device', deviceId],
    queryFn: () => call(api.GET('/visant/v1/devices/{id}', { params: { path: { id: deviceId } } })),
  });
  return (
    <QueryView query={device}>
      {(d) => (
        <>
          <Anchor component={Link} to="/visant" size="sm">
            ← Cameras
          </Anchor>
          <PageTitle actions={<Button onClick={() => setSharing(true)}>Share</Button>}>
            {d.friendly_name}{' '}
            <Badge color={d.online ? 'teal' : 'gray'} variant="dot" size="lg" ml="xs">
              {d.online ? 'online' : 'offline'}
            </Badge>
          </PageTitle>
          <Text size="sm" c="dimmed" mb="md">
            {d.device_id} · last seen {formatDate(d.last_seen_at)}
          </Text>
          <DeviceKeyActions device={d} />
          <Divider my="xl" />
          <Gallery deviceId={d.device_id} />
          <Divider my="xl" />
          <DeviceConfigForm key={d.device_id} device={d} />
          <Modal opened={sharing} onClose={() => setSharing(false)} title={`Share ${d.friendly_name}`}>
            <ShareForm deviceId={d.device_id} />
          </Modal>
        </>
      )}
    </QueryView>
  );
}
