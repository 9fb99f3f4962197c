import { useEffect } from 'react';
import { Anchor, Center, Loader, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, call } from '../../platform/api';
import { ErrorMessage, PageTitle } from '../../platform/components';
import { networkLabel } from './format';
import type { Network } from './types';

/**
 * Where a network sends the browser back after consent. The browser's navigation carries no
 * bearer token, so this page (signed in) hands code and state to the API. The state is single
 * use: the query runs once per state and is never retried or refetched.
 */
export function ConnectCallbackPage() {
  const { network } = useParams() as { network: Network };
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const query = Object.fromEntries(['code', 'state', 'error', 'error_description'].flatMap((k) => (params.get(k) ? [[k, params.get(k)!]] : [])));
  const exchange = useQuery({
    queryKey: ['social', 'connect-callback', network, query.state ?? ''],
    queryFn: async () => (await call(api.GET('/social/api/accounts/callback/{network}', { params: { path: { network }, query } }))).data,
    retry: false,
    staleTime: Infinity,
    gcTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
  useEffect(() => {
    if (!exchange.data) return;
    void queryClient.invalidateQueries({ queryKey: ['social', 'accounts'] });
    navigate(`/social/accounts?connected=${exchange.data.account_ids.length}`, { replace: true });
  }, [exchange.data, navigate, queryClient]);

  return (
    <>
      <PageTitle>Connecting {networkLabel(network)}</PageTitle>
      {exchange.isError ? (
        <Stack>
          <ErrorMessage error={exchange.error} />
          <Text size="sm">
            Nothing was connected. <Anchor component={Link} to="/social/accounts">Back to accounts</Anchor> to start again.
          </Text>
        </Stack>
      ) : (
        <Center py="xl" aria-busy="true">
          <Loader role="status" aria-label="Connecting the account" />
        </Center>
      )}
    </>
  );
}
