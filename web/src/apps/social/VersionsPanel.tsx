import { useState } from 'react';
import { Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../platform/api';
import { ErrorMessage, formatDate, QueryView } from '../../platform/components';
import { ConfirmButton } from '../../platform/ConfirmButton';
import { ScrollTable } from './ScrollTable';
import { networkLabel } from './format';
import type { VersionDiff } from './types';

function DiffText({ parts }: { parts: VersionDiff['text'] }) {
  return (
    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="diff">
      {parts.map((p, i) =>
        p.op === 'equal' ? (
          <span key={i}>{p.text}</span>
        ) : p.op === 'insert' ? (
          <ins key={i} style={{ background: 'var(--mantine-color-green-1)', color: 'var(--mantine-color-green-9)' }}>{p.text}</ins>
        ) : (
          <del key={i} style={{ background: 'var(--mantine-color-red-1)', color: 'var(--mantine-color-red-9)' }}>{p.text}</del>
        ),
      )}
    </Text>
  );
}

/** Every version of the post's words: compare any two (word diff), restore an old one as a new version. */
export function VersionsPanel({ postId, current, canWrite, locked }: { postId: string; current: number; canWrite: boolean; locked: boolean }) {
  const queryClient = useQueryClient();
  const versions = useQuery({
    queryKey: ['social', 'posts', postId, 'versions', current],
    queryFn: async () => (await call(api.GET('/social/api/posts/{id}/versions', { params: { path: { id: postId } } }))).data,
  });
  const [from, setFrom] = useState<string | null>(current > 1 ? String(current - 1) : null);
  const [to, setTo] = useState<string | null>(String(current));
  const diff = useQuery({
    queryKey: ['social', 'posts', postId, 'diff', from, to],
    enabled: Boolean(from && to && from !== to),
    queryFn: async () => (await call(api.GET('/social/api/posts/{id}/diff', { params: { path: { id: postId }, query: { from: Number(from), to: Number(to) } } }))).data,
  });
  const restore = useMutation({
    mutationFn: (version: number) => call(api.POST('/social/api/posts/{id}/versions/{version}/restore', { params: { path: { id: postId, version } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['social', 'posts'] }),
  });
  return (
    <Stack>
      <Title order={2} size="h4">Versions</Title>
      <QueryView query={versions}>
        {(list) => (
          <Stack>
            <ScrollTable label="Versions" minWidth={480}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Version</Table.Th>
                    <Table.Th>Saved</Table.Th>
                    <Table.Th>Text</Table.Th>
                    <Table.Th><span className="visually-hidden">Actions</span></Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((v) => (
                    <Table.Tr key={v.version}>
                      <Table.Td>
                        {v.version}{v.version === current && <Text span size="xs" c="dimmed"> (current)</Text>}
                        {v.restored_from && <Text size="xs" c="dimmed">restored from {v.restored_from}</Text>}
                      </Table.Td>
                      <Table.Td>{formatDate(v.created_at)}</Table.Td>
                      <Table.Td><Text size="sm" lineClamp={2}>{v.text}</Text></Table.Td>
                      <Table.Td>
                        {canWrite && !locked && v.version !== current && (
                          <ConfirmButton size="xs" variant="subtle" title={`Restore version ${v.version}?`} message="Its words and media become a new version; nothing in the history is lost." confirmLabel="Restore" onConfirm={() => restore.mutateAsync(v.version)}>
                            Restore
                          </ConfirmButton>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </ScrollTable>
            {list.length > 1 && (
              <Stack gap="xs">
                <Group>
                  <Select label="Compare version" data={list.map((v) => String(v.version))} value={from} onChange={setFrom} w={140} />
                  <Select label="with version" data={list.map((v) => String(v.version))} value={to} onChange={setTo} w={140} />
                </Group>
                {from === to && <Text size="sm" c="dimmed">Choose two different versions.</Text>}
                {diff.isError && <ErrorMessage error={diff.error} />}
                {diff.data && (
                  <Stack gap="xs">
                    <DiffText parts={diff.data.text} />
                    {Object.entries(diff.data.variants).map(([n, parts]) => (
                      <div key={n}>
                        <Text size="xs" fw={600}>{networkLabel(n)}</Text>
                        <DiffText parts={parts} />
                      </div>
                    ))}
                    {Object.entries(diff.data.media).map(([n, m]) => (
                      <Text key={n} size="xs">
                        Media {n === '*' ? 'for every network' : `for ${networkLabel(n)}`}: {m.added.length} added, {m.removed.length} removed
                      </Text>
                    ))}
                  </Stack>
                )}
              </Stack>
            )}
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}
