import { Anchor, Badge, Group, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { inZone, networkLabel } from './format';
import { StatusBadge } from './PostPage';
import { ScrollTable } from './ScrollTable';
import type { PostSummary } from './types';

/** Posts as rows: title or opening words (a link), status, networks, slot. */
export function PostsTable({ posts, label }: { posts: PostSummary[]; label: string }) {
  return (
    <ScrollTable label={label} minWidth={640}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Post</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th>Networks</Table.Th>
          <Table.Th>Planned</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {posts.map((p) => (
          <Table.Tr key={p.id}>
            <Table.Td maw={360}>
              <Anchor component={Link} to={`/social/posts/${p.id}`} size="sm" fw={500}>
                {p.title ?? p.text.slice(0, 60) + (p.text.length > 60 ? '…' : '')}
              </Anchor>
              {p.title && <Text size="xs" c="dimmed" lineClamp={1}>{p.text}</Text>}
            </Table.Td>
            <Table.Td><StatusBadge status={p.status} /></Table.Td>
            <Table.Td>
              <Group gap={4}>
                {p.networks.map((n) => (
                  <Badge key={n} size="xs" variant="outline">{networkLabel(n)}</Badge>
                ))}
              </Group>
            </Table.Td>
            <Table.Td><Text size="sm">{inZone(p.scheduled_at, p.timezone)}</Text></Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </ScrollTable>
  );
}
