/** Small shared pieces every page uses: query states, error messages, secrets shown once. */
import type { ReactNode } from 'react';
import { Alert, Button, Center, Code, CopyButton, Group, Loader, Stack, Text, Title } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';

export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : 'Something went wrong. Try again.';
  return (
    <Alert color="red" title="That did not work" role="alert">
      <Stack gap="xs">
        <Text size="sm">{message}</Text>
        {onRetry && (
          <Group>
            <Button size="xs" variant="light" color="red" onClick={onRetry}>
              Try again
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

/** Loading, error and empty states around what a query found. */
export function QueryView<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) {
    return (
      <Center py="xl" aria-busy="true">
        <Loader role="status" aria-label="Loading" />
      </Center>
    );
  }
  if (query.isError) return <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />;
  if (isEmpty?.(query.data) && empty) return <>{empty}</>;
  return <>{children(query.data)}</>;
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Stack align="center" py="xl" gap="xs" data-testid="empty-state">
      <Title order={3} size="h4">
        {title}
      </Title>
      {children && (
        <Text c="dimmed" ta="center" maw={420}>
          {children}
        </Text>
      )}
    </Stack>
  );
}

/** A secret shown once (API key, device key): copy it now, it will not be shown again. */
export function SecretOnce({ label, secret }: { label: string; secret: string }) {
  return (
    // Yellow draws the eye; the title stays dark, yellow text on yellow is unreadable.
    <Alert color="yellow" title={label} styles={{ title: { color: 'var(--mantine-color-dark-8)' } }}>
      <Stack gap="xs">
        <Text size="sm">Copy it now: it is shown only once and cannot be retrieved later.</Text>
        <Code block data-testid="secret" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
          {secret}
        </Code>
        <Group>
          <CopyButton value={secret}>
            {({ copied, copy }) => (
              <Button size="xs" onClick={copy} color={copied ? 'teal' : 'blue'}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
        </Group>
      </Stack>
    </Alert>
  );
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <Group justify="space-between" mb="md" wrap="wrap">
      <Title order={1} size="h2">
        {children}
      </Title>
      {actions}
    </Group>
  );
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  return new Date(value).toLocaleString();
}
