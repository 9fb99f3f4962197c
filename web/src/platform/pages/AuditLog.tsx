import { useMemo, useState } from 'react';
import { Autocomplete, Badge, Button, Code, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, call } from '../api';
import { EmptyState, formatDate, PageTitle, QueryView } from '../components';

const PAGE_SIZE = 50;
/** Families the platform and its apps record; any exact action can be typed too. */
const ACTION_SUGGESTIONS = ['auth.*', 'member.*', 'invite.*', 'api_key.*', 'org.*', 'admin.*', 'storage.*', 'share_link.*', 'visant.*', 'genads.*'];

interface Filters {
  action: string;
  actor: string | null;
  from: string;
  to: string;
}

/** A date field's YYYY-MM-DD as the start of that day in the person's own time zone. */
function startOfDay(date: string, plusDays = 0): string {
  const d = new Date(`${date}T00:00:00`);
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
}

export function validateRange(from: string, to: string): string | null {
  return from && to && from > to ? 'The end date is before the start date: pick a later "To"' : null;
}

export function AuditLog() {
  const [filters, setFilters] = useState<Filters>({ action: '', actor: null, from: '', to: '' });
  const form = useForm<Filters>({
    initialValues: filters,
    validate: {
      action: (v) => (v.trim().length > 100 ? 'At most 100 characters' : null),
      to: (v, values) => validateRange(values.from, v),
    },
  });
  const members = useQuery({ queryKey: ['members', 'all'], queryFn: () => call(api.GET('/api/v1/members', { params: { query: { page: 1, limit: 100 } } })) });
  const emailOf = useMemo(() => new Map((members.data?.items ?? []).map((m) => [m.user_id, m.email])), [members.data]);
  const log = useInfiniteQuery({
    queryKey: ['audit', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call(
        api.GET('/api/v1/audit/', {
          params: {
            query: {
              limit: PAGE_SIZE,
              cursor: pageParam,
              action: filters.action.trim() || undefined,
              actor_user_id: filters.actor ?? undefined,
              // "To" includes the whole of that day.
              from: filters.from ? startOfDay(filters.from) : undefined,
              to: filters.to ? startOfDay(filters.to, 1) : undefined,
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(filters.action || filters.actor || filters.from || filters.to);
  const actorLabel = (e: (typeof entries)[number]) => {
    if (e.actor_type === 'system') return 'the platform';
    if (e.actor_type === 'api_key') return `API key ${e.actor_api_key_id?.slice(0, 8) ?? ''}`;
    const who = e.actor_user_id ? (emailOf.get(e.actor_user_id) ?? `user ${e.actor_user_id.slice(0, 8)}`) : 'someone';
    return e.actor_type === 'superadmin' ? `${who} (platform operator)` : who;
  };
  return (
    <Stack>
      <PageTitle>Audit log</PageTitle>
      <Text c="dimmed">Who did what in this organization, newest first. Entries cannot be changed or deleted.</Text>
      <form onSubmit={form.onSubmit((v) => setFilters({ ...v, action: v.action.trim() }))} noValidate aria-label="Filter the audit log">
        <Group align="flex-start" wrap="wrap">
          <Autocomplete label="Action" placeholder="e.g. member.* or api_key.created" w={220} data={ACTION_SUGGESTIONS} {...form.getInputProps('action')} />
          <Select
            label="Who"
            placeholder="Anyone"
            w={240}
            clearable
            searchable
            data={(members.data?.items ?? []).map((m) => ({ value: m.user_id, label: m.email }))}
            {...form.getInputProps('actor')}
          />
          <TextInput type="date" label="From" w={170} {...form.getInputProps('from')} />
          <TextInput type="date" label="To" w={170} {...form.getInputProps('to')} />
          <Group mt={25} gap="xs">
            <Button type="submit">Apply</Button>
            {filtered && (
              <Button
                variant="default"
                onClick={() => {
                  form.reset();
                  setFilters({ action: '', actor: null, from: '', to: '' });
                }}
              >
                Clear
              </Button>
            )}
          </Group>
        </Group>
      </form>
      <QueryView
        query={log}
        isEmpty={() => entries.length === 0}
        empty={<EmptyState title={filtered ? 'Nothing matches these filters' : 'Nothing recorded yet'}>{filtered ? 'Widen the dates or clear the filters.' : 'Changes to members, keys and settings appear here.'}</EmptyState>}
      >
        {() => (
          <>
            {/* Native scrolling with a tab stop: a table without links must still scroll from the keyboard. */}
            <Table.ScrollContainer minWidth={720} type="native" tabIndex={0} role="region" aria-label="Audit log entries">
              <Table striped data-testid="audit-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Action</Table.Th>
                    <Table.Th>Who</Table.Th>
                    <Table.Th>What</Table.Th>
                    <Table.Th>From</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {entries.map((e) => (
                    <Table.Tr key={e.id}>
                      <Table.Td>{formatDate(String(e.created_at))}</Table.Td>
                      <Table.Td>
                        <Badge variant="light" tt="none">{e.action}</Badge>
                      </Table.Td>
                      <Table.Td>{actorLabel(e)}</Table.Td>
                      <Table.Td>{e.target_type ? <Code>{`${e.target_type} ${e.target_id?.slice(0, 12) ?? ''}`}</Code> : '—'}</Table.Td>
                      <Table.Td>{e.ip ?? '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Group justify="space-between">
              <Text size="sm" c="dimmed">{entries.length} entries shown</Text>
              {log.hasNextPage && (
                <Button variant="default" onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
                  Older entries
                </Button>
              )}
            </Group>
          </>
        )}
      </QueryView>
    </Stack>
  );
}
