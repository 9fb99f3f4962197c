import { useCallback, useState } from 'react';
import { Button, Card, Center, Group, Loader, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, call } from '../../platform/api';
import { EmptyState, ErrorMessage, PageTitle } from '../../platform/components';
import { UploadPanel } from './UploadPanel';
import { VirtualGallery } from './VirtualGallery';

/** Photos asked for at a time as the gallery scrolls (the API's largest page). */
const PAGE_SIZE = 100;

/**
 * Pages are by offset: a photo uploaded while the gallery scrolls shifts the later pages by
 * one, so a page can repeat the last photo of the one before. Shown once.
 */
const uniqueById = <T extends { id: string }>(items: T[]) => [...new Map(items.map((p) => [p.id, p])).values()];

const SOURCES = ['cloud', 'local_sync', 'event_temp'] as const;
type Source = (typeof SOURCES)[number];

/** Put the selected photos in a new bundle or an existing one. */
function AddToBundle({ photoIds, onDone }: { photoIds: string[]; onDone(): void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [bundleId, setBundleId] = useState<string | null>(null);
  const bundles = useQuery({ queryKey: ['aura', 'bundles', 'all'], queryFn: () => call(api.GET('/aura/api/bundles', { params: { query: { limit: 100 } } })) });
  const add = useMutation({
    mutationFn: async () => {
      if (bundleId) return call(api.POST('/aura/api/bundles/{id}/photos', { params: { path: { id: bundleId } }, body: { photo_ids: photoIds } }));
      return call(api.POST('/aura/api/bundles', { body: { name: name.trim(), photo_ids: photoIds } }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['aura', 'bundles'] });
      onDone();
    },
  });
  return (
    <Stack>
      <Select
        label="Existing bundle"
        placeholder="None: make a new one"
        clearable
        data={(bundles.data?.items ?? []).map((b) => ({ value: b.id, label: b.name }))}
        value={bundleId}
        onChange={setBundleId}
      />
      {!bundleId && <TextInput label="New bundle's name" value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />}
      <ErrorMessage error={add.error} />
      <Group justify="flex-end">
        <Button disabled={!bundleId && !name.trim()} loading={add.isPending} onClick={() => add.mutate()}>
          Add {photoIds.length} photo{photoIds.length === 1 ? '' : 's'}
        </Button>
      </Group>
    </Stack>
  );
}

export function PhotosPage() {
  const [params, setParams] = useSearchParams();
  const eventId = params.get('event') ?? undefined;
  const source = (params.get('source') as Source | null) ?? undefined;
  const [selected, setSelected] = useState<string[]>([]);
  const [bundling, setBundling] = useState(false);
  const [uploading, setUploading] = useState(false);
  const events = useQuery({ queryKey: ['aura', 'events'], queryFn: () => call(api.GET('/aura/api/events', { params: { query: { limit: 100 } } })) });
  const photos = useInfiniteQuery({
    queryKey: ['aura', 'photos', eventId, source, 'scroll'],
    initialPageParam: 1,
    queryFn: ({ pageParam }) =>
      call(api.GET('/aura/api/photos', { params: { query: { page: pageParam, limit: PAGE_SIZE, ...(eventId ? { event_id: eventId } : {}), ...(source ? { source_type: source } : {}) } } })),
    getNextPageParam: (last, all) => (all.length < last.pages ? all.length + 1 : undefined),
  });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = photos;
  const loadMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const setFilter = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  return (
    <>
      <PageTitle
        actions={
          <Group>
            <Button variant="default" disabled={selected.length === 0} onClick={() => setBundling(true)}>Add to bundle ({selected.length})</Button>
            <Button onClick={() => setUploading((u) => !u)}>{uploading ? 'Close upload' : 'Upload'}</Button>
          </Group>
        }
      >
        Photos
      </PageTitle>
      <Group mb="md" align="flex-end">
        <Select
          label="Event"
          placeholder="All events"
          clearable
          data={(events.data?.items ?? []).map((e) => ({ value: e.id, label: e.name }))}
          value={eventId ?? null}
          onChange={(v) => setFilter('event', v)}
        />
        <Select label="Source" placeholder="All sources" clearable data={[...SOURCES]} value={source ?? null} onChange={(v) => setFilter('source', v)} />
      </Group>
      {uploading && (
        <Card withBorder mb="lg">
          <Text size="sm" mb="xs">{eventId ? `Into ${events.data?.items.find((e) => e.id === eventId)?.name ?? 'this event'}` : 'Without an event (choose one above to file them under it)'}</Text>
          <UploadPanel eventId={eventId} />
        </Card>
      )}
      {photos.isPending ? (
        <Center py="xl" aria-busy="true">
          <Loader role="status" aria-label="Loading" />
        </Center>
      ) : !photos.data ? (
        <ErrorMessage error={photos.error} onRetry={() => void photos.refetch()} />
      ) : photos.data.pages[0]!.total === 0 ? (
        <EmptyState title="No photos here">Upload photos, or change the filters.</EmptyState>
      ) : (
        <Stack>
          <Text size="sm" c="dimmed">
            {photos.data.pages[0]!.total} photos
          </Text>
          <VirtualGallery
            photos={uniqueById(photos.data.pages.flatMap((p) => p.items))}
            hasMore={hasNextPage && !photos.isError}
            loadingMore={isFetchingNextPage}
            onNearEnd={loadMore}
            selected={selected}
            onToggle={toggle}
          />
          {/* A later page that failed keeps the photos shown so far. */}
          {photos.isError && <ErrorMessage error={photos.error} onRetry={loadMore} />}
        </Stack>
      )}
      <Modal opened={bundling} onClose={() => setBundling(false)} title="Add to a bundle">
        <AddToBundle
          photoIds={selected}
          onDone={() => {
            setBundling(false);
            setSelected([]);
          }}
        />
      </Modal>
    </>
  );
}
