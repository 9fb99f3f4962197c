import { useState } from 'react';
import { Alert, Button, Card, Group, PasswordInput, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { api, call, fieldError } from '../../platform/api';
import { EmptyState, ErrorMessage, formatDate, PageTitle, QueryView } from '../../platform/components';
import { ConfirmButton } from '../../platform/ConfirmButton';
import { AccountHealth } from './AccountHealth';
import { ScrollTable } from './ScrollTable';
import { NETWORK_LABELS, networkLabel } from './format';
import { useAccounts, useIsAdmin, useLiveAccounts } from './hooks';
import type { Network } from './types';

const OAUTH_NETWORKS: Network[] = ['x', 'linkedin', 'facebook', 'instagram'];

/** Send the browser to the network's consent page; it comes back to /social/accounts/callback/<network>. */
async function startConnect(network: Network, body: { instance_url?: string } = {}) {
  const { data } = await call(api.POST('/social/api/accounts/connect/{network}', { params: { path: { network } }, body }));
  window.location.assign(data.authorize_url);
}

export function AccountsPage() {
  const isAdmin = useIsAdmin();
  const accounts = useAccounts();
  useLiveAccounts();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const connected = params.get('connected');
  const connect = useMutation({ mutationFn: (a: { network: Network; instance_url?: string }) => startConnect(a.network, a.instance_url ? { instance_url: a.instance_url } : {}) });
  const disconnect = useMutation({
    mutationFn: (id: string) => call(api.DELETE('/social/api/accounts/{id}', { params: { path: { id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['social', 'accounts'] }),
  });

  return (
    <>
      <PageTitle>Connected accounts</PageTitle>
      {connected && (
        <Alert color="teal" title="Account connected" mb="md">
          {connected === '1' ? 'The account is ready to publish to.' : `${connected} accounts are ready to publish to.`}
        </Alert>
      )}
      <QueryView
        query={accounts}
        isEmpty={(d) => d.length === 0}
        empty={<EmptyState title="No accounts yet">{isAdmin ? 'Connect a network below: posts are published to the accounts you connect.' : 'A workspace admin connects the networks posts go to.'}</EmptyState>}
      >
        {(list) => (
          <ScrollTable label="Connected accounts" minWidth={620}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Network</Table.Th>
                  <Table.Th>Account</Table.Th>
                  <Table.Th>Health</Table.Th>
                  <Table.Th>Connected</Table.Th>
                  <Table.Th><span className="visually-hidden">Actions</span></Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((a) => (
                  <Table.Tr key={a.id} data-testid={`account-${a.network}`}>
                    <Table.Td>{networkLabel(a.network)}</Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        <Link to={`/social/accounts/${a.id}/analytics`} aria-label={`Figures of ${a.display_name} on ${networkLabel(a.network)}`}>{a.display_name}</Link>
                      </Text>
                      {(a.handle || a.instance_url) && <Text size="xs" c="dimmed">{[a.handle, a.instance_url].filter(Boolean).join(' · ')}</Text>}
                      {a.last_error && <Text size="xs" c="red.9">{a.last_error}</Text>}
                    </Table.Td>
                    <Table.Td><AccountHealth status={a.status} /></Table.Td>
                    <Table.Td>{formatDate(a.created_at)}</Table.Td>
                    <Table.Td>
                      {isAdmin && (
                        <Group gap="xs" wrap="nowrap">
                          {a.status === 'reconnect_needed' && a.network !== 'bluesky' && (
                            <Button size="xs" onClick={() => connect.mutate({ network: a.network, instance_url: a.instance_url ?? undefined })}>Reconnect</Button>
                          )}
                          <ConfirmButton
                            size="xs"
                            variant="subtle"
                            color="red"
                            title={`Disconnect ${a.display_name}?`}
                            message="Its tokens are deleted at once: scheduled posts to this account will fail until you connect it again."
                            confirmLabel="Disconnect"
                            onConfirm={() => disconnect.mutateAsync(a.id)}
                          >
                            Disconnect
                          </ConfirmButton>
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </ScrollTable>
        )}
      </QueryView>
      {isAdmin && <ConnectPanel onConnect={(network, instance_url) => connect.mutateAsync({ network, instance_url })} error={connect.error} pending={connect.isPending} />}
    </>
  );
}

function ConnectPanel({ onConnect, error, pending }: { onConnect: (n: Network, instance?: string) => Promise<unknown>; error: unknown; pending: boolean }) {
  const queryClient = useQueryClient();
  const [choice, setChoice] = useState<Network | null>(null);
  const mastodon = useForm({ initialValues: { instance_url: '' }, validate: { instance_url: (v) => (v.trim() ? null : 'Enter your Mastodon server, e.g. mastodon.social') } });
  const bluesky = useForm({
    initialValues: { identifier: '', app_password: '' },
    validate: { identifier: (v) => (v.trim() ? null : 'Enter your handle or email'), app_password: (v) => (v ? null : 'Enter an app password (Settings → App passwords in Bluesky)') },
  });
  const blueskyConnect = useMutation({
    mutationFn: (v: typeof bluesky.values) => call(api.POST('/social/api/accounts/bluesky', { body: v })),
    onSuccess: () => {
      bluesky.reset();
      void queryClient.invalidateQueries({ queryKey: ['social', 'accounts'] });
    },
  });
  return (
    <Stack mt="xl">
      <Title order={2} size="h3">Connect a network</Title>
      <ErrorMessage error={error} />
      <Group>
        {OAUTH_NETWORKS.map((n) => (
          <Button key={n} variant="light" loading={pending && choice === n} onClick={() => { setChoice(n); void onConnect(n).catch(() => undefined); }}>
            Connect {NETWORK_LABELS[n]}
          </Button>
        ))}
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Card withBorder>
          <form onSubmit={mastodon.onSubmit((v) => { setChoice('mastodon'); void onConnect('mastodon', v.instance_url.trim()).catch(() => undefined); })} noValidate>
            <Stack>
              <Title order={3} size="h5">Mastodon</Title>
              <TextInput label="Mastodon server" placeholder="mastodon.social" {...mastodon.getInputProps('instance_url')} />
              <Group><Button type="submit" variant="light" loading={pending && choice === 'mastodon'}>Connect Mastodon</Button></Group>
            </Stack>
          </form>
        </Card>
        <Card withBorder>
          <form onSubmit={bluesky.onSubmit((v) => blueskyConnect.mutate(v))} noValidate>
            <Stack>
              <Title order={3} size="h5">Bluesky</Title>
              <TextInput label="Handle or email" placeholder="you.bsky.social" {...bluesky.getInputProps('identifier')} error={bluesky.errors.identifier ?? fieldError(blueskyConnect.error, 'identifier')} />
              <PasswordInput label="App password" description="Never stored: only the session it opens is kept, encrypted." {...bluesky.getInputProps('app_password')} />
              <ErrorMessage error={blueskyConnect.error} />
              {blueskyConnect.isSuccess && <Text size="sm" c="teal.9">Bluesky account connected.</Text>}
              <Group><Button type="submit" variant="light" loading={blueskyConnect.isPending}>Connect Bluesky</Button></Group>
            </Stack>
          </form>
        </Card>
      </SimpleGrid>
    </Stack>
  );
}
