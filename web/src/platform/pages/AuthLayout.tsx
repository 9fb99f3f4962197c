import type { ReactNode } from 'react';
import { Anchor, Container, Paper, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

/** The frame of the signed-out pages: brand, one card, a way home. */
export function AuthLayout({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <Container size={460} py={48} component="main">
      <Stack gap="lg">
        <Anchor component={Link} to="/" fw={800} size="xl" underline="never">
          Tenantry
        </Anchor>
        <div>
          <Title order={1} size="h2">
            {title}
          </Title>
          {subtitle && (
            <Text c="dimmed" mt={4}>
              {subtitle}
            </Text>
          )}
        </div>
        <Paper withBorder shadow="sm" p="lg" radius="md">
          {children}
        </Paper>
      </Stack>
    </Container>
  );
}
