import { useState } from 'react';
import { Anchor, Badge, Button, Card, FileInput, Group, List, Modal, Pagination, Progress, Select, Stack, Table, TagsInput, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call } from '../../platform/api';
import { EmptyState, ErrorMessage, formatDate, PageTitle, QueryView } from '../../platform/components';
import { ConfirmButton } from '../../platform/ConfirmButton';
import { formatBytes, mediaShape, networkLabel } from './format';
import { useCanWrite } from './hooks';
import { uploadMedia } from './MediaPicker';
import { MediaThumbnail } from './MediaThumbnail';
import { ScrollTable } from './ScrollTable';
import type { Media } from './types';

/** The media library: upload (with progress), search by name or alt text, filter by tags and type, see where a file is used. */
/** Uploaded in the last ten minutes and not yet read by its job (a job that failed is not waited for longer). */
function awaitingItsJob(m: Media): boolean {
  const unread = m.media_type === 'image' ? !m.thumbnail_ready : m.duration_seconds === null;
  return unread && Date.now() - Date.parse(m.created_at) < 10 * 60_000;
}

export function MediaPage() {
  const canWrite = useCanWrite();
  const [search, setSearch] = useState({ q: '', tags: [] as string[], type: null as string | null });
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<Media | null>(null);
  const form = useForm({ initialValues: search });
  const library = useQuery({
    queryKey: ['social', 'media', 'page', search, page],
    queryFn: async () =>
      (await call(api.GET('/social/api/media', { params: { query: { page, limit: 24, q: search.q.trim() || undefined, tag: search.tags.length ? search.tags.join(',') : undefined, media_type: (search.type as 'image' | 'video' | null) ?? undefined } } }))).data,
    // A new file's thumbnail (and a video's length) comes from a job moments after its upload: look again until it is there.
    refetchInterval: (q) => (q.state.data?.items.some(awaitingItsJob) ? 2000 : false),
  });
  const filtered = Boolean(search.q || search.tags.length || search.type);
  return (
    <Stack>
      <PageTitle>Media library</PageTitle>
      {canWrite && <UploadCard />}
      <form onSubmit={form.onSubmit((v) => { setSearch(v); setPage(1); })} noValidate aria-label="Search the library">
        <Group align="flex-end" wrap="wrap">
          <TextInput label="Search" placeholder="name or alt text" w={220} {...form.getInputProps('q')} />
          <TagsInput label="Tags (all of)" w={240} {...form.getInputProps('tags')} />
          <Select label="Type" placeholder="Any" clearable w={140} data={[{ value: 'image', label: 'Images' }, { value: 'video', label: 'Videos' }]} {...form.getInputProps('type')} />
          <Button type="submit">Search</Button>
        </Group>
      </form>
      <QueryView query={library} isEmpty={(d) => d.items.length === 0} empty={<EmptyState title={filtered ? 'Nothing matches' : 'The library is empty'}>{filtered ? 'Try other words or tags.' : 'Upload images and videos to use them in posts.'}</EmptyState>}>
        {(data) => (
          <Stack>
            <ScrollTable label="Library files" minWidth={680}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Preview</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Size</Table.Th>
                  <Table.Th>Tags</Table.Th>
                  <Table.Th>Added</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((m) => (
                  <Table.Tr key={m.id} data-testid="media-row">
                    <Table.Td><MediaThumbnail media={m} /></Table.Td>
                    <Table.Td>
                      <Anchor component="button" type="button" size="sm" onClick={() => setOpen(m)}>{m.name}</Anchor>
                    </Table.Td>
                    <Table.Td>{m.mime_type}{mediaShape(m)}</Table.Td>
                    <Table.Td>{formatBytes(m.size_bytes)}</Table.Td>
                    <Table.Td><Group gap={4}>{m.tags.map((t) => <Badge key={t} size="xs" variant="light">{t}</Badge>)}</Group></Table.Td>
                    <Table.Td>{formatDate(m.created_at)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </ScrollTable>
            {data.pages > 1 && <Pagination total={data.pages} value={page} onChange={setPage} aria-label="Pages of the library" />}
          </Stack>
        )}
      </QueryView>
      {open && <MediaDialog media={open} canWrite={canWrite} onClose={() => setOpen(null)} />}
    </Stack>
  );
}

function UploadCard() {
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<number | null>(null);
  const form = useForm({
    initialValues: { file: null as File | null, tags: [] as string[], alt_text: '' },
    validate: { file: (f) => (f ? null : 'Choose an image (JPEG, PNG, WebP, GIF) or an MP4 video') },
  });
  const send = useMutation({
    mutationFn: (v: typeof form.values) => uploadMedia(v.file!, { tags: v.tags.join(','), ...(v.alt_text.trim() ? { alt_text: v.alt_text.trim() } : {}) }, setProgress),
    onSuccess: () => {
      form.reset();
      void queryClient.invalidateQueries({ queryKey: ['social', 'media'] });
    },
    onSettled: () => setProgress(null),
  });
  return (
    <Card withBorder>
      <form onSubmit={form.onSubmit((v) => send.mutate(v))} noValidate>
        <Stack>
          <Title order={2} size="h4">Upload</Title>
          <Group grow align="flex-start" wrap="wrap">
            <FileInput label="File" description="JPEG, PNG, WebP, GIF or MP4" accept="image/jpeg,image/png,image/webp,image/gif,video/mp4" clearable {...form.getInputProps('file')} miw={200} />
            <TagsInput label="Tags" placeholder="Enter to add" {...form.getInputProps('tags')} miw={200} />
            <TextInput label="Alt text" description="What the picture shows, for screen readers" {...form.getInputProps('alt_text')} miw={200} />
          </Group>
          {progress !== null && <Progress value={progress * 100} aria-label="Upload progress" />}
          <ErrorMessage error={send.error} />
          <Group><Button type="submit" loading={send.isPending}>Upload</Button></Group>
        </Stack>
      </form>
    </Card>
  );
}

function MediaDialog({ media, canWrite, onClose }: { media: Media; canWrite: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const path = { params: { path: { id: media.id } } };
  const detail = useQuery({ queryKey: ['social', 'media', 'one', media.id], queryFn: async () => (await call(api.GET('/social/api/media/{id}', path))).data });
  const [tags, setTags] = useState(media.tags);
  const [alt, setAlt] = useState(media.alt_text ?? '');
  const save = useMutation({
    mutationFn: () => call(api.PATCH('/social/api/media/{id}', { ...path, body: { tags, alt_text: alt.trim() || null } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['social', 'media'] }),
  });
  return (
    <Modal opened onClose={onClose} title={media.name} size="lg">
      <QueryView query={detail}>
        {(d) => (
          <Stack>
            <MediaThumbnail media={d} size={160} />
            <Text size="sm">{d.mime_type} · {formatBytes(d.size_bytes)}{mediaShape(d)}</Text>
            <Title order={3} size="h5">Used in</Title>
            {d.used_in.length === 0 ? (
              <Text size="sm" c="dimmed">No post uses this file.</Text>
            ) : (
              <List size="sm">
                {d.used_in.map((u) => (
                  <List.Item key={`${u.post_id}-${u.network}`}>
                    <Anchor component={Link} to={`/social/posts/${u.post_id}`} onClick={onClose}>{u.title ?? 'A post'}</Anchor> ({u.status}, {u.network === '*' ? 'every network' : networkLabel(u.network)})
                  </List.Item>
                ))}
              </List>
            )}
            {canWrite && (
              <>
                <TagsInput label="Tags" value={tags} onChange={setTags} />
                <TextInput label="Alt text" value={alt} onChange={(e) => setAlt(e.currentTarget.value)} />
                <ErrorMessage error={save.error} />
                <Group justify="space-between">
                  <ConfirmButton size="xs" variant="subtle" color="red" title={`Delete ${d.name}?`} message="A file that a post uses cannot be deleted: take it out of those posts first." confirmLabel="Delete" onConfirm={async () => {
                    await call(api.DELETE('/social/api/media/{id}', path));
                    await queryClient.invalidateQueries({ queryKey: ['social', 'media'] });
                    onClose();
                  }}>
                    Delete
                  </ConfirmButton>
                  <Button onClick={() => save.mutate()} loading={save.isPending}>Save</Button>
                </Group>
              </>
            )}
          </Stack>
        )}
      </QueryView>
    </Modal>
  );
}
