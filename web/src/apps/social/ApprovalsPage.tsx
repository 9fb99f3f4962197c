import { useState } from 'react';
import { Anchor, Pagination, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call } from '../../platform/api';
import { EmptyState, formatDate, PageTitle, QueryView } from '../../platform/components';
import { ApprovalButtons } from './ApprovalButtons';
import { useIsAdmin, useLivePosts } from './hooks';
import { ScrollTable } from './ScrollTable';

type Decision = 'pending' | 'approved' | 'rejected' | 'withdrawn';

/** The approval queue, oldest first: admins approve or reject (with a comment); others see what waits. */
export function ApprovalsPage() {
  useLivePosts();
  const isAdmin = useIsAdmin();
  const [decision, setDecision] = useState<Decision>('pending');
  const [page, setPage] = useState(1);
  const queue = useQuery({
    queryKey: ['social', 'approvals', decision, page],
    queryFn: async () => (await call(api.GET('/social/api/approvals', { params: { query: { decision, page, limit: 20 } } }))).data,
  });
  return (
    <Stack>
      <PageTitle
        actions={
          <SegmentedControl
            value={decision}
            onChange={(v) => { setDecision(v as Decision); setPage(1); }}
            data={[{ value: 'pending', label: 'Waiting' }, { value: 'approved', label: 'Approved' }, { value: 'rejected', label: 'Rejected' }]}
            aria-label="Which requests"
          />
        }
      >
        Approvals
      </PageTitle>
      {!isAdmin && decision === 'pending' && <Text size="sm" c="dimmed">Workspace admins approve or reject these.</Text>}
      <QueryView query={queue} isEmpty={(d) => d.items.length === 0} empty={<EmptyState title={decision === 'pending' ? 'Nothing waits for approval' : 'None yet'}>{decision === 'pending' ? 'Posts submitted for approval appear here, oldest first.' : undefined}</EmptyState>}>
        {(data) => (
          <Stack>
            <ScrollTable label="Approval requests" minWidth={620}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Post</Table.Th>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>Asked</Table.Th>
                  <Table.Th>{decision === 'pending' ? <span className="visually-hidden">Decision</span> : 'Comment'}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((a) => (
                  <Table.Tr key={a.id} data-testid="approval-row">
                    <Table.Td maw={380}>
                      <Anchor component={Link} to={`/social/posts/${a.post_id}`} size="sm" fw={500}>{a.title ?? a.text.slice(0, 60)}</Anchor>
                      <Text size="xs" c="dimmed" lineClamp={2}>{a.text}</Text>
                    </Table.Td>
                    <Table.Td>{a.version}</Table.Td>
                    <Table.Td>{formatDate(a.requested_at)}</Table.Td>
                    <Table.Td>
                      {decision === 'pending' ? (isAdmin ? <ApprovalButtons postId={a.post_id} label={a.title ?? 'this post'} /> : '—') : <Text size="sm">{a.comment ?? '—'}</Text>}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </ScrollTable>
            {data.pages > 1 && <Pagination total={data.pages} value={page} onChange={setPage} aria-label="Pages of requests" />}
          </Stack>
        )}
      </QueryView>
    </Stack>
  );
}
