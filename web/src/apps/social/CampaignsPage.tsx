import { useState } from 'react';
import { Anchor, Badge, Button, Card, ColorInput, Group, Pagination, SegmentedControl, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call, fieldError } from '../../platform/api';
import { EmptyState, ErrorMessage, PageTitle, QueryView } from '../../platform/components';
import { useCanWrite } from './hooks';
import { ScrollTable } from './ScrollTable';

/** Campaigns group posts: list (active or archived, by name), create. */
export function CampaignsPage() {
  const canWrite = useCanWrite();
  const [status, setStatus] = useState<'active' | 'archived'>('active');
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['social', 'campaigns', status, page],
    queryFn: async () => (await call(api.GET('/social/api/campaigns', { params: { query: { status, page, limit: 20 } } }))).data,
  });
  return (
    <Stack>
      <PageTitle actions={<SegmentedControl value={status} onChange={(v) => { setStatus(v as 'active' | 'archived'); setPage(1); }} data={[{ value: 'active', label: 'Active' }, { value: 'archived', label: 'Archived' }]} aria-label="Which campaigns" />}>
        Campaigns
      </PageTitle>
      <QueryView query={list} isEmpty={(d) => d.items.length === 0} empty={<EmptyState title={status === 'active' ? 'No campaigns yet' : 'No archived campaigns'}>{status === 'active' && canWrite ? 'Create one below to group the posts of a launch or a season.' : undefined}</EmptyState>}>
        {(data) => (
          <Stack>
            <ScrollTable label="Campaigns" minWidth={560}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Dates</Table.Th>
                  <Table.Th>Posts</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        {c.color && <span aria-hidden style={{ width: 10, height: 10, borderRadius: 5, background: c.color, display: 'inline-block' }} />}
                        <Anchor component={Link} to={`/social/campaigns/${c.id}`} size="sm" fw={500}>{c.name}</Anchor>
                        {c.status === 'archived' && <Badge size="xs" color="gray" variant="light">archived</Badge>}
                      </Group>
                    </Table.Td>
                    <Table.Td><Text size="sm">{c.starts_on ?? '…'} – {c.ends_on ?? '…'}</Text></Table.Td>
                    <Table.Td>{c.post_count}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </ScrollTable>
            {data.pages > 1 && <Pagination total={data.pages} value={page} onChange={setPage} aria-label="Pages of campaigns" />}
          </Stack>
        )}
      </QueryView>
      {canWrite && <CreateCampaign />}
    </Stack>
  );
}

function CreateCampaign() {
  const queryClient = useQueryClient();
  const form = useForm({
    initialValues: { name: '', description: '', color: '', starts_on: '', ends_on: '' },
    validate: {
      name: (v) => (v.trim() ? (v.trim().length > 200 ? 'At most 200 characters' : null) : 'Give the campaign a name'),
      color: (v) => (!v || /^#[0-9a-fA-F]{6}$/.test(v) ? null : 'A colour like #1d4ed8'),
      ends_on: (v, values) => (v && values.starts_on && v < values.starts_on ? 'The end is before the start' : null),
    },
  });
  const create = useMutation({
    mutationFn: (v: typeof form.values) =>
      call(api.POST('/social/api/campaigns', { body: { name: v.name.trim(), description: v.description.trim() || null, color: v.color || null, starts_on: v.starts_on || null, ends_on: v.ends_on || null } })),
    onSuccess: () => {
      form.reset();
      void queryClient.invalidateQueries({ queryKey: ['social', 'campaigns'] });
    },
  });
  return (
    <Card withBorder>
      <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate>
        <Stack>
          <Title order={2} size="h4">New campaign</Title>
          <Group grow align="flex-start" wrap="wrap">
            <TextInput label="Name" required {...form.getInputProps('name')} error={form.errors.name ?? fieldError(create.error, 'name')} miw={200} />
            <ColorInput label="Colour" format="hex" {...form.getInputProps('color')} miw={160} />
          </Group>
          <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
          <Group grow wrap="wrap">
            <TextInput type="date" label="Starts" {...form.getInputProps('starts_on')} />
            <TextInput type="date" label="Ends" {...form.getInputProps('ends_on')} />
          </Group>
          <ErrorMessage error={create.error} />
          <Group><Button type="submit" loading={create.isPending}>Create campaign</Button></Group>
        </Stack>
      </form>
    </Card>
  );
}
