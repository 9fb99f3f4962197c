import { Alert, Button, Card, Group, SimpleGrid, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, call } from '../api';
import { PageTitle, QueryView, ErrorMessage } from '../components';
import { useMe } from '../Shell';
import { webApps } from '../../apps';

export function Home() {
  const me = useMe();
  const resend = useMutation({ mutationFn: () => call(api.POST('/api/v1/auth/verify-email/request')) });
  return (
    <QueryView query={me}>
      {(data) => (
        <>
          <PageTitle>{data.org.name}</PageTitle>
          {data.user && !data.user.email_verified_at && (
            <Alert color="blue" mb="md" title="Confirm your email">
              <Text size="sm">We sent a link to {data.user.email}. Open it to confirm your address.</Text>
              {resend.isSuccess ? (
                <Text size="sm" mt="xs">{resend.data.message}.</Text>
              ) : (
                <Button size="xs" variant="light" mt="xs" onClick={() => resend.mutate()} loading={resend.isPending}>
                  Send the link again
                </Button>
              )}
              <ErrorMessage error={resend.error} />
            </Alert>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {webApps.map((app) => (
              <Card key={app.name} withBorder padding="lg" radius="md">
                <Title order={2} size="h4">
                  {app.title}
                </Title>
                <Text c="dimmed" size="sm" mt={4}>
                  {app.tagline}
                </Text>
                <Group mt="md">
                  <Button component={Link} to={app.nav[0].to}>
                    Open {app.title}
                  </Button>
                </Group>
              </Card>
            ))}
          </SimpleGrid>
        </>
      )}
    </QueryView>
  );
}
