import { Alert, Anchor, Button, Grid, Group, Image, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, call } from '../../platform/api';
import { ErrorMessage, formatDate, PageTitle, QueryView } from '../../platform/components';
import { CaptureStateBadge } from './CaptureStateBadge';

export function CapturePage() {
  const { recordId = '' } = useParams();
  const queryClient = useQueryClient();
  const capture = useQuery({
    queryKey: ['visant', 'capture', recordId],
    queryFn: () => call(api.GET('/visant/v1/captures/{id}', { params: { path: { id: recordId } } })),
    // While it is being judged, look again every few seconds.
    refetchInterval: (q) => (q.state.data && ['pending', 'processing'].includes(q.state.data.evaluation_status) ? 3000 : false),
  });
  const markNormal = useMutation({
    mutationFn: (normal: boolean) => call(api.POST('/visant/v1/captures/{id}/mark-normal', { params: { path: { id: recordId } }, body: { normal } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['visant'] }),
  });
  return (
    <QueryView query={capture}>
      {(c) => (
        <>
          <Anchor component={Link} to={`/visant/devices/${encodeURIComponent(c.device_id)}`} size="sm">
            ← {c.device_id}
          </Anchor>
          <PageTitle>Capture {formatDate(c.captured_at)}</PageTitle>
          <Grid>
            <Grid.Col span={{ base: 12, md: 8 }}>
              {c.image_url ? <Image src={c.image_url} alt={`Capture ${c.record_id} from ${c.device_id}`} radius="md" /> : <Alert>The image has not been uploaded yet.</Alert>}
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 4 }}>
              <Stack>
                <Table>
                  <Table.Tbody>
                    <Table.Tr>
                      <Table.Th scope="row">State</Table.Th>
                      <Table.Td data-testid="capture-state"><CaptureStateBadge capture={c} /></Table.Td>
                    </Table.Tr>
                    <Table.Tr>
                      <Table.Th scope="row">Score</Table.Th>
                      <Table.Td>{c.score == null ? '—' : c.score.toFixed(2)}</Table.Td>
                    </Table.Tr>
                    <Table.Tr>
                      <Table.Th scope="row">Trigger</Table.Th>
                      <Table.Td>{c.trigger_label ?? '—'}</Table.Td>
                    </Table.Tr>
                    <Table.Tr>
                      <Table.Th scope="row">Evaluated</Table.Th>
                      <Table.Td>{formatDate(c.evaluated_at)}</Table.Td>
                    </Table.Tr>
                  </Table.Tbody>
                </Table>
                {c.reason && (
                  <Text size="sm" data-testid="capture-reason">
                    {c.reason}
                  </Text>
                )}
                <Text size="sm" c="dimmed">
                  Captures you mark normal teach the camera what its scene usually looks like.
                </Text>
                <Group>
                  {c.marked_normal ? (
                    <Button variant="default" onClick={() => markNormal.mutate(false)} loading={markNormal.isPending}>
                      Unmark normal
                    </Button>
                  ) : (
                    <Button onClick={() => markNormal.mutate(true)} loading={markNormal.isPending}>
                      Mark as normal
                    </Button>
                  )}
                </Group>
                {c.marked_normal && <Text size="sm" c="teal.9">Marked normal: part of this camera's baseline.</Text>}
                <ErrorMessage error={markNormal.error} />
              </Stack>
            </Grid.Col>
          </Grid>
        </>
      )}
    </QueryView>
  );
}
