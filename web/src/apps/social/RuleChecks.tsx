import { Alert, Group, List, Loader, Stack, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { ErrorMessage } from '../../platform/components';
import { networkLabel } from './format';
import type { NetworkCheck } from './types';

/** Each chosen network's length against its limit and the rules the draft breaks, in the API's words. */
export function RuleChecks({ check }: { check: UseQueryResult<NetworkCheck[]> }) {
  if (check.isError) return <ErrorMessage error={check.error} onRetry={() => void check.refetch()} />;
  if (!check.data) return check.isFetching ? <Loader role="status" size="sm" aria-label="Checking the networks' rules" /> : null;
  return (
    <Stack gap="xs" aria-live="polite" data-testid="rule-checks">
      {check.data.map((c) => {
        const ok = c.violations.length === 0;
        return (
          <Alert key={c.network} color={ok ? 'teal' : 'red'} variant="light" p="xs" data-testid={`check-${c.network}`}>
            <Group justify="space-between" gap="xs">
              <Text size="sm" fw={600}>{networkLabel(c.network)}</Text>
              <Text size="sm">
                {c.length.toLocaleString()} / {c.max_length.toLocaleString()} {c.length_unit}
              </Text>
            </Group>
            {ok ? (
              <Text size="sm">Ready for {networkLabel(c.network)}.</Text>
            ) : (
              <List size="sm">
                {c.violations.map((v, i) => (
                  <List.Item key={i}>{v.message}</List.Item>
                ))}
              </List>
            )}
          </Alert>
        );
      })}
    </Stack>
  );
}
