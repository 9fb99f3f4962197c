import { useState } from 'react';
import { Anchor, Card, Group, Pagination, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call } from '../../platform/api';
import { EmptyState, PageTitle, QueryView } from '../../platform/components';
import { ConfirmButton } from '../../platform/ConfirmButton';
import { AuthImage } from './AuthImage';

/** The studio's people (faces grouped by the server), most photos first; each opens their photos. */
export function PeoplePage() {
  const [page, setPage] = useState(1);
  const [hidden, setHidden] = useState(false);
  const [rebuilding, setRebuilding] = useState<string | null>(null);
  const people = useQuery({
    queryKey: ['aura', 'people', page, hidden],
    queryFn: () => call(api.GET('/aura/api/people', { params: { query: { page, limit: 48, include_hidden: hidden ? 'true' : 'false' } } })),
  });
  return (
    <>
      <PageTitle
        actions={
          <ConfirmButton
            variant="default"
            title="Rebuild the people?"
            message="The people nobody named are grouped again from their faces, in the background. Named people keep their faces."
            confirmLabel="Rebuild"
            onConfirm={async () => setRebuilding((await call(api.POST('/aura/api/people/recluster'))).job_id)}
          >
            Rebuild people
          </ConfirmButton>
        }
      >
        People
      </PageTitle>
      <Stack>
        {rebuilding ? <Text size="sm">Rebuilding in the background (job {rebuilding}); reload this page in a moment.</Text> : null}
        <Switch label="Show hidden people" checked={hidden} onChange={(e) => { setHidden(e.currentTarget.checked); setPage(1); }} />
        <QueryView query={people} isEmpty={(d) => d.items.length === 0} empty={<EmptyState title="No people yet">People appear as faces are found in uploaded photos.</EmptyState>}>
          {(d) => (
            <>
              <SimpleGrid cols={{ base: 2, xs: 3, sm: 4, md: 6 }}>
                {d.items.map((p) => (
                  <Card key={p.id} withBorder p="xs">
                    {p.cover ? <AuthImage url={p.cover.thumb_url} alt={p.name ?? 'An unnamed person'} h={120} /> : <Text size="sm">No face to show</Text>}
                    <Anchor component={Link} to={`/aura/admin/people/${p.id}`} fw={700} mt={4} display="block">{p.name ?? 'Unnamed'}</Anchor>
                    <Group gap={4}>
                      <Text size="xs">{p.photo_count} photo{p.photo_count === 1 ? '' : 's'}</Text>
                      {p.hidden ? <Text size="xs">· hidden</Text> : null}
                    </Group>
                  </Card>
                ))}
              </SimpleGrid>
              {d.pages > 1 && <Pagination total={d.pages} value={page} onChange={setPage} aria-label="Pages of people" />}
            </>
          )}
        </QueryView>
      </Stack>
    </>
  );
}
