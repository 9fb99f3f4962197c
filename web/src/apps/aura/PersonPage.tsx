import { useState } from 'react';
import { Button, Card, Group, MultiSelect, Pagination, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, call } from '../../platform/api';
import { ErrorMessage, PageTitle, QueryView } from '../../platform/components';
import { AuthImage } from './AuthImage';

/** One person: name, hide, merge others into them (admins), and all their photos. */
export function PersonPage() {
  const { personId = '' } = useParams();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const [name, setName] = useState<string | null>(null);
  const [merge, setMerge] = useState<string[]>([]);
  const person = useQuery({ queryKey: ['aura', 'person', personId], queryFn: () => call(api.GET('/aura/api/people/{id}', { params: { path: { id: personId } } })) });
  const photos = useQuery({
    queryKey: ['aura', 'person', personId, 'photos', page],
    queryFn: () => call(api.GET('/aura/api/people/{id}/photos', { params: { path: { id: personId }, query: { page, limit: 48 } } })),
  });
  const others = useQuery({ queryKey: ['aura', 'people', 'all'], queryFn: () => call(api.GET('/aura/api/people', { params: { query: { limit: 100, include_hidden: 'true' } } })) });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['aura'] });
  const update = useMutation({
    mutationFn: (body: { name?: string | null; hidden?: boolean }) => call(api.PATCH('/aura/api/people/{id}', { params: { path: { id: personId } }, body })),
    onSuccess: refresh,
  });
  const merging = useMutation({
    mutationFn: () => call(api.POST('/aura/api/people/{id}/merge', { params: { path: { id: personId } }, body: { person_ids: merge } })),
    onSuccess: async () => {
      setMerge([]);
      await refresh();
    },
  });
  return (
    <QueryView query={person}>
      {(p) => (
        <>
          <PageTitle>{p.name ?? 'Unnamed person'}</PageTitle>
          <Stack>
            <Card withBorder>
              <Group align="flex-start">
                {p.cover ? <div style={{ width: 120 }}><AuthImage url={p.cover.thumb_url} alt={p.name ?? 'An unnamed person'} h={120} /></div> : null}
                <Stack gap="xs" style={{ flex: 1 }}>
                  <form onSubmit={(e) => { e.preventDefault(); update.mutate({ name: (name ?? p.name ?? '').trim() || null }); }}>
                    <Group align="flex-end">
                      <TextInput label="Name" value={name ?? p.name ?? ''} onChange={(e) => setName(e.currentTarget.value)} maxLength={200} />
                      <Button type="submit" loading={update.isPending}>Save</Button>
                    </Group>
                  </form>
                  <Switch label="Hidden from the people list" checked={p.hidden} onChange={(e) => update.mutate({ hidden: e.currentTarget.checked })} />
                  <Text size="sm">{p.photo_count} photo{p.photo_count === 1 ? '' : 's'}, {p.face_count} face{p.face_count === 1 ? '' : 's'}</Text>
                  <ErrorMessage error={update.error} />
                </Stack>
              </Group>
            </Card>
            <Card withBorder>
              <Title order={2} size="h4" mb="xs">The same person as…</Title>
              <Group align="flex-end">
                <MultiSelect
                  label="People to merge into this one"
                  data={(others.data?.items ?? []).filter((o) => o.id !== p.id).map((o) => ({ value: o.id, label: `${o.name ?? 'Unnamed'} (${o.photo_count} photos)` }))}
                  value={merge}
                  onChange={setMerge}
                  searchable
                  style={{ flex: 1 }}
                />
                <Button disabled={merge.length === 0} loading={merging.isPending} onClick={() => merging.mutate()}>Merge</Button>
              </Group>
              <ErrorMessage error={merging.error} />
            </Card>
            <QueryView query={photos}>
              {(d) => (
                <>
                  <SimpleGrid cols={{ base: 3, sm: 4, md: 6 }}>
                    {d.items.map((ph) => (
                      <Link key={ph.id} to={`/aura/admin/photos/${ph.id}`} aria-label={`Open ${ph.original_name}`}>
                        <AuthImage url={ph.urls.thumb} alt={ph.original_name} h={120} />
                      </Link>
                    ))}
                  </SimpleGrid>
                  {d.pages > 1 && <Pagination total={d.pages} value={page} onChange={setPage} aria-label="Pages of photos" />}
                </>
              )}
            </QueryView>
          </Stack>
        </>
      )}
    </QueryView>
  );
}
