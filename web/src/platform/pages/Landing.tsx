import { Button, Container, Group, SimpleGrid, Stack, Text, Title, Paper } from '@mantine/core';
import { Link, Navigate } from 'react-router';
import { useSession } from '../useSession';
import { webApps } from '../../apps';

export function Landing() {
  const signedIn = useSession();
  if (signedIn) return <Navigate to="/home" replace />;
  return (
    <Container size="md" py={64} component="main">
      <Stack gap="xl">
        <Stack gap="sm">
          <Text fw={800} size="xl" c="blue.8">
            Tenantry
          </Text>
          <Title order={1}>Your studio's cameras, ads and team in one place</Title>
          <Text size="lg" c="dimmed">
            One account for every product: invite your team, give each person a role, and connect cameras and tools with keys you control.
          </Text>
          <Group mt="md">
            <Button component={Link} to="/signup" size="md">
              Create an account
            </Button>
            <Button component={Link} to="/login" size="md" variant="default">
              Log in
            </Button>
          </Group>
        </Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {webApps.map((app) => (
            <Paper key={app.name} withBorder p="lg" radius="md">
              <Title order={2} size="h4">
                {app.title}
              </Title>
              <Text c="dimmed" mt={4}>
                {app.tagline}
              </Text>
            </Paper>
          ))}
        </SimpleGrid>
      </Stack>
    </Container>
  );
}
