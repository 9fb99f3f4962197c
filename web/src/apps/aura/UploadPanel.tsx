import { useState } from 'react';
import { Badge, Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../platform/api';
import { upload } from '../../platform/upload';
import type { UploadAnswer } from './types';

type Outcome = { state: 'waiting' | 'sending' } | { state: 'stored' | 'duplicate' } | { state: 'failed'; message: string; code: string };
interface Item {
  key: string;
  file: File;
  progress: number;
  outcome: Outcome;
}

/**
 * Many files, each sent in its own request so that each has its own progress bar, its own
 * outcome (stored / duplicate / refused with the server's words) and its own retry.
 */
export function UploadPanel({ eventId, capture }: { eventId?: string; capture?: boolean }) {
  const [items, setItems] = useState<Item[]>([]);
  const [dragging, setDragging] = useState(false);
  const queryClient = useQueryClient();
  const update = (key: string, patch: Partial<Item>) => setItems((list) => list.map((i) => (i.key === key ? { ...i, ...patch } : i)));

  const send = async (item: Item) => {
    update(item.key, { outcome: { state: 'sending' }, progress: 0 });
    try {
      const answer = await upload<UploadAnswer>('POST', '/aura/api/photos', eventId ? { event_id: eventId } : {}, [{ field: 'files', file: item.file }], (p) =>
        update(item.key, { progress: p.files ?? 0 }),
      );
      const result = answer.files[0];
      if (!result) update(item.key, { outcome: { state: 'failed', message: 'The server answered without this file. Try again.', code: 'MISSING' } });
      else if (result.status === 'failed') update(item.key, { outcome: { state: 'failed', message: result.error?.message ?? 'Refused', code: result.error?.code ?? 'FAILED' } });
      else update(item.key, { outcome: { state: result.status } });
    } catch (err) {
      update(item.key, { outcome: { state: 'failed', message: err instanceof Error ? err.message : String(err), code: err instanceof ApiError ? err.code : 'ERROR' } });
    }
    await queryClient.invalidateQueries({ queryKey: ['aura', 'photos'] });
  };

  const add = async (files: FileList | File[]) => {
    const fresh = Array.from(files).map((file, i) => ({ key: `${Date.now()}-${i}-${file.name}`, file, progress: 0, outcome: { state: 'waiting' } as Outcome }));
    setItems((list) => [...fresh, ...list]);
    // One at a time: the server reads one image at a time anyway, and the quota is checked in order.
    for (const item of fresh) await send(item);
  };

  return (
    <Stack>
      <Paper
        withBorder
        p="lg"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void add(e.dataTransfer.files);
        }}
        style={{ borderStyle: 'dashed', borderWidth: 2, background: dragging ? '#eef3ff' : undefined }}
      >
        <Stack align="center" gap="xs">
          <Text fw={600}>Drop photos here</Text>
          <Text size="sm" c="dimmed">JPEG, PNG, WebP, TIFF, AVIF or GIF</Text>
          <label>
            <span className="visually-hidden">Choose photos</span>
            <input
              type="file"
              multiple
              accept="image/*"
              {...(capture ? { capture: 'environment' } : {})}
              aria-label="Choose photos"
              data-testid="aura-file-input"
              onChange={(e) => {
                if (e.currentTarget.files) void add(e.currentTarget.files);
                e.currentTarget.value = '';
              }}
            />
          </label>
        </Stack>
      </Paper>
      {items.length > 0 && (
        <Stack gap="xs" aria-live="polite" data-testid="aura-upload-list">
          {items.map((item) => (
            <Paper key={item.key} withBorder p="xs">
              <Group justify="space-between" wrap="nowrap">
                <Text size="sm" truncate>{item.file.name}</Text>
                <OutcomeBadge outcome={item.outcome} />
              </Group>
              {(item.outcome.state === 'sending' || item.outcome.state === 'waiting') && (
                <Progress value={item.progress * 100} mt={4} aria-label={`Upload of ${item.file.name}`} />
              )}
              {item.outcome.state === 'failed' && (
                <Group justify="space-between" mt={4} wrap="nowrap">
                  <Text size="sm" c="red.8">{item.outcome.message}</Text>
                  {item.outcome.code !== 'NOT_AN_IMAGE' && (
                    <Button size="xs" variant="default" onClick={() => void send(item)}>Retry</Button>
                  )}
                </Group>
              )}
            </Paper>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

function OutcomeBadge({ outcome }: { outcome: Outcome }) {
  switch (outcome.state) {
    case 'waiting':
      return <Badge color="gray" variant="dot">waiting</Badge>;
    case 'sending':
      return <Badge color="blue" variant="dot">sending</Badge>;
    case 'stored':
      return <Badge color="teal" variant="dot">stored</Badge>;
    case 'duplicate':
      return <Badge color="yellow" variant="dot">duplicate</Badge>;
    case 'failed':
      return <Badge color="red" variant="dot">{outcome.code === 'QUOTA_EXCEEDED' ? 'over quota' : 'rejected'}</Badge>;
  }
}
